public import IPAddressing
public import NetworkModel

/// A VPN gateway's routes, indexed for lookup.
struct _GatewayTable: Sendable {
    /// Policy routes in evaluation order: priority ascending (nil = legacy), then longest destination, then
    /// longest source, then entry order (decision 2).
    var policy: [(index: Int, route: VPNPolicyRoute)] = []
    /// Destination-based routes by destination; several entries = an active/standby pair.
    var destination = PrefixTrie<[(index: Int, route: VPNRoute)]>()
    /// VPN-Hub when the gateway has no explicit routes: connections by remote network.
    var hub = PrefixTrie<[VPNConnectionID]>()
    var isHub = false
}

extension RouteEngine {
    mutating func rebuildGateway(_ id: VPNGatewayID) {
        guard let gateway = topology.vpnGateways[id] else {
            gatewayTables[id] = nil
            return
        }
        var table = _GatewayTable()
        table.policy = gateway.policyRoutes.enumerated().map { ($0.offset, $0.element) }.sorted { a, b in
            let pa = a.route.priority ?? 0
            let pb = b.route.priority ?? 0
            if pa != pb { return pa < pb }
            if a.route.destination.length != b.route.destination.length {
                return a.route.destination.length > b.route.destination.length
            }
            if a.route.source.length != b.route.source.length { return a.route.source.length > b.route.source.length }
            return a.index < b.index
        }
        for (index, route) in gateway.routes.enumerated() {
            var list = table.destination[route.destination] ?? []
            list.append((index, route))
            table.destination.insert(list, for: route.destination)
        }
        if gateway.routes.isEmpty && gateway.policyRoutes.isEmpty {
            table.isHub = true
            for connection in topology.connections(of: id) {
                for block in connection.remoteSubnet {
                    var list = table.hub[block] ?? []
                    list.append(connection.id)
                    table.hub.insert(list, for: block)
                }
            }
        }
        gatewayTables[id] = table
    }

    /// Picks the active member of an active/standby group: weight 100 if its tunnel carries traffic, else the
    /// standby if its tunnel does, else the weight-100 one anyway (reference §8.2).
    func chooseByWeight(_ candidates: [(connection: VPNConnectionID, weight: Int)]) -> (chosen: Int, reason: String) {
        let order = candidates.indices.sorted { candidates[$0].weight > candidates[$1].weight }
        guard let first = order.first else { return (0, "") }
        if order.count == 1 { return (first, "the only route for this destination") }
        for index in order where tunnels[candidates[index].connection]?.state.carriesTraffic == true {
            if index == first { return (index, "weight \(candidates[index].weight): active, its tunnel is up") }
            return (index, "standby (weight \(candidates[index].weight)) takes over: the tunnel of \(candidates[first].connection) is down")
        }
        return (first, "every tunnel of this destination is down; the active route is still used")
    }

    func lookupGateway(_ id: VPNGatewayID, source: IPv4Address?, destination: IPv4Address) -> RouteTableEntry? {
        guard let table = gatewayTables[id] else { return nil }
        if let source {
            var group: [(index: Int, route: VPNPolicyRoute)] = []
            for item in table.policy where item.route.source.contains(source) && item.route.destination.contains(destination) {
                if let first = group.first {
                    if first.route.source == item.route.source && first.route.destination == item.route.destination {
                        group.append(item)
                    }
                } else {
                    group.append(item)
                }
            }
            if !group.isEmpty {
                let pick = chooseByWeight(group.map { ($0.route.nextHop, $0.route.weight) })
                let item = group[pick.chosen]
                return policyEntry(item.index, item.route, status: .active, reason: pick.reason)
            }
        }
        if let match = table.destination.longestMatch(for: destination) {
            let pick = chooseByWeight(match.value.map { ($0.route.nextHop, $0.route.weight) })
            let item = match.value[pick.chosen]
            return destinationEntry(item.index, item.route, status: .active, reason: pick.reason)
        }
        if table.isHub, let match = table.hub.longestMatch(for: destination), let connection = match.value.first {
            return hubEntry(match.prefix, connection)
        }
        return nil
    }

    private func policyEntry(_ index: Int, _ route: VPNPolicyRoute, status: RouteStatus, reason: String) -> RouteTableEntry {
        RouteTableEntry(
            destination: route.destination, source: route.source, type: .vpnPolicy, nextHop: .vpnConnection(route.nextHop),
            origin: .vpnGatewayRoute(index: index), status: status, reason: reason, weight: route.weight,
            priority: route.priority)
    }

