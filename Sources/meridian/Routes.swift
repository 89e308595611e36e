import ArgumentParser
import IPAddressing
import NetworkModel
import RouteEngine

extension Meridian {
    /// `meridian routes FILE [ROUTER]`: the effective route tables, as the cloud would show them.
    struct Routes: AnalysisCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show effective route tables: every entry with its type, status and reason.",
            discussion: "ROUTER is the name of a VPC, VBR, VPN gateway, CEN or site; without it every table is shown.")

        @OptionGroup var options: TopologyOptions

        @Argument(help: "The router whose table to show (default: all).")
        var router: String?

        func execute(into output: inout CommandOutput) throws -> Int32 {
            let analysis = try Analysis(file: options.file)
            let nodes = try router.map { [try analysis.router(named: $0)] } ?? analysis.routers
            let tables = nodes.compactMap { analysis.engine.routeTable(for: $0) }
            if options.json {
                try output.json(tables.map { RouteTableReport($0, analysis) })
                return 0
            }
            for (index, table) in tables.enumerated() {
                if index > 0 { output.line() }
                output.lines(render(table, analysis))
            }
            return 0
        }

        func render(_ table: RouteTable, _ analysis: Analysis) -> [String] {
            var title = "\(analysis.kind(table.node)) \(analysis.name(table.node)) (\(table.node))"
            if let id = table.routeTableID { title += ", route table \(id)" }
            let hasSource = table.entries.contains { $0.source != nil }
            var headers = ["Destination CIDR block", "Next hop type", "Next hop", "Type", "Status", "Reason"]
            if hasSource { headers.insert("Source CIDR block", at: 0) }
            var text = TextTable(headers)
            for entry in table.entries {
                var reason = entry.status == .active ? "" : entry.reason
                if entry.isConflict { reason = reason.isEmpty ? "conflict" : "conflict: \(reason)" }
                if let weight = entry.weight { reason = reason.isEmpty ? "weight \(weight)" : "weight \(weight); \(reason)" }
                var row = [
                    entry.destination.description, entry.nextHop.typeName, analysis.describe(entry.nextHop),
                    entry.type.rawValue, entry.status.rawValue, reason,
                ]
                if hasSource { row.insert(entry.source?.description ?? "", at: 0) }
                text.append(row)
            }
            return [title + ":"] + text.render()
        }
    }
}

struct RouteEntryReport: Encodable {
    var destination: String
    var source: String?
    var nextHopType: String
    var nextHopId: String
    var nextHop: String
    var type: String
    var status: String
    var reason: String
    var origin: String
    var weight: Int?
    var conflict: Bool
}

struct RouteTableReport: Encodable {
    var router: String
    var name: String
    var kind: String
    var routeTableId: String?
    var entries: [RouteEntryReport]

    init(_ table: RouteTable, _ analysis: Analysis) {
        router = table.node.description
        name = analysis.name(table.node)
        kind = analysis.kind(table.node)
        routeTableId = table.routeTableID?.rawValue
        entries = table.entries.map { entry in
            RouteEntryReport(
                destination: entry.destination.description, source: entry.source?.description,
                nextHopType: entry.nextHop.typeName, nextHopId: entry.nextHop.idText,
                nextHop: analysis.describe(entry.nextHop), type: entry.type.rawValue, status: entry.status.rawValue,
                reason: entry.reason, origin: entry.origin.description, weight: entry.weight, conflict: entry.isConflict)
        }
    }
}
