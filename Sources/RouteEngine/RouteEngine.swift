public import IPAddressing
public import NetworkModel

/// The effective route table of every router of a topology, kept up to date change by change.
///
/// Layout (why it is fast): each VPC and VBR keeps a trie of its *own* routes (system, custom, published by
/// its VPN gateway). Routes learned from CEN are not copied into every member: each CEN keeps one shared trie
/// of advertisements, and a member's lookup combines its own trie with the shared one, applying its own
/// rejections (its vSwitch blocks, its own identical routes) at lookup time. A change re-derives only the
/// tables of the routers it touches and re-advertises only that router's routes.
///
/// ```swift
/// var engine = RouteEngine(topology)
/// engine.routeTable(for: .vpc("vpc-1"))
/// try engine.apply(.publishRoute("cen-1", CENRouteReference(network: .vpc("vpc-2"), destination: prefix)))
/// ```
public struct RouteEngine: Sendable {
    /// The topology the tables are computed from (changes applied through ``apply(_:)`` are reflected here).
    public internal(set) var topology: Topology

    var networks = _IndexedStore<NetworkReference, _NetworkTable>()
    var cenTables = _IndexedStore<CENID, _CENTable>()
    var gatewayTables: [VPNGatewayID: _GatewayTable] = [:]
    var siteTables: [SiteID: PrefixTrie<RouteTableEntry>] = [:]
    var siteRejected: [SiteID: [RouteTableEntry]] = [:]
    var tunnels: [VPNConnectionID: TunnelStatus] = [:]

    // Indexes for resolving addresses.
    var instanceByAddress: [VPCID: [IPv4Address: InstanceID]] = [:]
    var firstInstanceByAddress: [IPv4Address: InstanceID] = [:]
    var siteByNetwork = PrefixTrie<SiteID>()
    var siteByPublicIP: [IPv4Address: SiteID] = [:]
    var gatewayByPublicIP: [IPv4Address: VPNGatewayID] = [:]
    var vbrByGatewayIP: [IPv4Address: VBRID] = [:]
    var cenOfNetwork: [NetworkReference: CENID] = [:]
    /// For each site: its connections, by the VPN gateway public IP they lead to.
    var siteConnections: [SiteID: [(gatewayIP: IPv4Address, connection: VPNConnectionID)]] = [:]

    /// Computes every table of a topology.
    ///
    /// The topology should have passed ``Topology/validate()``; the engine does not trap on an invalid one but
    /// skips what it cannot resolve (a dangling next hop becomes a rejected entry).
    /// - Complexity: O(R log R) for R routes in all.
    public init(_ topology: Topology) {
        self.topology = topology
        rebuildAll()
    }

    mutating func rebuildAll() {
        networks = _IndexedStore()
        cenTables = _IndexedStore()
        gatewayTables = [:]
        rebuildIndexes()
        rebuildTunnels()
        rebuildSites()
        for id in topology.vpnGateways.keys { rebuildGateway(id) }
        for id in topology.vpcs.keys { rebuildNetwork(.vpc(id)) }
        for id in topology.vbrs.keys { rebuildNetwork(.vbr(id)) }
        for id in topology.cens.keys.sorted() { rebuildCEN(id) }
    }

    mutating func rebuildIndexes() {
        instanceByAddress = [:]
        firstInstanceByAddress = [:]
        for instance in topology.instances.values.sorted(by: { $0.id < $1.id }) {
            guard let vpc = topology.vpc(of: instance) else { continue }
            if firstInstanceByAddress[instance.privateIP] == nil { firstInstanceByAddress[instance.privateIP] = instance.id }
            if instanceByAddress[vpc]?[instance.privateIP] == nil {
                instanceByAddress[vpc, default: [:]][instance.privateIP] = instance.id
            }
        }
        siteByNetwork = PrefixTrie()
        siteByPublicIP = [:]
        for site in topology.sites.values.sorted(by: { $0.id < $1.id }) {
            for block in site.cidrs where siteByNetwork[block] == nil { siteByNetwork.insert(site.id, for: block) }
            for ip in site.publicIPs where siteByPublicIP[ip] == nil { siteByPublicIP[ip] = site.id }
        }
        gatewayByPublicIP = [:]
        for gateway in topology.vpnGateways.values.sorted(by: { $0.id < $1.id }) where gatewayByPublicIP[gateway.publicIP] == nil {
            gatewayByPublicIP[gateway.publicIP] = gateway.id
        }
        vbrByGatewayIP = [:]
        for vbr in topology.vbrs.values.sorted(by: { $0.id < $1.id }) {
            if let ip = vbr.localGatewayIP { vbrByGatewayIP[ip] = vbr.id }
        }
        siteConnections = [:]
        for connection in topology.vpnConnections.values.sorted(by: { $0.id < $1.id }) {
            guard let ip = topology.customerGateways[connection.customerGateway]?.ipAddress, let site = siteByPublicIP[ip],
                let gatewayIP = topology.vpnGateways[connection.vpnGateway]?.publicIP
            else { continue }
            siteConnections[site, default: []].append((gatewayIP, connection.id))
        }
        cenOfNetwork = [:]
        for cen in topology.cens.values.sorted(by: { $0.id < $1.id }) {
            for network in cen.attachments where cenOfNetwork[network] == nil { cenOfNetwork[network] = cen.id }
        }
    }

