public import IPAddressing
public import NetworkModel

/// Short-hand for building topologies in tests and benchmarks. Every method adds resources with the ids given
/// and returns nothing; `topology` is the result.
public struct TopologyBuilder {
    public var topology = Topology()

    public init() {}

    /// Parses a prefix known to be valid (test data); traps with the text otherwise.
    public static func prefix(_ text: String) -> IPv4Prefix {
        guard let value = IPv4Prefix(text) else { preconditionFailure("test data: invalid prefix '\(text)'") }
        return value
    }

    /// Parses an address known to be valid (test data).
    public static func address(_ text: String) -> IPv4Address {
        guard let value = IPv4Address(text) else { preconditionFailure("test data: invalid address '\(text)'") }
        return value
    }

    /// A VPC with its vSwitches.
    public mutating func vpc(_ id: String, name: String, region: RegionID, cidr: String, vSwitches: [(String, String)]) {
        topology.add(VPC(id: VPCID(id), name: name, region: region, cidrBlock: Self.prefix(cidr)))
        for (vsw, block) in vSwitches {
            topology.add(VSwitch(id: VSwitchID(vsw), vpc: VPCID(id), cidrBlock: Self.prefix(block)))
        }
    }

    /// A custom route in a VPC.
    public mutating func route(_ id: String, in vpc: String, _ destination: String, _ nextHop: RouteNextHop) {
        topology.vpcs[VPCID(vpc)]!.routes.append(RouteEntry(id: RouteEntryID(id), destination: Self.prefix(destination), nextHop: nextHop))
    }

    /// An instance with its own security group that accepts ICMP (and all TCP) from each block.
    public mutating func instance(_ id: String, name: String, vSwitch: String, ip: String, admitting blocks: [String]) {
        guard let vpc = topology.vSwitches[VSwitchID(vSwitch)]?.vpc else { preconditionFailure("test data: unknown vSwitch \(vSwitch)") }
        let group = SecurityGroupID("sg-" + id.dropFirst(2))
        var rules: [SecurityGroupRule] = []
        for block in blocks {
            rules.append(SecurityGroupRule(direction: .ingress, ipProtocol: .icmp, cidr: Self.prefix(block)))
            rules.append(SecurityGroupRule(direction: .ingress, ipProtocol: .tcp, portRange: .all, cidr: Self.prefix(block)))
        }
        topology.add(SecurityGroup(id: group, name: "\(name) group", vpc: vpc, rules: rules))
        topology.add(Instance(id: InstanceID(id), name: name, vSwitch: VSwitchID(vSwitch), privateIP: Self.address(ip), securityGroups: [group]))
    }

    /// A VPN gateway (5 Mbit/s, IPsec on, SSL off, active).
    public mutating func vpnGateway(_ id: String, name: String, vpc: String, publicIP: String, routes: [VPNRoute] = []) {
        topology.add(VPNGateway(id: VPNGatewayID(id), name: name, vpc: VPCID(vpc), publicIP: Self.address(publicIP), routes: routes))
    }

    /// A customer gateway and an IPsec connection to it.
    public mutating func connection(
        _ id: String, name: String, gateway: String, customerGateway: String, customerGatewayName: String, ip: String,
        region: RegionID, local: [String], remote: [String], psk: String, effectImmediately: Bool = true
    ) {
        topology.add(CustomerGateway(id: CustomerGatewayID(customerGateway), name: customerGatewayName, region: region, ipAddress: Self.address(ip)))
        topology.add(
            VPNConnection(
                id: VPNConnectionID(id), name: name, vpnGateway: VPNGatewayID(gateway), customerGateway: CustomerGatewayID(customerGateway),
                localSubnet: local.map(Self.prefix), remoteSubnet: remote.map(Self.prefix), effectImmediately: effectImmediately,
                ikeConfig: IKEConfig(preSharedKey: psk, version: local.count > 1 || remote.count > 1 ? .ikev2 : .ikev1)))
    }

    /// An office whose device has loaded the configuration of one connection (mirrored selectors, same key and
    /// the cloud's default proposals), with static routes to `peer`.
    public mutating func office(
        _ id: String, name: String, region: RegionID, cidr: String, ip: String, peer: String, psk: String, local: [String],
        remote: [String], staticRoutes: [String] = [], kind: SiteKind = .office
    ) {
        let peerIP = Self.address(peer)
        topology.add(
            Site(
                id: SiteID(id), name: name, kind: kind, region: region, cidrs: [Self.prefix(cidr)], gatewayIP: Self.address(ip),
                staticRoutes: staticRoutes.map { SiteStaticRoute(destination: Self.prefix($0), nextHop: peerIP) },
                ipsecConfigurations: [
                    SiteIPsecConfiguration(
                        peerIP: peerIP, preSharedKey: psk, ikeVersion: local.count > 1 || remote.count > 1 ? .ikev2 : .ikev1,
                        localSubnet: local.map(Self.prefix), remoteSubnet: remote.map(Self.prefix))
                ]))
    }

    /// A CEN with the networks attached in order.
    public mutating func cen(_ id: String, name: String, attach: [NetworkReference], publish: [CENRouteReference] = []) {
        topology.add(CENInstance(id: CENID(id), name: name, attachments: attach, publishedRoutes: publish))
    }
}
