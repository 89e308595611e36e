import IPAddressing
import NetworkModel

extension RouteEngine {
    /// Applies one change and recomputes only what it touches.
    ///
    /// A route change re-derives the owning router's own table (a handful of entries) and re-advertises that
    /// router's routes in its CEN's shared table; other members see the change through the shared table without
    /// being touched.
    /// - Throws: ``RouteEngineError`` when the change refers to something missing or breaks a table rule; the
    ///   engine is then unchanged.
    public mutating func apply(_ change: TopologyChange) throws(RouteEngineError) {
        switch change {
        case .addRouteEntry(let network, let route):
            guard topology.contains(network) else { throw missing("network", network.description) }
            if topology.routes(of: network).contains(where: { $0.destination == route.destination }) {
                throw RouteEngineError(code: "InvalidCIDRBlock.Duplicate", message: "\(network) already has a route to \(route.destination)")
            }
            if case .vpc(let vpc) = network,
                let vsw = topology.vSwitches.values.first(where: { $0.vpc == vpc && $0.cidrBlock.contains(route.destination) })
            {
                throw RouteEngineError(
                    code: "InvalidCidrBlock.Overlapped",
                    message: "destination \(route.destination) is equal to or inside vSwitch \(vsw.id) (\(vsw.cidrBlock))")
            }
            if routes(of: network).count >= Quota.customRoutesPerTable {
                throw RouteEngineError(code: "QuotaExceeded", message: "\(network) already has \(Quota.customRoutesPerTable) custom routes")
            }
            mutateRoutes(network) { $0.append(route) }
            touch(network)
        case .removeRouteEntry(let network, let id):
            guard let route = topology.routes(of: network).first(where: { $0.id == id }) else {
                throw missing("route entry", "\(id) in \(network)")
            }
            mutateRoutes(network) { $0.removeAll { $0.id == id } }
            // Deleting a published custom route also removes it from CEN (seed 003).
            if let cenID = cenOfNetwork[network] {
                let ref = CENRouteReference(network: network, destination: route.destination)
                topology.cens[cenID]?.publishedRoutes.removeAll { $0 == ref }
                cenTables[cenID]?.publishRank[ref] = nil
            }
            touch(network)
        case .addVPNRoute(let gatewayID, let route):
            guard var gateway = topology.vpnGateways[gatewayID] else { throw missing("VPN gateway", gatewayID.rawValue) }
            try checkVPNNextHop(route.nextHop, gatewayID)
            if gateway.routes.contains(where: { $0.destination == route.destination && ($0.weight == route.weight || $0.nextHop == route.nextHop) }) {
                throw RouteEngineError(
                    code: "VpnRouteEntry.AlreadyExists",
                    message: "VPN gateway \(gatewayID) already has a route to \(route.destination) with weight \(route.weight) or via \(route.nextHop)")
            }
            if gateway.routes.count >= Quota.destinationRoutesPerVPNGateway {
                throw RouteEngineError(code: "QuotaExceeded", message: "VPN gateway \(gatewayID) already has \(Quota.destinationRoutesPerVPNGateway) destination-based routes")
            }
            gateway.routes.append(route)
            topology.vpnGateways[gatewayID] = gateway
            touchGateway(gatewayID)
        case .addVPNPolicyRoute(let gatewayID, let route):
            guard var gateway = topology.vpnGateways[gatewayID] else { throw missing("VPN gateway", gatewayID.rawValue) }
            try checkVPNNextHop(route.nextHop, gatewayID)
            if gateway.policyRoutes.contains(where: {
                $0.source == route.source && $0.destination == route.destination && ($0.weight == route.weight || $0.nextHop == route.nextHop)
            }) {
                throw RouteEngineError(code: "VpnRouteEntry.AlreadyExists", message: "VPN gateway \(gatewayID) already has this policy route")
            }
            if gateway.policyRoutes.count >= Quota.policyRoutesPerVPNGateway {
                throw RouteEngineError(code: "QuotaExceeded", message: "VPN gateway \(gatewayID) already has \(Quota.policyRoutesPerVPNGateway) policy-based routes")
            }
            gateway.policyRoutes.append(route)
            topology.vpnGateways[gatewayID] = gateway
            touchGateway(gatewayID)
        case .removeVPNRoute(let gatewayID, let destination, let nextHop):
            guard var gateway = topology.vpnGateways[gatewayID],
                gateway.routes.contains(where: { $0.destination == destination && $0.nextHop == nextHop })
            else { throw missing("VPN route", "\(destination) via \(nextHop) on \(gatewayID)") }
            gateway.routes.removeAll { $0.destination == destination && $0.nextHop == nextHop }
            topology.vpnGateways[gatewayID] = gateway
            touchGateway(gatewayID)
        case .setVPNRoutePublished(let gatewayID, let destination, let nextHop, let published):
            guard var gateway = topology.vpnGateways[gatewayID],
                let index = gateway.routes.firstIndex(where: { $0.destination == destination && $0.nextHop == nextHop })
            else { throw missing("VPN route", "\(destination) via \(nextHop) on \(gatewayID)") }
            gateway.routes[index].publishToVPC = published
            if !published {
                // Withdrawing either of a pbr and a dbr with the same destination withdraws both (reference §8.2).
                for i in gateway.policyRoutes.indices where gateway.policyRoutes[i].destination == destination {
                    gateway.policyRoutes[i].publishToVPC = false
                }
            }
            topology.vpnGateways[gatewayID] = gateway
            touchGateway(gatewayID)
        case .publishRoute(let cenID, let ref):
            guard topology.cens[cenID] != nil else { throw missing("CEN", cenID.rawValue) }
            guard topology.cens[cenID]!.attachments.contains(ref.network) else {
                throw RouteEngineError(code: "ParameterIllegal.ChildInstance", message: "\(ref.network) is not attached to \(cenID)")
            }
            guard networks[ref.network]?.own[ref.destination] != nil else {
                throw RouteEngineError(code: "InvalidRouteEntry.NotFound", message: "\(ref.network) has no active route to \(ref.destination)")
            }
            if topology.cens[cenID]!.withdrawnRoutes.contains(ref) {
                topology.cens[cenID]!.withdrawnRoutes.removeAll { $0 == ref }
                cenTables[cenID]?.withdrawn.remove(ref)
            }
            if !topology.cens[cenID]!.publishedRoutes.contains(ref),
                !(networks[ref.network]?.own[ref.destination].map(Self.advertisedByDefault) ?? false)
            {
                topology.cens[cenID]!.publishedRoutes.append(ref)
                if var table = cenTables[cenID] {
                    cenTables[cenID] = nil
                    table.publishRank[ref] = table.nextRank
                    table.nextRank += 1
                    cenTables[cenID] = table
                }
            }
            readvertise(ref.network, in: cenID)
        case .withdrawRoute(let cenID, let ref):
            guard topology.cens[cenID] != nil else { throw missing("CEN", cenID.rawValue) }
            guard publishStatus(of: ref).isPublished else {
                throw RouteEngineError(code: "InvalidOperation.NotPublished", message: "route \(ref) is not published to \(cenID)")
            }
            if topology.cens[cenID]!.publishedRoutes.contains(ref) {
                topology.cens[cenID]!.publishedRoutes.removeAll { $0 == ref }
                cenTables[cenID]?.publishRank[ref] = nil
            } else {
                topology.cens[cenID]!.withdrawnRoutes.append(ref)
                cenTables[cenID]?.withdrawn.insert(ref)
            }
            readvertise(ref.network, in: cenID)
        case .attach(let cenID, let network):
            guard topology.cens[cenID] != nil else { throw missing("CEN", cenID.rawValue) }
            guard topology.contains(network) else { throw missing("network", network.description) }
            if let other = cenOfNetwork[network] {
                throw RouteEngineError(code: "Forbidden.InstanceAlreadyAttached", message: "\(network) is already attached to \(other)")
            }
            topology.cens[cenID]!.attachments.append(network)
            cenOfNetwork[network] = cenID
            if var table = cenTables[cenID] {
                cenTables[cenID] = nil
                table.attachRank[network] = table.nextRank
                table.nextRank += 1
                cenTables[cenID] = table
            }
            readvertise(network, in: cenID)
        case .detach(let cenID, let network):
            guard topology.cens[cenID]?.attachments.contains(network) == true else {
                throw RouteEngineError(code: "InvalidOperation.NotAttached", message: "\(network) is not attached to \(cenID)")
            }
            topology.cens[cenID]!.attachments.removeAll { $0 == network }
            topology.cens[cenID]!.publishedRoutes.removeAll { $0.network == network }
            topology.cens[cenID]!.withdrawnRoutes.removeAll { $0.network == network }
            if var table = cenTables[cenID] {
                cenTables[cenID] = nil
                table.attachRank[network] = nil
                table.publishRank = table.publishRank.filter { $0.key.network != network }
                table.withdrawn = table.withdrawn.filter { $0.network != network }
                cenTables[cenID] = table
            }
            readvertise(network, in: cenID)
            cenOfNetwork[network] = nil
        case .setRouterInterfaceStatus(let id, let status):
            guard topology.routerInterfaces[id] != nil else { throw missing("router interface", id.rawValue) }
            topology.routerInterfaces[id]!.status = status
        case .setVPNGatewayStatus(let id, let status):
            guard topology.vpnGateways[id] != nil else { throw missing("VPN gateway", id.rawValue) }
            topology.vpnGateways[id]!.status = status
            refreshTunnels(of: id)
        case .upsertVPNConnection(let connection):
            guard topology.vpnGateways[connection.vpnGateway] != nil else { throw missing("VPN gateway", connection.vpnGateway.rawValue) }
            guard topology.customerGateways[connection.customerGateway] != nil else {
                throw missing("customer gateway", connection.customerGateway.rawValue)
            }
            let isNew = topology.vpnConnections[connection.id] == nil
            if isNew && topology.connections(of: connection.vpnGateway).count >= Quota.connectionsPerVPNGateway {
                throw RouteEngineError(
                    code: "Resource.QuotaFull",
                    message: "VPN gateway \(connection.vpnGateway) already has \(Quota.connectionsPerVPNGateway) IPsec connections")
            }
            topology.vpnConnections[connection.id] = connection
            rebuildIndexes()
            tunnels[connection.id] = computeTunnel(connection)
            rebuildGateway(connection.vpnGateway)
        case .upsertSite(let site):
            topology.sites[site.id] = site
            rebuildIndexes()
            rebuildSite(site.id)
            rebuildTunnels()
        case .upsertInstance(let instance):
            guard topology.vSwitches[instance.vSwitch] != nil else { throw missing("vSwitch", instance.vSwitch.rawValue) }
            topology.instances[instance.id] = instance
            rebuildIndexes()
        case .upsertSecurityGroup(let group):
            guard topology.vpcs[group.vpc] != nil else { throw missing("VPC", group.vpc.rawValue) }
            topology.securityGroups[group.id] = group
        case .upsertCEN(let cen):
            let old = topology.cens[cen.id]
            topology.cens[cen.id] = cen
            rebuildIndexes()
            rebuildCEN(cen.id)
            for network in old?.attachments ?? [] where !cen.attachments.contains(network) {
                _ = network  // detached networks no longer look up a CEN (index rebuilt above)
            }
        case .upsertBandwidthPackage(let package):
            topology.cenBandwidthPackages[package.id] = package
        case .replace(let topology):
            self.topology = topology
            rebuildAll()
        }
    }

