import ArgumentParser
import IPAddressing
import Reachability

extension Meridian {
    /// `meridian ping FILE SRC DST`: whether a ping gets there and back, and if not, why and what to change.
    struct Ping: AnalysisCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that SRC can ping DST (forward and return path).",
            discussion: """
                SRC and DST are instance or site names, or IPv4 addresses inside an instance or a site. \
                Exit status 0 when reachable both ways, 1 when not, 2 for bad input.
                """)

        @OptionGroup var options: TopologyOptions

        @Argument(help: "Where the ping starts: an instance, a site, or an address.")
        var source: String

        @Argument(help: "Where it goes: an instance, a site, or an address.")
        var destination: String

        func execute(into output: inout CommandOutput) throws -> Int32 {
            let analysis = try Analysis(file: options.file)
            let from = try analysis.endpoint(source, role: "source")
            let to = try analysis.endpoint(destination, role: "destination")
            let result = analysis.analyzer.trace(Flow(source: from.address, destination: to.address), from: from.node)
            let rendering = TraceRendering(analysis: analysis)
            if options.json {
                try output.json(TraceResultReport(from, to, result, rendering))
            } else {
                let outcome = rendering.outcome(result)
                output.line("\(rendering.title(from, to)): \(outcome[0])")
                output.lines(Array(outcome.dropFirst()))
            }
            return result.isReachable ? 0 : 1
        }
    }
}
