import ArgumentParser
import Foundation

/// `meridian routes|ping|trace --server URL …`: the same questions asked of a running server's API instead
/// of a topology file.
///
/// `Meridian.run` sends a command line whose subcommand is `routes`, `ping` or `trace` and that has
/// `--server` here (the file-based commands take a file as their first argument, these do not).
enum RemoteCommands {
    /// The hidden subcommand that answers `name --server …`, if any.
    static func rewrite(_ arguments: [String]) -> [String] {
        guard let first = arguments.first, ["routes", "ping", "trace"].contains(first),
            arguments.contains(where: { $0 == "--server" || $0.hasPrefix("--server=") })
        else { return arguments }
        return ["remote-\(first)"] + arguments.dropFirst()
    }
}

/// Where the server is and who asks.
struct ServerOptions: ParsableArguments {
    @Option(help: "The server's URL, for example http://127.0.0.1:8080.")
    var server: String

    @Option(name: .customLong("access-key"), help: "The access key pair ID:SECRET (default: $MERIDIAN_ACCESS_KEY).")
    var accessKey: String?

    @Option(help: "The region of the resources (RegionId; routes needs it).")
    var region: String?

    func client() throws -> APIClient { try APIClient(server: server, accessKey: accessKey) }
}

/// Prints and exits: an API error becomes exit status 2 with the API's code.
private func report(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as APIClient.CallError {
        throw CLIError(error.description)
    }
}

private func write(_ lines: [String]) {
    FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))
}

/// `meridian routes --server URL --region R VPC_OR_ROUTE_TABLE`: a VPC route table as the server lists it.
struct RemoteRoutes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote-routes",
        abstract: "Show a VPC route table of a running server (meridian routes --server URL …).",
        shouldDisplay: false
    )

    @OptionGroup var options: ServerOptions

    @Argument(help: "A VPC id (vpc-…) or route table id (vtb-…).")
    var table: String

    func run() async throws {
        let client = try options.client()
        guard let region = options.region else {
            throw ValidationError("Please give the --region of the VPC or route table.")
        }
        try await report {
            var tableId = table
            if table.hasPrefix("vpc-") {
                let answer = try await client.call(
                    "DescribeVpcs",
                    version: "2016-04-28",
                    [("RegionId", region), ("VpcId", table)]
                )
                guard let vpc = ((answer["Vpcs"] as? [String: Any])?["Vpc"] as? [[String: Any]])?.first,
                    let id = (vpc["RouterTableIds"] as? [String: Any])?["RouterTableIds"] as? [String],
                    let first = id.first
                else {
                    throw CLIError("VPC '\(table)' does not exist in region \(region) on \(options.server)")
                }
                tableId = first
            }
            var rows: [[String]] = []
            var token: String?
            repeat {
                var parameters = [("RegionId", region), ("RouteTableId", tableId), ("MaxResult", "100")]
                if let token { parameters.append(("NextToken", token)) }
                let answer = try await client.call("DescribeRouteEntryList", version: "2016-04-28", parameters)
                let entries = (answer["RouteEntrys"] as? [String: Any])?["RouteEntry"] as? [[String: Any]] ?? []
                for entry in entries {
                    let hops = (entry["NextHops"] as? [String: Any])?["NextHop"] as? [[String: Any]] ?? []
                    rows.append([
                        entry["DestinationCidrBlock"] as? String ?? "",
                        hops.compactMap { $0["NextHopType"] as? String }.joined(separator: ","),
                        hops.compactMap { $0["NextHopId"] as? String }.joined(separator: ","),
                        entry["Type"] as? String ?? "", entry["Status"] as? String ?? "",
                    ])
                }
                token = (answer["NextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            } while token != nil
            var text = TextTable(["Destination CIDR block", "Next hop type", "Next hop", "Type", "Status"])
            for row in rows { text.append(row) }
            write(["route table \(tableId) on \(options.server):"] + text.render())
        }
    }
}

/// The flow a remote ping or trace asks about.
struct RemoteFlowOptions: ParsableArguments {
    @Argument(help: "The source address (inside an instance or a site).")
    var source: String

    @Argument(help: "The destination address.")
    var destination: String
}

/// Asks `TestConnectivity` (Version 2026-11-01) and prints the answer; exit status 1 when not reachable.
private func testConnectivity(
    _ options: ServerOptions,
    _ flow: RemoteFlowOptions,
    protocolName: String,
    port: Int?,
    hops: Bool
) async throws {
    let client = try options.client()
    var parameters = [("SourceIp", flow.source), ("DestinationIp", flow.destination), ("Protocol", protocolName)]
    if let port { parameters.append(("DestinationPort", String(port))) }
    var reachable = false
    try await report {
        let answer = try await client.call("TestConnectivity", version: "2026-11-01", parameters)
        reachable = answer["Reachable"] as? Bool ?? false
        var lines = [
            "\(flow.source) → \(flow.destination): "
                + (reachable ? "reachable both ways" : "not reachable: \(answer["Outcome"] as? String ?? "?")")
        ]
        if let explanation = answer["Explanation"] as? String, !explanation.isEmpty { lines.append(explanation) }
        if let fix = answer["Fix"] as? String, !fix.isEmpty { lines.append("Fix: \(fix)") }
        if hops {
            for (title, key) in [("Forward", "ForwardHops"), ("Return", "ReturnHops")] {
                let list = (answer[key] as? [String: Any])?["Hop"] as? [[String: Any]] ?? []
                guard !list.isEmpty else { continue }
                lines.append("\(title) path:")
                for (index, hop) in list.enumerated() {
                    func field(_ name: String) -> String? {
                        (hop[name] as? String).flatMap { $0.isEmpty ? nil : $0 }
                    }
                    var line = "  \(index + 1). \(field("NodeName") ?? field("NodeId") ?? "?")"
                    if let kind = field("NodeKind") { line += " (\(kind))" }
                    if let destination = field("DestinationCidrBlock") {
                        line += ": \(field("RouteType").map { "\($0) route " } ?? "route ")\(destination)"
                        if let type = field("NextHopType") { line += " → \(type) \(field("NextHop") ?? "")" }
                    }
                    if let via = field("Via") { line += " via \(via)" }
                    if let note = field("Note") { line += "; \(note)" }
                    lines.append(line)
                }
            }
        }
        write(lines)
    }
    if !reachable { throw ExitCode(1) }
}

/// `meridian ping --server URL --region R SRC DST`.
struct RemotePing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote-ping",
        abstract: "Ask a running server whether SRC can ping DST (meridian ping --server URL …).",
        shouldDisplay: false
    )

    @OptionGroup var options: ServerOptions
    @OptionGroup var flow: RemoteFlowOptions

    func run() async throws {
        try await testConnectivity(options, flow, protocolName: "icmp", port: nil, hops: false)
    }
}

/// `meridian trace --server URL --region R SRC DST [--protocol P] [--port N]`.
struct RemoteTrace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote-trace",
        abstract: "Ask a running server for the path from SRC to DST hop by hop (meridian trace --server URL …).",
        shouldDisplay: false
    )

    @OptionGroup var options: ServerOptions
    @OptionGroup var flow: RemoteFlowOptions

    @Option(name: .customLong("protocol"), help: "icmp, tcp or udp.")
    var ipProtocol: TraceProtocol = .icmp

    @Option(help: "The destination port (tcp and udp, 1...65535).")
    var port: Int?

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("Please give a --port from 1 to 65535 (got \(port)).")
        }
    }

    func run() async throws {
        try await testConnectivity(options, flow, protocolName: ipProtocol.rawValue, port: port, hops: true)
    }
}
