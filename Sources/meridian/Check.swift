import ArgumentParser
import NetworkModel
import TopologyFile

extension Meridian {
    /// `meridian check FILE`: reads and validates a topology file and reports every problem at once.
    struct Check: AnalysisCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a topology file and report every problem with its line and field.")

        @OptionGroup var options: TopologyOptions

        func execute(into output: inout CommandOutput) throws -> Int32 {
            let document: TopologyDocument
            do {
                document = try TopologyFile.load(path: options.file)
            } catch {
                if options.json {
                    try output.json(CheckReport(file: options.file, valid: false, problems: error.diagnostics.map(Problem.init)))
                    return 2
                }
                for diagnostic in error.diagnostics { output.error(diagnostic.description) }
                let count = error.diagnostics.count
                output.error("\(options.file): \(count) problem\(count == 1 ? "" : "s")")
                return 2
            }
            let t = document.topology
            let counts: [(String, Int)] = [
                ("VPCs", t.vpcs.count), ("vSwitches", t.vSwitches.count), ("VPN gateways", t.vpnGateways.count),
                ("IPsec connections", t.vpnConnections.count), ("customer gateways", t.customerGateways.count),
                ("router interfaces", t.routerInterfaces.count), ("VBRs", t.vbrs.count), ("CENs", t.cens.count),
                ("security groups", t.securityGroups.count), ("instances", t.instances.count), ("sites", t.sites.count),
            ]
            if options.json {
                try output.json(
                    CheckReport(
                        file: options.file, valid: true, problems: [],
                        resources: Dictionary(uniqueKeysWithValues: counts.map { ($0.0, $0.1) })))
                return 0
            }
            let summary = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.1 == 1 ? singular($0.0) : $0.0)" }
                .joined(separator: ", ")
            output.line("\(options.file): valid (\(summary))")
            return 0
        }
    }
}

/// "VPCs" → "VPC", "vSwitches" → "vSwitch".
func singular(_ plural: String) -> String {
    if plural.hasSuffix("ches") { return String(plural.dropLast(2)) }
    if plural.hasSuffix("s") { return String(plural.dropLast()) }
    return plural
}

struct Problem: Encodable {
    var file: String
    var line: Int?
    var column: Int?
    var path: String
    var message: String

    init(_ diagnostic: TopologyDiagnostic) {
        file = diagnostic.file
        line = diagnostic.line
        column = diagnostic.column
        path = diagnostic.path
        message = diagnostic.message
    }
}

struct CheckReport: Encodable {
    var file: String
    var valid: Bool
    var problems: [Problem]
    var resources: [String: Int]?
}
