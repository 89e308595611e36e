public import IPAddressing
import NetworkModel
import Reachability
import RouteEngine

/// A connectivity test's flow as the caller gave it (`TestConnectivity`).
public struct ConnectivityRequest: Sendable {
    public var sourceIp: String
    public var destinationIp: String
    /// `icmp` (default), `tcp` or `udp`, in any case.
    public var ipProtocol: String?
    /// Required for TCP and UDP, not allowed for ICMP.
    public var destinationPort: Int?

    public init(sourceIp: String, destinationIp: String, ipProtocol: String? = nil, destinationPort: Int? = nil) {
        self.sourceIp = sourceIp
        self.destinationIp = destinationIp
        self.ipProtocol = ipProtocol
        self.destinationPort = destinationPort
    }
}

/// One end of a tested flow: its address and the node that answers for it.
public struct ConnectivityEndpoint: Sendable, Hashable {
    public var ip: IPv4Address
    /// The node's id (`site-…`, `i-…`, or the VPC of a vSwitch address no instance holds).
    public var node: String
    public var name: String
}

/// One hop, with the same columns `meridian trace` prints (and its `--json` keys).
public struct ConnectivityHop: Sendable, Hashable {
    public var node: String
    public var name: String
    /// `VPC`, `VBR`, `VPN gateway`, `office`, `IDC`, `CEN` or `instance`.
    public var kind: String
    /// The route that decided: destination, source (policy routes), type, next hop.
    public var destination: String?
    public var source: String?
    public var routeType: String?
    public var nextHopType: String?
    public var nextHop: String?
    /// The link the flow left by.
    public var via: String?
    public var note: String
}

/// Something that does not stop the flow but deserves attention.
public struct ConnectivityWarning: Sendable, Hashable {
    public var kind: String
    public var message: String
    public var fix: String?
}

/// A connectivity test's answer, computed by the Reachability analyzer over the projected topology.
public struct ConnectivityReport: Sendable, Hashable {
    public var source: ConnectivityEndpoint
    public var destination: ConnectivityEndpoint
    /// `icmp`, `tcp` or `udp`.
    public var ipProtocol: String
    public var destinationPort: Int?
    /// Both directions accepted.
    public var isReachable: Bool
    /// The deciding disposition (`ACCEPTED`, `NO_ROUTE`, `TUNNEL_DOWN`, …).
    public var outcome: String
    /// `forward` or `return` when not reachable; empty otherwise.
    public var failedDirection: String
    /// One sentence, as `meridian trace` prints it after `why:`.
    public var explanation: String
    public var fix: String?
    public var forwardOutcome: String
    public var forwardHops: [ConnectivityHop]
    /// `nil` when the forward path failed (no reply is traced).
    public var returnOutcome: String?
    public var returnHops: [ConnectivityHop]
    public var warnings: [ConnectivityWarning]
}

extension CloudState {
    /// ``CloudView/testConnectivity(_:)`` with a route engine built for this state.
    ///
    /// - Complexity: builds the route engine over the whole state; the API uses the control plane's view, whose
    ///   engine is kept up to date.
    public func testConnectivity(_ request: ConnectivityRequest) throws(ControlPlaneError) -> ConnectivityReport {
        try CloudView(state: self).testConnectivity(request)
    }

    /// ``CloudView/siteTunnelStates()`` with a route engine built for this state.
    public func siteTunnelStates() -> [String: SiteTunnelState] {
        CloudView(state: self).siteTunnelStates()
    }
}