    // MARK: Queries

    /// The effective route table of a router, every entry with its status and reason; `nil` for an unknown node
    /// or an instance.
    ///
    /// - Complexity: O(own routes + learned routes of the CEN) for a VPC or VBR.
    public func routeTable(for node: NodeID) -> RouteTable? {
        switch node {
        case .vpc(let id):
            guard let vpc = topology.vpcs[id] else { return nil }
            return RouteTable(node: node, routeTableID: vpc.routeTableID, entries: networkEntries(.vpc(id)))
        case .vbr(let id):
            guard let vbr = topology.vbrs[id] else { return nil }
            return RouteTable(node: node, routeTableID: vbr.routeTableID, entries: networkEntries(.vbr(id)))
        case .vpnGateway(let id):
            guard topology.vpnGateways[id] != nil else { return nil }
            return RouteTable(node: node, entries: gatewayEntries(id))
        case .site(let id):
            guard let trie = siteTables[id] else { return nil }
            return RouteTable(node: node, entries: _sorted(trie.entries.map(\.value) + (siteRejected[id] ?? [])))
        case .cen(let id):
            guard topology.cens[id] != nil else { return nil }
            return RouteTable(node: node, entries: cenEntries(id))
        case .instance:
            return nil
        }
    }

    /// The entry a router uses for a packet, or `nil` when it has no route.
    ///
    /// For a VPN gateway, policy-based routes (which need `source`) come before destination-based ones, and of an
    /// active/standby pair the one whose tunnel carries traffic is chosen.
    /// - Complexity: O(32) trie steps per table consulted.
    public func lookup(_ destination: IPv4Address, source: IPv4Address? = nil, at node: NodeID) -> RouteTableEntry? {
        switch node {
        case .vpc(let id): lookupNetwork(.vpc(id), destination)
        case .vbr(let id): lookupNetwork(.vbr(id), destination)
        case .vpnGateway(let id): lookupGateway(id, source: source, destination: destination)
        case .site(let id): siteTables[id]?.longestMatch(for: destination)?.value
        case .cen, .instance: nil
        }
    }

    /// The state of an IPsec connection and why.
    public func tunnelStatus(_ connection: VPNConnectionID) -> TunnelStatus? { tunnels[connection] }

    /// The instance that owns a private IP in a VPC.
    public func instance(at address: IPv4Address, in vpc: VPCID) -> InstanceID? { instanceByAddress[vpc]?[address] }

    /// The first instance (by id) that owns a private IP in any VPC.
    public func instance(at address: IPv4Address) -> InstanceID? {
        firstInstanceByAddress[address]
    }

    /// The site whose network contains an address (the most specific block).
    public func site(containing address: IPv4Address) -> SiteID? { siteByNetwork.longestMatch(for: address)?.value }

    /// The site whose device owns a public IP.
    public func site(withPublicIP address: IPv4Address) -> SiteID? { siteByPublicIP[address] }

    /// The VPN gateway with a public IP.
    public func vpnGateway(withPublicIP address: IPv4Address) -> VPNGatewayID? { gatewayByPublicIP[address] }

    /// The VBR whose gateway IP a site routes to.
    public func vbr(withGatewayIP address: IPv4Address) -> VBRID? { vbrByGatewayIP[address] }

    /// The CEN a network is attached to.
    public func cen(of network: NetworkReference) -> CENID? { cenOfNetwork[network] }
}

/// Sorts entries for display: destination, then source, then active first.
func _sorted(_ entries: [RouteTableEntry]) -> [RouteTableEntry] {
    func rank(_ s: RouteStatus) -> Int { s == .active ? 0 : s == .candidate ? 1 : 2 }
    return entries.sorted {
        if $0.destination != $1.destination { return $0.destination < $1.destination }
        if $0.source != $1.source { return ($0.source?.description ?? "") < ($1.source?.description ?? "") }
        return rank($0.status) < rank($1.status)
    }
}

/// A dictionary whose values live in an array, so that a hot lookup can read a value in place (through the
/// array's addressor) instead of copying it out of a dictionary.
struct _IndexedStore<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    var slots: [Key: Int] = [:]
    var values: [Value?] = []

    subscript(key: Key) -> Value? {
        get { slots[key].flatMap { values[$0] } }
        set {
            if let slot = slots[key] {
                values[slot] = newValue
            } else if let newValue {
                slots[key] = values.count
                values.append(newValue)
            }
        }
    }
}
