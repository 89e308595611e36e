public import IPAddressing
public import NetworkModel
public import RouteEngine

/// A flow to trace: addresses, protocol and port (no packets are sent).
public struct Flow: Sendable, Hashable, Codable, CustomStringConvertible {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var ipProtocol: IPProtocol
    /// The destination port for TCP and UDP; `nil` for ICMP.
    public var destinationPort: Int?
    public var sourcePort: Int?

    public init(
        source: IPv4Address, destination: IPv4Address, ipProtocol: IPProtocol = .icmp, destinationPort: Int? = nil,
        sourcePort: Int? = nil
    ) {
        self.source = source
        self.destination = destination
        self.ipProtocol = ipProtocol
        self.destinationPort = destinationPort
        self.sourcePort = sourcePort
    }

    /// The reply: addresses and ports swapped.
    public var reversed: Flow {
        Flow(source: destination, destination: source, ipProtocol: ipProtocol, destinationPort: sourcePort, sourcePort: destinationPort)
    }

    public var description: String {
        let port = destinationPort.map { ":\($0)" } ?? ""
        return "\(ipProtocol) \(source) → \(destination)\(port)"
    }
}

/// What happened to a flow, in Batfish's vocabulary.
public enum Disposition: String, Sendable, Hashable, Codable, CaseIterable {
    /// Delivered to an instance or a PC in a site.
    case accepted = "ACCEPTED"
    /// A router has no route for the destination.
    case noRoute = "NO_ROUTE"
    /// The destination instance's security groups do not accept the flow.
    case deniedIn = "DENIED_IN"
    /// The source instance's security groups drop the flow.
    case deniedOut = "DENIED_OUT"
    /// The IPsec tunnel the route chose cannot carry the flow.
    case tunnelDown = "TUNNEL_DOWN"
    /// The chosen next hop exists but does not forward (a deactivated router interface, for example).
    case blackhole = "BLACKHOLE"
    /// The flow comes back to a router it already passed.
    case loop = "LOOP"
    /// The route delivers into a vSwitch but no instance has the address.
    case neighborUnreachable = "NEIGHBOR_UNREACHABLE"
    /// The source address is neither an instance's nor inside a site.
    case unknownSource = "UNKNOWN_SOURCE"
}

/// How a hop left its node.
public enum HopLink: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Into the VPC's vRouter from an instance, or from a vRouter to an instance on a vSwitch.
    case vSwitch(VSwitchID)
    /// An IPsec tunnel.
    case ipsecTunnel(VPNConnectionID)
    /// An Express Connect router interface (this end, the opposite end).
    case routerInterface(RouterInterfaceID, opposite: RouterInterfaceID)
    /// CEN, from one region to another.
    case cen(CENID, from: RegionID, to: RegionID)
    /// From a VPN gateway into its VPC.
    case vpnGatewayToVPC(VPCID)
    /// From a VPC to its VPN gateway.
    case vpcToVPNGateway(VPNGatewayID)
    /// A VBR's physical connection to its data centre.
    case physicalConnection(VBRID)

    public var description: String {
        switch self {
        case .vSwitch(let id): "vSwitch \(id)"
        case .ipsecTunnel(let id): "IPsec tunnel \(id)"
        case .routerInterface(let id, let opposite): "router interface \(id) → \(opposite)"
        case .cen(let id, let from, let to): "CEN \(id) \(from) → \(to)"
        case .vpnGatewayToVPC(let id): "into VPC \(id)"
        case .vpcToVPNGateway(let id): "to VPN gateway \(id)"
        case .physicalConnection(let id): "physical connection of \(id)"
        }
    }
}

/// One step of a path: the node, the entry that decided, and the link used to leave it.
public struct Hop: Sendable, Hashable, Codable, CustomStringConvertible {
    public var node: NodeID
    /// The route table entry that decided (nil for instances and final delivery).
    public var entry: RouteTableEntry?
    public var link: HopLink?
    /// What happened here, in a few words.
    public var note: String

    public init(node: NodeID, entry: RouteTableEntry? = nil, link: HopLink? = nil, note: String) {
        self.node = node
        self.entry = entry
        self.link = link
        self.note = note
    }

    public var description: String {
        var text = "\(node): \(note)"
        if let entry { text += " [\(entry.destination) → \(entry.nextHop)]" }
        if let link { text += " via \(link)" }
        return text
    }
}

/// Something that does not stop a ping but deserves attention.
public struct TraceWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Cross-region CEN traffic without a bandwidth plan: only the 1 Kbit/s test allowance carries it.
        case noCrossRegionBandwidth = "NO_BANDWIDTH"
        /// A flow outside an IPsec connection's negotiated selectors, carried because the side is route-based.
        case outsideSelectors = "OUTSIDE_SELECTORS"
        /// The tunnel negotiates only now, triggered by this traffic (`EffectImmediately=false`).
        case negotiatesOnTraffic = "NEGOTIATES_ON_TRAFFIC"
    }

    public var kind: Kind
    public var message: String
    public var fix: String?

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// One direction of a trace.
public struct PathTrace: Sendable, Hashable, Codable {
    public var flow: Flow
    public var hops: [Hop]
    public var disposition: Disposition
    /// One sentence.
    public var explanation: String
    /// What to change, when something can be changed.
    public var fix: String?
    public var warnings: [TraceWarning]
    /// For DENIED_IN/DENIED_OUT: the group whose rule decided (or the instance's first group when no rule matched).
    public var securityGroup: SecurityGroupID?
    /// For TUNNEL_DOWN.
    public var tunnelDownCause: TunnelDownCause?
    /// The node where the flow ended.
    public var finalNode: NodeID?
}

/// A forward path and, when it was accepted, the return path.
public struct TraceResult: Sendable, Hashable, Codable {
    public var flow: Flow
    public var forward: PathTrace
    public var reverse: PathTrace?

    /// A ping is reachable only if both directions are accepted.
    public var isReachable: Bool { forward.disposition == .accepted && reverse?.disposition == .accepted }

    /// The disposition that decides: the forward one, or the return one when the forward path was accepted.
    public var disposition: Disposition {
        if forward.disposition != .accepted { return forward.disposition }
        return reverse?.disposition ?? forward.disposition
    }

    /// Both directions' warnings.
    public var warnings: [TraceWarning] { forward.warnings + (reverse?.warnings ?? []) }

    /// One sentence.
    public var explanation: String {
        if forward.disposition != .accepted { return forward.explanation }
        if let reverse, reverse.disposition != .accepted { return "the reply fails: " + reverse.explanation }
        return forward.explanation
    }

    public var fix: String? { forward.disposition != .accepted ? forward.fix : reverse?.fix }
}

/// Something that answers a ping: an instance, or a PC in a site.
public struct Endpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var node: NodeID
    public var address: IPv4Address
    public var name: String

    public init(node: NodeID, address: IPv4Address, name: String) {
        self.node = node
        self.address = address
        self.name = name
    }

    public var description: String { "\(name.isEmpty ? node.description : name) (\(address))" }
}
