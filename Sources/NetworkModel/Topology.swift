public import IPAddressing

/// Everything Meridian knows about one account's networks and the sites around them, as one value.
///
/// Resources are keyed by their identifiers. The value is not checked on construction, because it is usually
/// being assembled; ``validate()`` reports every problem at once, each with its field path.
public struct Topology: Sendable, Hashable, Codable {
    public var vpcs: [VPCID: VPC]
    public var vSwitches: [VSwitchID: VSwitch]
    public var vpnGateways: [VPNGatewayID: VPNGateway]
    public var customerGateways: [CustomerGatewayID: CustomerGateway]
    public var vpnConnections: [VPNConnectionID: VPNConnection]
    public var routerInterfaces: [RouterInterfaceID: RouterInterface]
    public var vbrs: [VBRID: VirtualBorderRouter]
    public var cens: [CENID: CENInstance]
    public var cenBandwidthPackages: [CENBandwidthPackageID: CENBandwidthPackage]
    public var securityGroups: [SecurityGroupID: SecurityGroup]
    public var instances: [InstanceID: Instance]
    public var sites: [SiteID: Site]

    public init(
        vpcs: [VPCID: VPC] = [:], vSwitches: [VSwitchID: VSwitch] = [:], vpnGateways: [VPNGatewayID: VPNGateway] = [:],
        customerGateways: [CustomerGatewayID: CustomerGateway] = [:],
        vpnConnections: [VPNConnectionID: VPNConnection] = [:],
        routerInterfaces: [RouterInterfaceID: RouterInterface] = [:], vbrs: [VBRID: VirtualBorderRouter] = [:],
        cens: [CENID: CENInstance] = [:], cenBandwidthPackages: [CENBandwidthPackageID: CENBandwidthPackage] = [:],
        securityGroups: [SecurityGroupID: SecurityGroup] = [:], instances: [InstanceID: Instance] = [:],
        sites: [SiteID: Site] = [:]
    ) {
        self.vpcs = vpcs
        self.vSwitches = vSwitches
        self.vpnGateways = vpnGateways
        self.customerGateways = customerGateways
        self.vpnConnections = vpnConnections
        self.routerInterfaces = routerInterfaces
        self.vbrs = vbrs
        self.cens = cens
        self.cenBandwidthPackages = cenBandwidthPackages
        self.securityGroups = securityGroups
        self.instances = instances
        self.sites = sites
    }

    private enum CodingKeys: String, CodingKey {
        case vpcs, vSwitches, vpnGateways, customerGateways, vpnConnections, routerInterfaces, vbrs, cens
        case cenBandwidthPackages, securityGroups, instances, sites
    }

    /// Decodes a topology; every collection may be missing (then it is empty).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vpcs = try c.decodeIfPresent([VPCID: VPC].self, forKey: .vpcs) ?? [:]
        vSwitches = try c.decodeIfPresent([VSwitchID: VSwitch].self, forKey: .vSwitches) ?? [:]
        vpnGateways = try c.decodeIfPresent([VPNGatewayID: VPNGateway].self, forKey: .vpnGateways) ?? [:]
        customerGateways =
            try c.decodeIfPresent([CustomerGatewayID: CustomerGateway].self, forKey: .customerGateways) ?? [:]
        vpnConnections = try c.decodeIfPresent([VPNConnectionID: VPNConnection].self, forKey: .vpnConnections) ?? [:]
        routerInterfaces =
            try c.decodeIfPresent([RouterInterfaceID: RouterInterface].self, forKey: .routerInterfaces) ?? [:]
        vbrs = try c.decodeIfPresent([VBRID: VirtualBorderRouter].self, forKey: .vbrs) ?? [:]
        cens = try c.decodeIfPresent([CENID: CENInstance].self, forKey: .cens) ?? [:]
        cenBandwidthPackages =
            try c.decodeIfPresent([CENBandwidthPackageID: CENBandwidthPackage].self, forKey: .cenBandwidthPackages)
            ?? [:]
        securityGroups = try c.decodeIfPresent([SecurityGroupID: SecurityGroup].self, forKey: .securityGroups) ?? [:]
        instances = try c.decodeIfPresent([InstanceID: Instance].self, forKey: .instances) ?? [:]
        sites = try c.decodeIfPresent([SiteID: Site].self, forKey: .sites) ?? [:]
    }

    // MARK: Convenience for builders

    public mutating func add(_ vpc: VPC) { vpcs[vpc.id] = vpc }
    public mutating func add(_ vSwitch: VSwitch) { vSwitches[vSwitch.id] = vSwitch }
    public mutating func add(_ gateway: VPNGateway) { vpnGateways[gateway.id] = gateway }
    public mutating func add(_ gateway: CustomerGateway) { customerGateways[gateway.id] = gateway }
    public mutating func add(_ connection: VPNConnection) { vpnConnections[connection.id] = connection }
    public mutating func add(_ interface: RouterInterface) { routerInterfaces[interface.id] = interface }
    public mutating func add(_ vbr: VirtualBorderRouter) { vbrs[vbr.id] = vbr }
    public mutating func add(_ cen: CENInstance) { cens[cen.id] = cen }
    public mutating func add(_ package: CENBandwidthPackage) { cenBandwidthPackages[package.id] = package }
    public mutating func add(_ group: SecurityGroup) { securityGroups[group.id] = group }
    public mutating func add(_ instance: Instance) { instances[instance.id] = instance }
    public mutating func add(_ site: Site) { sites[site.id] = site }

    // MARK: Lookups used by validation, the engine and the CLI

    /// The region of a VPC or VBR, `nil` when it does not exist.
    public func region(of network: NetworkReference) -> RegionID? {
        switch network {
        case .vpc(let id): vpcs[id]?.region
        case .vbr(let id): vbrs[id]?.region
        }
    }

    /// Whether the VPC or VBR exists.
    public func contains(_ network: NetworkReference) -> Bool { region(of: network) != nil }

    /// The VPC an instance lives in.
    public func vpc(of instance: Instance) -> VPCID? { vSwitches[instance.vSwitch]?.vpc }

    /// The custom route entries of a VPC or VBR.
    public func routes(of network: NetworkReference) -> [RouteEntry] {
        switch network {
        case .vpc(let id): vpcs[id]?.routes ?? []
        case .vbr(let id): vbrs[id]?.routes ?? []
        }
    }

    /// The CEN a network is attached to (the first one, if validation has not caught a second).
    public func cen(attaching network: NetworkReference) -> CENID? {
        cens.keys.sorted().first { cens[$0]!.attachments.contains(network) }
    }

    /// The site whose device owns a public IP.
    public func site(withPublicIP address: IPv4Address) -> Site? {
        sites.values.sorted { $0.id < $1.id }.first { $0.publicIPs.contains(address) }
    }

    /// The VPN gateway with a public IP.
    public func vpnGateway(withPublicIP address: IPv4Address) -> VPNGateway? {
        vpnGateways.values.sorted { $0.id < $1.id }.first { $0.publicIP == address }
    }

    /// The connections of a VPN gateway, sorted by identifier.
    public func connections(of gateway: VPNGatewayID) -> [VPNConnection] {
        vpnConnections.values.filter { $0.vpnGateway == gateway }.sorted { $0.id < $1.id }
    }
}