    private func destinationEntry(_ index: Int, _ route: VPNRoute, status: RouteStatus, reason: String) -> RouteTableEntry {
        RouteTableEntry(
            destination: route.destination, type: .vpnDestination, nextHop: .vpnConnection(route.nextHop),
            origin: .vpnGatewayRoute(index: index), status: status, reason: reason, weight: route.weight)
    }

    private func hubEntry(_ prefix: IPv4Prefix, _ connection: VPNConnectionID) -> RouteTableEntry {
        RouteTableEntry(
            destination: prefix, type: .vpnHub, nextHop: .vpnConnection(connection), origin: .vpnHub(connection),
            reason: "VPN-Hub: the gateway has no explicit routes and forwards by its connections' remote networks")
    }

    func gatewayEntries(_ id: VPNGatewayID) -> [RouteTableEntry] {
        guard let table = gatewayTables[id] else { return [] }
        var result: [RouteTableEntry] = []
        var groups: [String: [(index: Int, route: VPNPolicyRoute)]] = [:]
        for item in table.policy { groups["\(item.route.source)|\(item.route.destination)", default: []].append(item) }
        for group in groups.values {
            let pick = chooseByWeight(group.map { ($0.route.nextHop, $0.route.weight) })
            for (i, item) in group.enumerated() {
                result.append(
                    policyEntry(
                        item.index, item.route, status: i == pick.chosen ? .active : .candidate,
                        reason: i == pick.chosen ? pick.reason : "standby for the same source and destination"))
            }
        }
        for (_, list) in table.destination.entries {
            let pick = chooseByWeight(list.map { ($0.route.nextHop, $0.route.weight) })
            for (i, item) in list.enumerated() {
                result.append(
                    destinationEntry(
                        item.index, item.route, status: i == pick.chosen ? .active : .candidate,
                        reason: i == pick.chosen ? pick.reason : "not used while \(list[pick.chosen].route.nextHop) is chosen"))
            }
        }
        for (prefix, connections) in table.hub.entries {
            for connection in connections { result.append(hubEntry(prefix, connection)) }
        }
        return _sorted(result)
    }

    // MARK: Tunnels

    mutating func rebuildTunnels() {
        tunnels = [:]
        for connection in topology.vpnConnections.values { tunnels[connection.id] = computeTunnel(connection) }
    }

    /// The site configuration at the other end of a connection: the site whose device owns the customer
    /// gateway's IP, and its configuration for the VPN gateway's public IP from that device IP.
    public func siteConfiguration(for connectionID: VPNConnectionID) -> (site: Site, index: Int)? {
        guard let connection = topology.vpnConnections[connectionID],
            let gateway = topology.vpnGateways[connection.vpnGateway],
            let cgw = topology.customerGateways[connection.customerGateway],
            let siteID = siteByPublicIP[cgw.ipAddress], let site = topology.sites[siteID]
        else { return nil }
        guard
            let index = site.ipsecConfigurations.firstIndex(where: {
                $0.peerIP == gateway.publicIP && ($0.localIP ?? site.gatewayIP) == cgw.ipAddress
            })
        else { return nil }
        return (site, index)
    }

    /// The connection a site's device uses towards a VPN gateway public IP (the site's main IP first).
    public func connection(fromSite siteID: SiteID, toGatewayIP peer: IPv4Address) -> VPNConnectionID? {
        guard let list = siteConnections[siteID] else { return nil }
        var first: VPNConnectionID?
        // Prefer a connection whose tunnel carries traffic (a site with two lines uses the one that is up).
        for item in list where item.gatewayIP == peer {
            if tunnels[item.connection]?.state.carriesTraffic == true { return item.connection }
            first = first ?? item.connection
        }
        return first
    }

