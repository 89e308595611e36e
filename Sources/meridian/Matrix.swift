import ArgumentParser
import Reachability

extension Meridian {
    /// `meridian matrix FILE`: every site and instance pings every other one.
    struct Matrix: AnalysisCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ping every site and instance from every other one.",
            discussion: "Exit status 0 only when every pair is reachable both ways, 1 otherwise, 2 for bad input.")

        @OptionGroup var options: TopologyOptions

        func execute(into output: inout CommandOutput) throws -> Int32 {
            let analysis = try Analysis(file: options.file)
            let endpoints = analysis.analyzer.endpoints()
            let results = analysis.analyzer.matrix(endpoints)
            let rendering = TraceRendering(analysis: analysis)
            let failures = results.filter { !$0.result.isReachable }
            if options.json {
                try output.json(
                    MatrixReport(
                        endpoints: endpoints.map(EndpointReport.init),
                        pairs: results.map { TraceResultReport($0.source, $0.destination, $0.result, rendering) },
                        reachable: results.count - failures.count, unreachable: failures.count))
                return failures.isEmpty ? 0 : 1
            }
            var table = TextTable(["From \\ To"] + endpoints.map(\.name))
            for source in endpoints {
                var row = [source.name]
                for destination in endpoints {
                    if source == destination {
                        row.append("-")
                    } else if let cell = results.first(where: { $0.source == source && $0.destination == destination }) {
                        row.append(cell.result.isReachable ? "ok" : cell.result.disposition.rawValue)
                    }
                }
                table.append(row)
            }
            output.lines(table.render())
            output.line()
            output.line("\(results.count - failures.count) of \(results.count) pairs reachable both ways")
            for failure in failures {
                output.line()
                let outcome = rendering.outcome(failure.result)
                output.line("\(rendering.title(failure.source, failure.destination)): \(outcome[0])")
                output.lines(Array(outcome.dropFirst()))
            }
            return failures.isEmpty ? 0 : 1
        }
    }
}

struct MatrixReport: Encodable {
    var endpoints: [EndpointReport]
    var pairs: [TraceResultReport]
    var reachable: Int
    var unreachable: Int
}
