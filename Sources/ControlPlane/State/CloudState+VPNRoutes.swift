import Foundation
public import IPAddressing

extension CloudState {
    /// A VPN route to `destination` published to `vpcId` (`PublishVpc`), if one is: a fact of the configuration
    /// that mutations check. What the VPC's table holds is the route engine's to say (`CloudView.routes(of:)`).
    func publishedVPNRoute(to destination: IPv4Prefix, in vpcId: String) -> VPNRouteEntry? {
        ordered(vpnRouteEntries).first {
            $0.published && $0.routeDest == destination && vpnGateways[$0.vpnGatewayId]?.vpcId == vpcId
        }
    }

    public func vpnRoutes(of gatewayId: String, policyBased: Bool) -> [VPNRouteEntry] {
        ordered(vpnRouteEntries.filter { $0.value.vpnGatewayId == gatewayId && $0.value.isPolicyBased == policyBased })
    }

    public struct CreateVPNRoute: Sendable {
        public var regionId: String
        public var vpnGatewayId: String
        public var routeSource: String?
        public var routeDest: String
        public var nextHop: String
        public var weight: Int
        public var priority: Int?
        public var publishVpc: Bool
        public var description: String?
        public init(
            regionId: String,
            vpnGatewayId: String,
            routeSource: String? = nil,
            routeDest: String,
            nextHop: String,
            weight: Int,
            priority: Int? = nil,
            publishVpc: Bool,
            description: String? = nil
        ) {
            self.regionId = regionId
            self.vpnGatewayId = vpnGatewayId
            self.routeSource = routeSource
            self.routeDest = routeDest
            self.nextHop = nextHop
            self.weight = weight
            self.priority = priority
            self.publishVpc = publishVpc
            self.description = description
        }
    }