extension CloudView {
    /// Traces a flow forward and back over the route engine's tables of this state, as `meridian trace` does
    /// for a topology file.
    ///
    /// - Throws: `InvalidSourceIp.Malformed`, `InvalidDestinationIp.Malformed`, `InvalidProtocol`,
    ///   `InvalidDestinationPort` / `MissingDestinationPort`, and `InvalidSourceIp.NotFound` /
    ///   `InvalidDestinationIp.NotFound` for an address no instance or site (or, for a destination, no vSwitch)
    ///   has.
    public func testConnectivity(_ request: ConnectivityRequest) throws(ControlPlaneError) -> ConnectivityReport {
        let source = try CloudState.address(request.sourceIp, parameter: "SourceIp")
        let destination = try CloudState.address(request.destinationIp, parameter: "DestinationIp")
        let protocolText = request.ipProtocol ?? "icmp"
        guard let ipProtocol = [IPProtocol.icmp, .tcp, .udp].first(where: { $0.rawValue == protocolText.lowercased() })
        else {
            throw .invalid(
                "InvalidProtocol",
                "The specified Protocol '\(protocolText)' is not valid; allowed: icmp, tcp, udp."
            )
        }
        if let port = request.destinationPort {
            guard ipProtocol != .icmp else {
                throw .invalid(
                    "InvalidDestinationPort",
                    "The specified DestinationPort '\(port)' needs Protocol tcp or udp; ICMP has no ports."
                )
            }
            guard (1...65535).contains(port) else {
                throw .invalid(
                    "InvalidDestinationPort",
                    "The specified DestinationPort '\(port)' is not valid; allowed: 1 to 65535."
                )
            }
        } else if ipProtocol != .icmp {
            throw .invalid(
                "MissingDestinationPort",
                "Protocol \(ipProtocol.rawValue) needs a DestinationPort from 1 to 65535."
            )
        }
        let topology = engine.topology
        let analyzer = ReachabilityAnalyzer(engine)
        let renderer = _HopRenderer(topology: topology, engine: engine)

        guard let from = analyzer.endpointNode(for: source) else {
            throw .notFound(
                "InvalidSourceIp.NotFound",
                "The specified SourceIp '\(source)' is neither an instance's private IP nor inside a site's CIDR block; \(renderer.endpointList(analyzer))."
            )
        }
        let toNode: NodeID
        let toName: String
        if let node = analyzer.endpointNode(for: destination) {
            toNode = node
            toName = renderer.name(node)
        } else if let vSwitch = topology.vSwitches.values.sorted(by: { $0.id < $1.id })
            .first(where: { $0.cidrBlock.contains(destination) })
        {
            // An address inside a vSwitch that no instance holds can still be traced, to show what happens.
            toNode = .vpc(vSwitch.vpc)
            toName = "no instance in \(renderer.name(vSwitch.vpc.rawValue))"
        } else {
            throw .notFound(
                "InvalidDestinationIp.NotFound",
                "The specified DestinationIp '\(destination)' is neither an instance's private IP nor inside a site's CIDR block or a vSwitch; \(renderer.endpointList(analyzer))."
            )
        }
        let flow = Flow(
            source: source,
            destination: destination,
            ipProtocol: ipProtocol,
            destinationPort: request.destinationPort,
            sourcePort: request.destinationPort == nil ? nil : 49152
        )
        let result = analyzer.trace(flow, from: from)
        let failed: String
        if result.isReachable {
            failed = ""
        } else {
            failed = result.forward.disposition == .accepted ? "return" : "forward"
        }
        return ConnectivityReport(
            source: ConnectivityEndpoint(ip: source, node: from.description, name: renderer.name(from)),
            destination: ConnectivityEndpoint(ip: destination, node: toNode.description, name: toName),
            ipProtocol: ipProtocol.rawValue,
            destinationPort: request.destinationPort,
            isReachable: result.isReachable,
            outcome: result.disposition.rawValue,
            failedDirection: failed,
            explanation: result.explanation,
            fix: result.fix,
            forwardOutcome: result.forward.disposition.rawValue,
            forwardHops: result.forward.hops.map(renderer.hop),
            returnOutcome: result.reverse?.disposition.rawValue,
            returnHops: result.reverse?.hops.map(renderer.hop) ?? [],
            warnings: result.warnings.map {
                ConnectivityWarning(kind: $0.kind.rawValue, message: $0.message, fix: $0.fix)
            }
        )
    }
}

/// Names and descriptions of nodes, next hops and links, the way `meridian trace` shows them (TraceReport.swift,
/// Analysis.swift), with the state's resource names instead of a topology file's.
struct _HopRenderer {
    let names: HopNames

    init(topology: Topology, engine: RouteEngine) {
        names = HopNames(topology: topology, engine: engine)
    }

    func name(_ id: String) -> String { names.name(id) }
    func name(_ node: NodeID) -> String { names.name(node) }
    func kind(_ node: NodeID) -> String { names.kind(node) }
    func describe(_ hop: NextHop) -> String { names.describe(hop) }
    func describe(_ link: HopLink) -> String { names.describe(link) }

    func hop(_ hop: Hop) -> ConnectivityHop {
        ConnectivityHop(
            node: hop.node.description,
            name: name(hop.node),
            kind: kind(hop.node),
            destination: hop.entry?.destination.description,
            source: hop.entry?.source?.description,
            routeType: hop.entry?.type.rawValue,
            nextHopType: hop.entry?.nextHop.typeName,
            nextHop: hop.entry.map { describe($0.nextHop) },
            via: hop.link.map(describe),
            note: hop.note
        )
    }

    /// "endpoints: 'Office' (10.10.10.10), …" or "there is no instance or site yet".
    func endpointList(_ analyzer: ReachabilityAnalyzer) -> String {
        let endpoints = analyzer.endpoints()
        guard !endpoints.isEmpty else { return "there is no instance or site yet" }
        let shown = endpoints.prefix(10).map { "'\($0.name)' (\($0.address))" }.joined(separator: ", ")
        return "endpoints: \(shown)\(endpoints.count > 10 ? ", …" : "")"
    }
}

/// The state of the tunnel a site's loaded configuration belongs to, as the route engine computes it.
public struct SiteTunnelState: Sendable, Hashable {
    /// The cloud's `Status` value (`ipsec_sa_established`, `ike_sa_not_established`, …).
    public var status: String
    /// One sentence: why.
    public var message: String
}

extension CloudView {
    /// The engine's tunnel state of every IPsec connection that some site has loaded, keyed by connection id.
    public func siteTunnelStates() -> [String: SiteTunnelState] {
        let ids = Set(state.sites.values.flatMap { $0.connectionConfigs.map(\.vpnConnectionId) })
        var out: [String: SiteTunnelState] = [:]
        for id in ids {
            guard let status = engine.tunnelStatus(VPNConnectionID(id)) else { continue }
            out[id] = SiteTunnelState(status: status.state.cloudStatus, message: status.message)
        }
        return out
    }
}
