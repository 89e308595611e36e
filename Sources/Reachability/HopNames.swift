import IPAddressing
public import NetworkModel
public import RouteEngine

/// How a person reads a trace: node kinds, next hops and links named by the resources they point to.
///
/// Shared by `meridian trace` (names from the topology file) and the API's `TestConnectivity` (the resources'
/// own names), so both describe a path in the same words.
public struct HopNames {
    public let topology: Topology
    public let engine: RouteEngine
    private let nameOf: (String) -> String

    /// - Parameter name: the name to show for an identifier; by default the name of the resource in `topology`
    ///   that has it, or the identifier itself.
    public init(topology: Topology, engine: RouteEngine, name: ((String) -> String)? = nil) {
        self.topology = topology
        self.engine = engine
        self.nameOf = name ?? { id in Self.resourceName(id, in: topology) }
    }

    /// The name of the resource with identifier `id` in `topology`, or `id`.
    public static func resourceName(_ id: String, in t: Topology) -> String {
        t.vpcs[VPCID(id)]?.name ?? t.vSwitches[VSwitchID(id)]?.name ?? t.vpnGateways[VPNGatewayID(id)]?.name
            ?? t.vpnConnections[VPNConnectionID(id)]?.name ?? t.customerGateways[CustomerGatewayID(id)]?.name
            ?? t.sites[SiteID(id)]?.name ?? t.instances[InstanceID(id)]?.name ?? t.cens[CENID(id)]?.name
            ?? t.vbrs[VBRID(id)]?.name ?? t.routerInterfaces[RouterInterfaceID(id)]?.name ?? id
    }

    public func name(_ id: String) -> String { nameOf(id) }

    public func name(_ node: NodeID) -> String { nameOf(node.description) }

    /// The node kind as a person says it.
    public func kind(_ node: NodeID) -> String {
        switch node {
        case .vpc: "VPC"
        case .vbr: "VBR"
        case .vpnGateway: "VPN gateway"
        case .site(let id): topology.sites[id]?.kind == .idc ? "IDC" : "office"
        case .cen: "CEN"
        case .instance: "instance"
        }
    }

    /// A next hop: the name of the resource it points to.
    public func describe(_ hop: NextHop) -> String {
        switch hop {
        case .local(let id): name(id.rawValue)
        case .service: "cloud services"
        case .instance(let id): name(id.rawValue)
        case .vpnGateway(let id): name(id.rawValue)
        case .routerInterface(let id):
            if let interface = topology.routerInterfaces[id], let opposite = interface.oppositeInterface,
                let far = topology.routerInterfaces[opposite]
            {
                "\(name(id.rawValue)) (to \(name(far.router.description)))"
            } else {
                name(id.rawValue)
            }
        case .haVip(let id): id
        case .network(let network, let region): "\(name(network.description)) (\(region))"
        case .vpnConnection(let id): name(id.rawValue)
        case .site(let id): name(id.rawValue)
        case .connected: "connected"
        case .ipAddress(let address): address.description
        case .ipsecTunnel(let peer):
            engine.vpnGateway(withPublicIP: peer).map { "tunnel to \(peer) (\(name($0.rawValue)))" }
                ?? "tunnel to \(peer)"
        }
    }

    /// The link a hop leaves by.
    public func describe(_ link: HopLink) -> String {
        switch link {
        case .vSwitch(let id): "vSwitch \(name(id.rawValue))"
        case .ipsecTunnel(let id): "IPsec \(name(id.rawValue))"
        case .routerInterface(let id, let opposite):
            "router interface \(name(id.rawValue)) → \(name(opposite.rawValue))"
        case .cen(let id, let from, let to): "CEN \(name(id.rawValue)) \(from) → \(to)"
        case .vpnGatewayToVPC(let id): "into VPC \(name(id.rawValue))"
        case .vpcToVPNGateway(let id): "to VPN gateway \(name(id.rawValue))"
        case .physicalConnection(let id): "physical connection of \(name(id.rawValue))"
        }
    }
}
