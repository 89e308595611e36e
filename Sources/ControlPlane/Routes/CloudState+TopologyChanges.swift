import IPAddressing
import NetworkModel
import RouteEngine

extension CloudState {
    /// Brings `engine`, computed for `old`, up to date with this state, change by change.
    ///
    /// The differences between `old` and this state are mapped to ``TopologyChange``s: custom route entries
    /// added or deleted, IPsec connections created or modified, VPN gateway routes added, deleted, published or
    /// withdrawn, CEN attachments, detachments, publications and withdrawals, CENs created. Anything else
    /// (a VPC, vSwitch or VPN gateway created or deleted, a resource kind this function does not know) has no
    /// change: it returns `false`, and the caller builds the engine anew from ``topology``. After the changes,
    /// every touched VPN gateway and CEN is compared with its projection, so a change the engine applied
    /// differently from the projection also ends in `false` rather than in a table that differs from a fresh one.
    /// - Parameter touched: every id the change created, changed or deleted (its journal); only these are
    ///   compared.
    /// - Returns: whether `engine` now equals `RouteEngine(topology)`; when `false`, `engine` is partly updated
    ///   and must be thrown away.
    /// - Complexity: O(touched · log n) to compare the states (tables share their unchanged nodes, which compare by
    ///   identity) plus the engine's cost for each change.
    func advance(_ engine: inout RouteEngine, from old: CloudState, touched: Set<String>) -> Bool {
        guard old.withoutIncrementalParts == withoutIncrementalParts else { return false }
        // Creation order, so changes reach the engine in the order a fresh build would see them.
        let touched = touched.sorted { (order[$0] ?? old.order[$0] ?? 0, $0) < (order[$1] ?? old.order[$1] ?? 0, $1) }
        do {
            for change in try changes(from: old, touched: touched) { try engine.apply(change) }
            try advanceVPNRoutes(&engine, from: old, touched: touched)
            try advanceCENs(&engine, from: old, touched: touched)
            return true
        } catch {
            return false
        }
    }

    /// This state without the collections ``advance(_:from:)`` maps to changes.
    private var withoutIncrementalParts: CloudState {
        var copy = self
        copy.routeEntries = [:]
        copy.vpnConnections = [:]
        copy.vpnRouteEntries = [:]
        copy.cens = [:]
        copy.cenAttachments = [:]
        copy.order = [:]
        copy.nextOrder = 0
        return copy
    }

    /// The `touched` ids of `values` that are new or changed since `old`, in the order of `touched`.
    private func added<T: Equatable & TableIndexed>(
        _ values: ResourceTable<T>,
        since old: ResourceTable<T>,
        touched: [String]
    ) -> [String] {
        touched.filter { values[$0] != nil && old[$0] != values[$0] }
    }

    /// The `touched` resources of `old` that are changed or deleted, with their old values.
    private func changed<T: Equatable & TableIndexed>(
        _ values: ResourceTable<T>,
        since old: ResourceTable<T>,
        touched: [String]
    ) -> [(id: String, old: T)] {
        touched.compactMap { id in old[id].flatMap { $0 != values[id] ? (id, $0) : nil } }
    }

    /// Detachments, custom route entries and IPsec connections.
    private func changes(from old: CloudState, touched: [String]) throws(Unmapped) -> [TopologyChange] {
        var changes: [TopologyChange] = []
        for (id, attachment) in changed(cenAttachments, since: old.cenAttachments, touched: touched)
        where cenAttachments[id]?.cenId != attachment.cenId {
            changes.append(.detach(CENID(attachment.cenId), old.network(attachment.childInstanceId)))
        }
        if old.routeEntries != routeEntries {
            func network(_ table: String, in state: CloudState) throws(Unmapped) -> NetworkReference {
                guard let vpc = try? state.vpc(routeTable: table) else { throw Unmapped() }
                return .vpc(VPCID(vpc.id))
            }
            for (id, entry) in changed(routeEntries, since: old.routeEntries, touched: touched) {
                if routeEntries[id] != nil { throw Unmapped() }  // changed in place: no such change
                guard Self.projected(entry) != nil else { continue }  // never was in the engine
                changes.append(.removeRouteEntry(try network(entry.routeTableId, in: old), RouteEntryID(id)))
            }
            for id in added(routeEntries, since: old.routeEntries, touched: touched) {
                let entry = routeEntries[id]!
                guard let route = Self.projected(entry) else { continue }
                changes.append(.addRouteEntry(try network(entry.routeTableId, in: self), route))
            }
        }
        if old.vpnConnections != vpnConnections {
            if touched.contains(where: { old.vpnConnections[$0] != nil && vpnConnections[$0] == nil }) {
                throw Unmapped()
            }
            for id in added(vpnConnections, since: old.vpnConnections, touched: touched) {
                changes.append(.upsertVPNConnection(Self.projected(vpnConnections[id]!)))
            }
        }
        return changes
    }

