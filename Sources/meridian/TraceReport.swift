import IPAddressing
import NetworkModel
import Reachability
import RouteEngine

/// A trace as the CLI prints it: hop tables for both directions, the outcome, the explanation and the fix.
struct TraceRendering {
    let analysis: Analysis

    func hopTable(_ path: PathTrace) -> [String] {
        var table = TextTable(["#", "Node", "Route", "Next hop", "Via", "Note"])
        for (index, hop) in path.hops.enumerated() {
            let route = hop.entry.map { entry in
                (entry.source.map { "\($0) → " } ?? "") + "\(entry.destination) (\(entry.type.rawValue))"
            } ?? ""
            let nextHop = hop.entry.map { analysis.describe($0.nextHop) } ?? ""
            table.append([
                "\(index + 1)", "\(analysis.kind(hop.node)) \(analysis.name(hop.node))", route, nextHop,
                hop.link.map(describe) ?? "", hop.note,
            ])
        }
        return table.render()
    }

    func describe(_ link: HopLink) -> String { analysis.names.describe(link) }

    /// `Office 1 (10.10.10.10) → Office 3 (10.20.10.10)`
    func title(_ source: Endpoint, _ destination: Endpoint) -> String {
        "\(source.name) (\(source.address)) → \(destination.name) (\(destination.address))"
    }

    /// Outcome lines: `reachable`, or the disposition, explanation and fix; then warnings.
    func outcome(_ result: TraceResult) -> [String] {
        var lines: [String] = []
        if result.isReachable {
            lines.append("reachable both ways")
        } else {
            let direction = result.forward.disposition == .accepted ? "return path" : "forward path"
            lines.append("not reachable: \(result.disposition.rawValue) on the \(direction)")
            lines.append("  why: \(result.explanation)")
            if let fix = result.fix { lines.append("  fix: \(fix)") }
        }
        for warning in result.warnings {
            lines.append("  warning: \(warning.kind.rawValue): \(warning.message)")
            if let fix = warning.fix { lines.append("    fix: \(fix)") }
        }
        return lines
    }
}

struct EndpointReport: Encodable {
    var name: String
    var node: String
    var address: String

    init(_ endpoint: Endpoint) {
        name = endpoint.name
        node = endpoint.node.description
        address = endpoint.address.description
    }
}

struct HopReport: Encodable {
    var node: String
    var name: String
    var kind: String
    var destination: String?
    var source: String?
    var routeType: String?
    var nextHopType: String?
    var nextHop: String?
    var via: String?
    var note: String
}

struct PathReport: Encodable {
    var flow: String
    var disposition: String
    var explanation: String
    var fix: String?
    var hops: [HopReport]
    var warnings: [WarningReport]

    init(_ path: PathTrace, _ rendering: TraceRendering) {
        let analysis = rendering.analysis
        flow = path.flow.description
        disposition = path.disposition.rawValue
        explanation = path.explanation
        fix = path.fix
        hops = path.hops.map { hop in
            HopReport(
                node: hop.node.description, name: analysis.name(hop.node), kind: analysis.kind(hop.node),
                destination: hop.entry?.destination.description, source: hop.entry?.source?.description,
                routeType: hop.entry?.type.rawValue, nextHopType: hop.entry?.nextHop.typeName,
                nextHop: hop.entry.map { analysis.describe($0.nextHop) }, via: hop.link.map(rendering.describe),
                note: hop.note)
        }
        warnings = path.warnings.map(WarningReport.init)
    }
}

struct WarningReport: Encodable {
    var kind: String
    var message: String
    var fix: String?

    init(_ warning: TraceWarning) {
        kind = warning.kind.rawValue
        message = warning.message
        fix = warning.fix
    }
}

struct TraceResultReport: Encodable {
    var source: EndpointReport
    var destination: EndpointReport
    var reachable: Bool
    var disposition: String
    var explanation: String
    var fix: String?
    var forward: PathReport
    var reverse: PathReport?

    init(_ source: Endpoint, _ destination: Endpoint, _ result: TraceResult, _ rendering: TraceRendering) {
        self.source = EndpointReport(source)
        self.destination = EndpointReport(destination)
        reachable = result.isReachable
        disposition = result.disposition.rawValue
        explanation = result.explanation
        fix = result.fix
        forward = PathReport(result.forward, rendering)
        reverse = result.reverse.map { PathReport($0, rendering) }
    }
}
