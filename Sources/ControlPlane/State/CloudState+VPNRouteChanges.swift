import Foundation
import IPAddressing

extension CloudState {
    /// Finds the VPN route named by gateway, (source,) destination, next hop, weight (and priority if given).
    private func vpnRoute(
        gateway gatewayId: String,
        source: String?,
        dest: String,
        nextHop: String,
        weight: Int,
        priority: Int?,
        region: String
    ) throws(ControlPlaneError) -> VPNRouteEntry {
        let gateway = try vpnGateway(gatewayId, region: region)
        let destPrefix = try Check.prefix(dest, parameter: "RouteDest", code: "InvalidParameter")
        let sourcePrefix = try source.map { text throws(ControlPlaneError) in
            try Check.prefix(text, parameter: "RouteSource", code: "InvalidParameter")
        }
        guard
            let entry = vpnRoutes(of: gateway.id, policyBased: sourcePrefix != nil).first(where: {
                $0.routeDest == destPrefix && $0.routeSource == sourcePrefix && $0.nextHop == nextHop
                    && $0.weight == weight && (priority == nil || $0.priority == priority)
            })
        else {
            throw .notFound(
                "InvalidVpnRouteEntry.NotFound",
                "The VPN gateway '\(gateway.id)' has no route \(sourcePrefix.map { "\($0) → " } ?? "")\(destPrefix) via '\(nextHop)' with weight \(weight)\(priority.map { " and priority \($0)" } ?? "")."
            )
        }
        return entry
    }

    /// Changes the weight of a destination-based (`source == nil`) or policy-based VPN route: 100 (active) or 0
    /// (standby). The route's active/standby partner must keep a different weight (DESIGN §4 decision 3).
    public mutating func modifyVPNRouteWeight(
        gateway: String,
        source: String?,
        dest: String,
        nextHop: String,
        weight: Int,
        priority: Int? = nil,
        newWeight: Int,
        region: String
    ) throws(ControlPlaneError) -> VPNRouteEntry {
        let entry = try vpnRoute(
            gateway: gateway,
            source: source,
            dest: dest,
            nextHop: nextHop,
            weight: weight,
            priority: priority,
            region: region
        )
        guard newWeight == 0 || newWeight == 100 else {
            throw .invalid(
                "InvalidParameter",
                "The specified NewWeight '\(newWeight)' is not valid; allowed: 100 (active) or 0 (standby)."
            )
        }
        if let clash = vpnRoutes(of: entry.vpnGatewayId, policyBased: entry.isPolicyBased).first(where: {
            $0.id != entry.id && $0.routeDest == entry.routeDest && $0.routeSource == entry.routeSource
                && $0.weight == newWeight
        }) {
            throw .invalid(
                "VpnRouteEntry.SameWeight",
                "The route \(entry.routeSource.map { "\($0) → " } ?? "")\(entry.routeDest) already has weight \(newWeight) via '\(clash.nextHop)'; an active/standby pair needs weights 100 and 0."
            )
        }
        vpnRouteEntries[entry.id]?.weight = newWeight
        touch(entry.id)
        return vpnRouteEntries[entry.id]!
    }

    /// Changes the priority (1 highest … 100) of a policy-based VPN route.
    public mutating func modifyVPNPbrRoutePriority(
        gateway: String,
        source: String,
        dest: String,
        nextHop: String,
        weight: Int,
        priority: Int?,
        newPriority: Int,
        region: String
    ) throws(ControlPlaneError) -> VPNRouteEntry {
        let entry = try vpnRoute(
            gateway: gateway,
            source: source,
            dest: dest,
            nextHop: nextHop,
            weight: weight,
            priority: priority,
            region: region
        )
        guard (1...100).contains(newPriority) else {
            throw .invalid(
                "InvalidParameter",
                "The specified NewPriority '\(newPriority)' is not valid; allowed: 1 (highest) to 100."
            )
        }
        vpnRouteEntries[entry.id]?.priority = newPriority
        touch(entry.id)
        return vpnRouteEntries[entry.id]!
    }
}