    /// VPN gateway routes; every touched gateway is then checked against its projection.
    private func advanceVPNRoutes(_ engine: inout RouteEngine, from old: CloudState, touched: [String]) throws {
        guard old.vpnRouteEntries != vpnRouteEntries else { return }
        var gateways = Set<String>()
        for (id, entry) in changed(vpnRouteEntries, since: old.vpnRouteEntries, touched: touched) {
            gateways.insert(entry.vpnGatewayId)
            guard let now = vpnRouteEntries[id] else {
                // Deleted: only destination-based routes have a change.
                guard case .left(let route) = Self.projected(entry) else { throw Unmapped() }
                try engine.apply(
                    .removeVPNRoute(
                        VPNGatewayID(entry.vpnGatewayId),
                        destination: route.destination,
                        nextHop: route.nextHop
                    )
                )
                continue
            }
            var unpublished = now
            unpublished.published = entry.published
            if unpublished == entry, !now.isPolicyBased {
                try engine.apply(
                    .setVPNRoutePublished(
                        VPNGatewayID(now.vpnGatewayId),
                        destination: now.routeDest,
                        nextHop: VPNConnectionID(now.nextHop),
                        published: now.published
                    )
                )
            }
            // A policy-based route has no change of its own. Withdrawn, it goes with a destination-based route to
            // the same destination (withdrawing either withdraws both, reference §8.2), so withdrawing that one
            // again says the same; a policy-based route published alone fails the check below.
            if unpublished == entry, now.isPolicyBased, !now.published,
                let namesake = engine.topology.vpnGateways[VPNGatewayID(now.vpnGatewayId)]?.routes.first(where: {
                    $0.destination == now.routeDest
                })
            {
                try engine.apply(
                    .setVPNRoutePublished(
                        VPNGatewayID(now.vpnGatewayId),
                        destination: namesake.destination,
                        nextHop: namesake.nextHop,
                        published: namesake.publishToVPC
                    )
                )
            }
        }
        for id in added(vpnRouteEntries, since: old.vpnRouteEntries, touched: touched)
        where old.vpnRouteEntries[id] == nil {
            let entry = vpnRouteEntries[id]!
            gateways.insert(entry.vpnGatewayId)
            switch Self.projected(entry) {
            case .left(let route): try engine.apply(.addVPNRoute(VPNGatewayID(entry.vpnGatewayId), route))
            case .right(let route): try engine.apply(.addVPNPolicyRoute(VPNGatewayID(entry.vpnGatewayId), route))
            }
        }
        for id in gateways {
            guard let gateway = vpnGateways[id] else { throw Unmapped() }
            var routes: [VPNRoute] = []
            var policyRoutes: [VPNPolicyRoute] = []
            for entry in ordered(vpnRouteEntries.filter { $0.value.vpnGatewayId == id }) {
                switch Self.projected(entry) {
                case .left(let route): routes.append(route)
                case .right(let route): policyRoutes.append(route)
                }
            }
            let projected = Self.projected(gateway, routes: routes, policyRoutes: policyRoutes)
            guard engine.topology.vpnGateways[projected.id] == projected else { throw Unmapped() }
        }
    }

    /// Attachments, publications and withdrawals, new CENs; every CEN is then checked against its projection.
    ///
    /// An attachment to a CEN that already has published routes is applied by replacing the CEN
    /// (`upsertCEN`): the engine ranks an attachment after every earlier publication, while a CEN built from
    /// the projection ranks attachments first (decision 1 orders attachments, then publications), so only the
    /// replacement gives the same table as a fresh engine.
    private func advanceCENs(_ engine: inout RouteEngine, from old: CloudState, touched: [String]) throws {
        guard old.cens != cens || old.cenAttachments != cenAttachments else { return }
        if touched.contains(where: { old.cens[$0] != nil && cens[$0] == nil }) { throw Unmapped() }
        var attachments: [String: [NetworkReference]] = [:]
        for attachment in ordered(cenAttachments) {
            attachments[attachment.cenId, default: []].append(network(attachment.childInstanceId))
        }
        for id in added(cenAttachments, since: old.cenAttachments, touched: touched) {
            let attachment = cenAttachments[id]!
            let cenID = CENID(attachment.cenId)
            if engine.topology.cens[cenID]?.publishedRoutes.isEmpty == true {
                try engine.apply(.attach(cenID, self.network(attachment.childInstanceId)))
            }
        }
        for cen in cens.values {
            let projected = projected(cen, attachments: attachments[cen.id] ?? [])
            guard let current = engine.topology.cens[projected.id], current.attachments == projected.attachments else {
                try engine.apply(.upsertCEN(projected))
                continue
            }
            // One route published or withdrawn (what one PublishRouteEntries or WithdrawPublishedRouteEntries does).
            if let change = Self.publication(from: current, to: projected) { try? engine.apply(change) }
            if engine.topology.cens[projected.id] != projected { try engine.apply(.upsertCEN(projected)) }
        }
    }

    /// The publish or withdraw that turns `current` into `target`, if one does.
    private static func publication(from current: CENInstance, to target: CENInstance) -> TopologyChange? {
        if target.publishedRoutes.count == current.publishedRoutes.count + 1,
            Array(target.publishedRoutes.dropLast()) == current.publishedRoutes,
            let route = target.publishedRoutes.last
        {
            return .publishRoute(target.id, route)
        }
        if target.withdrawnRoutes.count + 1 == current.withdrawnRoutes.count,
            let route = current.withdrawnRoutes.first(where: { !target.withdrawnRoutes.contains($0) })
        {
            return .publishRoute(target.id, route)
        }
        if target.publishedRoutes.count + 1 == current.publishedRoutes.count,
            let route = current.publishedRoutes.first(where: { !target.publishedRoutes.contains($0) })
        {
            return .withdrawRoute(target.id, route)
        }
        if target.withdrawnRoutes.count == current.withdrawnRoutes.count + 1,
            Array(target.withdrawnRoutes.dropLast()) == current.withdrawnRoutes,
            let route = target.withdrawnRoutes.last
        {
            return .withdrawRoute(target.id, route)
        }
        return nil
    }
}

/// A difference between two states that no ``TopologyChange`` expresses.
private struct Unmapped: Error {}
