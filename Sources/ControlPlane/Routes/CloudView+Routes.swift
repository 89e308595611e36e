public import Foundation
public import IPAddressing
import NetworkModel
public import RouteEngine

/// One entry of a VPC's effective route table as the route engine computed it, with the API's names for it.
public struct EffectiveRoute: Sendable, Hashable {
    /// The route entry id (`rte-…`): the system, custom or published entry's; empty for a CEN-learned route.
    public var routeEntryId: String
    public var routeTableId: String
    public var destination: IPv4Prefix
    /// `System`, `Custom` or `CEN`.
    public var type: String
    /// The engine's next-hop type (`local`, `service`, `VpnGateway`, `Instance`, `RouterInterface`, `VPC`, `VBR`, …).
    public var nextHopType: String
    /// The next hop's id (a vSwitch for `local`, empty for `service`, the advertising network for `CEN`).
    public var nextHopId: String
    /// The advertising network's region (CEN-learned routes), else empty.
    public var nextHopRegionId: String
    public var name: String
    public var description: String
    /// When the entry was created (its vSwitch, custom entry or VPN route; the VPC for learned routes).
    public var modified: Date
    /// `Active`, `Candidate` or `Rejected`.
    public var status: String
    /// Why the route engine gave it this status.
    public var reason: String
    /// The same destination is advertised by another network of the CEN (`Conflicts[].Status=conflict`).
    public var isConflict: Bool
    /// Whether this own route is advertised to the VPC's CEN (always `false` for a learned route).
    public var isPublishedToCEN: Bool
    /// Whether the user created it (a custom route entry): such entries are listed whatever their status.
    public var isUserEntry: Bool
}

/// A VPN gateway route as the route engine orders and chooses it, with the stored entry it comes from.
public struct EffectiveVPNRoute: Sendable, Hashable {
    public var entry: VPNRouteEntry
    /// The engine's entry: destination, source, next hop, weight, priority, and `Active` or `Candidate` (the
    /// standby of an active/standby pair whose active tunnel carries traffic).
    public var route: RouteTableEntry
}

extension CloudView {
    /// Every entry of `vpcId`'s effective table (system, custom, published by a VPN gateway, learned from CEN),
    /// every status, as the route engine computed it; empty for an unknown VPC.
    ///
    /// - Complexity: O(entries of the table + routes learned in its CEN), no engine build.
    public func routes(of vpcId: String) -> [EffectiveRoute] {
        guard let vpc = state.vpcs[vpcId] else { return [] }
        return routes(
            of: .vpc(VPCID(vpcId)),
            routeTableId: vpc.routeTableId,
            created: vpc.creationTime,
            serviceRouteEntryId: vpc.serviceRouteEntryId
        )
    }

    /// Every entry of a VPC's or VBR's effective table, with the API's ids and names for the entries it stores;
    /// entries without one carry the table's creation time. Empty when the engine has no table for `network`.
    func routes(
        of network: NetworkReference,
        routeTableId: String,
        created: Date,
        serviceRouteEntryId: String
    ) -> [EffectiveRoute] {
        let table: RouteTable?
        switch network {
        case .vpc(let id): table = engine.routeTable(for: .vpc(id))
        case .vbr(let id): table = engine.routeTable(for: .vbr(id))
        }
        guard let table else { return [] }
        return table.entries.map { entry in
            var route = EffectiveRoute(
                routeEntryId: "",
                routeTableId: routeTableId,
                destination: entry.destination,
                type: entry.type.rawValue,
                nextHopType: entry.nextHop.typeName,
                nextHopId: entry.nextHop.idText,
                nextHopRegionId: "",
                name: "",
                description: "",
                modified: created,
                status: entry.status.rawValue,
                reason: entry.reason,
                isConflict: entry.isConflict,
                isPublishedToCEN: false,
                isUserEntry: false
            )
            switch entry.origin {
            case .vSwitch(let id):
                if let vs = state.vSwitches[id.rawValue] {
                    route.routeEntryId = vs.systemRouteEntryId
                    route.modified = vs.creationTime
                }
            case .cloudService:
                route.routeEntryId = serviceRouteEntryId
            case .routeEntry(let id):
                if let custom = state.routeEntries[id.rawValue] {
                    route.routeEntryId = custom.id
                    route.name = custom.name
                    route.description = custom.description
                    route.modified = custom.creationTime
                    route.isUserEntry = true
                }
            case .vpnGatewayPublished(let gateway):
                // The first published VPN route (creation order) to this destination names the VPC entry.
                let published = state.vpnRouteEntries.filter {
                    $0.value.published && $0.value.vpnGatewayId == gateway.rawValue
                        && $0.value.routeDest == entry.destination
                }
                if let source = state.ordered(published).first {
                    route.routeEntryId = source.publishedRouteEntryId
                    route.modified = source.createTime
                }
            case .cen(_, _, let region):
                route.nextHopRegionId = region.rawValue
            default:
                break
            }
            if entry.type != .cen, entry.status == .active {
                route.isPublishedToCEN =
                    engine.publishStatus(of: CENRouteReference(network: network, destination: entry.destination))
                    .isPublished
            }
            return route
        }
    }

    /// The VPN gateway's destination-based (or policy-based) routes as the route engine holds them: sorted by
    /// destination (then source), each with its stored entry and its status.
    public func vpnRoutes(of gatewayId: String, policyBased: Bool) -> [EffectiveVPNRoute] {
        guard let table = engine.routeTable(for: .vpnGateway(VPNGatewayID(gatewayId))) else { return [] }
        let stored = state.vpnRoutes(of: gatewayId, policyBased: policyBased)
        return table.entries.compactMap { route in
            guard route.type == (policyBased ? .vpnPolicy : .vpnDestination),
                case .vpnGatewayRoute(let index) = route.origin, stored.indices.contains(index)
            else { return nil }
            return EffectiveVPNRoute(entry: stored[index], route: route)
        }
    }

    /// The cloud's `Status` of an IPsec connection (``connectionStatus(_:in:)`` over this view's engine).
    public func status(ofConnection connectionId: String) -> String {
        Self.connectionStatus(connectionId, in: engine)
    }

    /// The cloud's `Status` of an IPsec connection, from the route engine's tunnel state (reference §10):
    /// `ipsec_sa_established` when both sides' settings match and the tunnel is up, `ipsec_sa_not_established`
    /// when phase 2 fails, and `ike_sa_not_established` when phase 1 cannot complete: no site's device owns the
    /// customer gateway's address, it has not loaded a configuration for this gateway, keys or proposals differ,
    /// or the connection waits for traffic (`EffectImmediately=false`).
    ///
    /// A function of the connection id and the engine only: the engine finds the site at the other end in its
    /// topology, so connections come up by themselves once sites are part of it.
    public static func connectionStatus(_ connectionId: String, in engine: RouteEngine) -> String {
        engine.tunnelStatus(VPNConnectionID(connectionId))?.state.cloudStatus ?? TunnelState.ikeNotEstablished.rawValue
    }
}
