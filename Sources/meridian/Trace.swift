import ArgumentParser
import IPAddressing
import NetworkModel
import Reachability

/// The protocols `trace` accepts.
enum TraceProtocol: String, ExpressibleByArgument, CaseIterable {
    case icmp, tcp, udp

    var ipProtocol: IPProtocol {
        switch self {
        case .icmp: .icmp
        case .tcp: .tcp
        case .udp: .udp
        }
    }
}

extension Meridian {
    /// `meridian trace FILE SRC DST`: the path hop by hop, each hop naming the table entry that decided it.
    struct Trace: AnalysisCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trace a flow from SRC to DST and back, hop by hop.",
            discussion: "Exit status 0 when the flow gets there and back, 1 when not, 2 for bad input.")

        @OptionGroup var options: TopologyOptions

        @Argument(help: "Where the flow starts: an instance, a site, or an address.")
        var source: String

        @Argument(help: "Where it goes: an instance, a site, or an address.")
        var destination: String

        @Option(name: .customLong("protocol"), help: "icmp, tcp or udp.")
        var ipProtocol: TraceProtocol = .icmp

        @Option(help: "The destination port (tcp and udp, 1...65535).")
        var port: Int?

        func validate() throws {
            if let port {
                guard ipProtocol != .icmp else {
                    throw ValidationError("--port \(port) needs --protocol tcp or udp; ICMP has no ports.")
                }
                guard (1...65535).contains(port) else {
                    throw ValidationError("Please give a --port in 1...65535, not \(port).")
                }
            } else if ipProtocol != .icmp {
                throw ValidationError("--protocol \(ipProtocol.rawValue) needs a --port in 1...65535.")
            }
        }

        func execute(into output: inout CommandOutput) throws -> Int32 {
            let analysis = try Analysis(file: options.file)
            let from = try analysis.endpoint(source, role: "source")
            let to = try analysis.endpoint(destination, role: "destination")
            let flow = Flow(
                source: from.address, destination: to.address, ipProtocol: ipProtocol.ipProtocol,
                destinationPort: port, sourcePort: port == nil ? nil : 49152)
            let result = analysis.analyzer.trace(flow, from: from.node)
            let rendering = TraceRendering(analysis: analysis)
            if options.json {
                try output.json(TraceResultReport(from, to, result, rendering))
                return result.isReachable ? 0 : 1
            }
            output.line("\(rendering.title(from, to)), \(flow.ipProtocol)\(port.map { " port \($0)" } ?? "")")
            output.line()
            output.line("forward: \(result.forward.disposition.rawValue)")
            output.lines(rendering.hopTable(result.forward))
            if let reverse = result.reverse {
                output.line()
                output.line("return: \(reverse.disposition.rawValue)")
                output.lines(rendering.hopTable(reverse))
            }
            output.line()
            output.lines(rendering.outcome(result))
            return result.isReachable ? 0 : 1
        }
    }
}