    func computeTunnel(_ connection: VPNConnection) -> TunnelStatus {
        func status(_ state: TunnelState, _ cause: TunnelDownCause?, site: SiteID? = nil, index: Int? = nil) -> TunnelStatus {
            let message: String
            switch (state, cause) {
            case (_, let cause?): message = "IPsec connection \(connection.id) is down: \(cause)"
            case (.waitingForTraffic, nil):
                message = "IPsec connection \(connection.id) negotiates when traffic arrives (EffectImmediately=false)"
            default: message = "IPsec connection \(connection.id) is up (ipsec_sa_established)"
            }
            return TunnelStatus(
                connection: connection.id, state: state, cause: cause, site: site, configurationIndex: index,
                message: message)
        }
        guard let gateway = topology.vpnGateways[connection.vpnGateway] else {
            return status(.ikeNotEstablished, .missingResource("VPN gateway \(connection.vpnGateway) does not exist"))
        }
        guard gateway.status == .active else { return status(.ikeNotEstablished, .gatewayInactive(gateway.status)) }
        guard gateway.isIPsecEnabled else { return status(.ikeNotEstablished, .ipsecDisabled) }
        guard let cgw = topology.customerGateways[connection.customerGateway] else {
            return status(.ikeNotEstablished, .missingResource("customer gateway \(connection.customerGateway) does not exist"))
        }
        guard let siteID = siteByPublicIP[cgw.ipAddress], let site = topology.sites[siteID] else {
            return status(.ikeNotEstablished, .noSite(cgw.ipAddress))
        }
        guard let (_, index) = siteConfiguration(for: connection.id) else {
            return status(.ikeNotEstablished, .configurationNotLoaded(siteID, peer: gateway.publicIP), site: siteID)
        }
        let config = site.ipsecConfigurations[index]
        let ike = connection.ikeConfig
        if config.ikeVersion != ike.version {
            return status(.ikeNotEstablished, .ikeVersionMismatch(cloud: ike.version, site: config.ikeVersion), site: siteID, index: index)
        }
        if !config.ikeProposals.contains(ike.proposal) {
            return status(
                .ikeNotEstablished,
                .noProposalInCommon(phase: 1, cloud: ike.proposal.description, site: config.ikeProposals.map(\.description)),
                site: siteID, index: index)
        }
        if config.preSharedKey != ike.preSharedKey {
            return status(.ikeNotEstablished, .preSharedKeyMismatch, site: siteID, index: index)
        }
        let phase2 = connection.ipsecConfig.proposal
        if !config.ipsecProposals.contains(phase2) {
            return status(
                .ipsecNotEstablished,
                .noProposalInCommon(phase: 2, cloud: phase2.description, site: config.ipsecProposals.map(\.description)),
                site: siteID, index: index)
        }
        // IKEv2 narrowing: each side's local networks must meet the other side's remote networks.
        let officeSideMeets = config.localSubnet.contains { a in connection.remoteSubnet.contains { $0.overlaps(a) } }
        let cloudSideMeets = config.remoteSubnet.contains { a in connection.localSubnet.contains { $0.overlaps(a) } }
        if !officeSideMeets || !cloudSideMeets {
            return status(.ipsecNotEstablished, .selectorsDoNotMatch, site: siteID, index: index)
        }
        return status(connection.effectImmediately ? .established : .waitingForTraffic, nil, site: siteID, index: index)
    }

    // MARK: Sites

    mutating func rebuildSites() {
        siteTables = [:]
        siteRejected = [:]
        for id in topology.sites.keys { rebuildSite(id) }
    }

    mutating func rebuildSite(_ id: SiteID) {
        guard let site = topology.sites[id] else {
            siteTables[id] = nil
            siteRejected[id] = nil
            return
        }
        var trie = PrefixTrie<RouteTableEntry>()
        var rejected: [RouteTableEntry] = []
        func insert(_ entry: RouteTableEntry) {
            if let existing = trie[entry.destination] {
                var loser = entry
                loser.status = .rejected
                loser.reason = "\(entry.destination) is already routed by the \(existing.origin) (connected, then static, then IPsec selectors)"
                rejected.append(loser)
            } else {
                trie.insert(entry, for: entry.destination)
            }
        }
        for block in site.cidrs {
            insert(RouteTableEntry(destination: block, type: .connected, nextHop: .connected, origin: .siteNetwork, reason: "the site's own network"))
        }
        for (index, route) in site.staticRoutes.enumerated() {
            insert(
                RouteTableEntry(
                    destination: route.destination, type: .staticRoute, nextHop: .ipAddress(route.nextHop),
                    origin: .siteStaticRoute(index: index), reason: route.description))
        }
        for config in site.ipsecConfigurations {
            for block in config.remoteSubnet {
                insert(
                    RouteTableEntry(
                        destination: block, type: .ipsecSelector, nextHop: .ipsecTunnel(peer: config.peerIP),
                        origin: .siteIPsecConfiguration(peer: config.peerIP),
                        reason: "remote network of the IPsec configuration for \(config.peerIP)"))
            }
        }
        siteTables[id] = trie
        siteRejected[id] = rejected
    }
}