    private func missing(_ kind: String, _ name: String) -> RouteEngineError {
        RouteEngineError(code: "InvalidParameter.NotFound", message: "\(kind) '\(name)' does not exist")
    }

    private func routes(of network: NetworkReference) -> [RouteEntry] { topology.routes(of: network) }

    private func checkVPNNextHop(_ connection: VPNConnectionID, _ gateway: VPNGatewayID) throws(RouteEngineError) {
        guard topology.vpnConnections[connection]?.vpnGateway == gateway else {
            throw RouteEngineError(code: "InvalidNextHop.NotFound", message: "IPsec connection \(connection) does not exist on VPN gateway \(gateway)")
        }
    }

    private mutating func mutateRoutes(_ network: NetworkReference, _ body: (inout [RouteEntry]) -> Void) {
        switch network {
        case .vpc(let id): body(&topology.vpcs[id]!.routes)
        case .vbr(let id): body(&topology.vbrs[id]!.routes)
        }
    }

    /// Re-derives a network's own table and re-advertises it.
    private mutating func touch(_ network: NetworkReference) {
        rebuildNetwork(network)
        if let cen = cenOfNetwork[network] { readvertise(network, in: cen) }
    }

    private mutating func touchGateway(_ id: VPNGatewayID) {
        rebuildGateway(id)
        if let vpc = topology.vpnGateways[id]?.vpc { touch(.vpc(vpc)) }
    }

    private mutating func refreshTunnels(of gateway: VPNGatewayID) {
        for connection in topology.connections(of: gateway) { tunnels[connection.id] = computeTunnel(connection) }
    }
}