    /// Adds a destination-based (no `routeSource`) or policy-based route to a VPN gateway.
    ///
    /// Active/standby pairs share destination (and source) with different next hops and weights; the same
    /// destination with the same weight twice is rejected (DESIGN §4 decision 3).
    public mutating func createVPNRoute(
        _ request: CreateVPNRoute,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> VPNRouteEntry {
        let gateway = try vpnGateway(request.vpnGatewayId, region: request.regionId)
        let dest = try Check.prefix(request.routeDest, parameter: "RouteDest", code: "InvalidParameter")
        let source = try request.routeSource.map { text throws(ControlPlaneError) in
            try Check.prefix(text, parameter: "RouteSource", code: "InvalidParameter")
        }
        if cloudServicePrefix.overlaps(dest) {
            throw .invalid(
                "InvalidParameter",
                "The specified RouteDest '\(dest)' overlaps \(cloudServicePrefix), which is reserved for cloud services."
            )
        }
        let connection = try vpnConnection(request.nextHop, region: request.regionId)
        guard connection.vpnGatewayId == gateway.id else {
            throw .invalid(
                "InvalidParameter",
                "The specified NextHop '\(connection.id)' is an IPsec connection of VPN gateway '\(connection.vpnGatewayId)', not of '\(gateway.id)'."
            )
        }
        guard request.weight == 0 || request.weight == 100 else {
            throw .invalid(
                "InvalidParameter",
                "The specified Weight '\(request.weight)' is not valid; allowed: 100 (active) or 0 (standby)."
            )
        }
        if let priority = request.priority, !(1...100).contains(priority) {
            throw .invalid("InvalidParameter", "The specified Priority '\(priority)' is not valid; allowed: 1 to 100.")
        }
        let policyBased = source != nil
        let existing = vpnRoutes(of: gateway.id, policyBased: policyBased)
        let same = existing.filter { $0.routeDest == dest && $0.routeSource == source }
        if let duplicate = same.first(where: { $0.nextHop == connection.id }) {
            throw .invalid(
                "VpnRouteEntry.AlreadyExists",
                "The VPN gateway '\(gateway.id)' already routes \(source.map { "\($0) → " } ?? "")\(dest) to '\(duplicate.nextHop)'."
            )
        }
        if let clash = same.first(where: { $0.weight == request.weight }) {
            throw .invalid(
                "VpnRouteEntry.SameWeight",
                "The route \(source.map { "\($0) → " } ?? "")\(dest) already has weight \(request.weight) via '\(clash.nextHop)'; an active/standby pair needs weights 100 and 0."
            )
        }
        let quota =
            policyBased ? context.quotas.policyRoutesPerVPNGateway : context.quotas.destinationRoutesPerVPNGateway
        guard existing.count < quota else {
            throw .invalid(
                "Resource.QuotaFull",
                "The VPN gateway '\(gateway.id)' already has \(existing.count) \(policyBased ? "policy-based" : "destination-based") routes, its quota."
            )
        }
        var entry = VPNRouteEntry(
            id: context.makeID("vre-"),
            regionId: gateway.regionId,
            vpnGatewayId: gateway.id,
            routeSource: source,
            routeDest: dest,
            nextHop: connection.id,
            weight: request.weight,
            priority: policyBased ? (request.priority ?? 10) : nil,
            published: false,
            publishedRouteEntryId: context.makeID("rte-"),
            description: try Check.description(request.description, code: "InvalidDescription"),
            createTime: context.now
        )
        vpnRouteEntries[entry.id] = entry
        remember(entry.id)
        if request.publishVpc {
            try publishVPNRoute(
                gateway: gateway.id,
                dest: dest,
                nextHop: connection.id,
                policyBased: policyBased,
                publish: true,
                region: request.regionId
            )
            entry = vpnRouteEntries[entry.id] ?? entry
        }
        return entry
    }

    /// Deletes a VPN route; its published VPC route goes with it.
    public mutating func deleteVPNRoute(
        gateway gatewayId: String,
        source: String?,
        dest: String,
        nextHop: String,
        weight: Int,
        region: String
    ) throws(ControlPlaneError) {
        let gateway = try vpnGateway(gatewayId, region: region)
        let destPrefix = try Check.prefix(dest, parameter: "RouteDest", code: "InvalidParameter")
        let sourcePrefix = try source.map { text throws(ControlPlaneError) in
            try Check.prefix(text, parameter: "RouteSource", code: "InvalidParameter")
        }
        guard
            let entry = vpnRoutes(of: gateway.id, policyBased: sourcePrefix != nil).first(where: {
                $0.routeDest == destPrefix && $0.routeSource == sourcePrefix && $0.nextHop == nextHop
                    && $0.weight == weight
            })
        else {
            throw .notFound(
                "InvalidVpnRouteEntry.NotFound",
                "The VPN gateway '\(gateway.id)' has no route \(sourcePrefix.map { "\($0) → " } ?? "")\(destPrefix) via '\(nextHop)' with weight \(weight)."
            )
        }
        vpnRouteEntries[entry.id] = nil
        touch(entry.id)
    }

    /// Advertises (`publish`) or withdraws the routes to `dest` via `nextHop` in the gateway's VPC system
    /// table. Withdrawing one withdraws every entry with that destination (reference §8.2).
    public mutating func publishVPNRoute(
        gateway gatewayId: String,
        dest: IPv4Prefix,
        nextHop: String,
        policyBased: Bool,
        publish: Bool,
        region: String
    ) throws(ControlPlaneError) {
        let gateway = try vpnGateway(gatewayId, region: region)
        let matching = vpnRoutes(of: gateway.id, policyBased: policyBased).filter {
            $0.routeDest == dest && $0.nextHop == nextHop
        }
        guard let target = matching.first else {
            throw .notFound(
                "InvalidVpnRouteEntry.NotFound",
                "The VPN gateway '\(gateway.id)' has no \(policyBased ? "policy-based" : "destination-based") route to \(dest) via '\(nextHop)'."
            )
        }
        if publish {
            let vpc = try vpc(gateway.vpcId)
            if let custom = customRoutes(in: vpc.routeTableId).first(where: { $0.destination == dest }) {
                throw .invalid(
                    "InvalidCIDRBlock.Duplicate",
                    "The VPC route table '\(vpc.routeTableId)' already has route entry '\(custom.id)' to \(dest); delete it before publishing the VPN route."
                )
            }
            if let vSwitch = vSwitches(in: vpc.id).first(where: { $0.cidrBlock.contains(dest) }) {
                throw .invalid(
                    "InvalidCidrBlock",
                    "The destination \(dest) lies inside \(vSwitch.cidrBlock) of vSwitch '\(vSwitch.id)' and cannot be published to the VPC."
                )
            }
            vpnRouteEntries[target.id]?.published = true
            touch(target.id)
        } else {
            for entry in ordered(vpnRouteEntries) where entry.vpnGatewayId == gateway.id && entry.routeDest == dest {
                vpnRouteEntries[entry.id]?.published = false
                touch(entry.id)
            }
        }
    }
}
