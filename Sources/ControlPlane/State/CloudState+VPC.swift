import Foundation
public import IPAddressing

/// The system route `100.64.0.0/10 → service` every VPC table has.
public let cloudServicePrefix = IPv4Prefix("100.64.0.0/10")!

extension CloudState {
    // MARK: Look-ups

    public func vpc(_ id: String, region: String? = nil) throws(ControlPlaneError) -> VPC {
        try lookup(vpcs, id, region: region, code: "InvalidVpcId.NotFound", noun: "VPC")
    }

    public func vSwitch(_ id: String, region: String? = nil) throws(ControlPlaneError) -> VSwitch {
        try lookup(vSwitches, id, region: region, code: "InvalidVSwitchId.NotFound", noun: "vSwitch")
    }

    /// The VPC whose system route table is `routeTableId`.
    public func vpc(routeTable routeTableId: String, region: String? = nil) throws(ControlPlaneError) -> VPC {
        guard let vpc = vpcs.owner(of: routeTableId).flatMap({ $0.routeTableId == routeTableId ? $0 : nil }),
            region == nil || vpc.regionId == region
        else {
            throw .notFound(
                "InvalidRouteTableId.NotFound",
                "The specified route table '\(routeTableId)' does not exist\(region.map { " in region \($0)" } ?? "")."
            )
        }
        return vpc
    }

    public func vSwitches(in vpcId: String) -> [VSwitch] { ordered(vSwitches.filter { $0.value.vpcId == vpcId }) }

    public func customRoutes(in routeTableId: String) -> [RouteEntry] {
        ordered(routeEntries.filter { $0.value.routeTableId == routeTableId })
    }

    /// The custom route of `routeTableId` to `destination` (a CIDR block, or an address meaning its /32), through
    /// `nextHopId` when one is given; `table` names the table in the error (`InvalidRouteEntry.NotFound`).
    func customRoute(
        in routeTableId: String,
        to destination: String,
        via nextHopId: String?,
        table: String
    ) throws(ControlPlaneError) -> RouteEntry {
        let text = destination.contains("/") ? destination : destination + "/32"
        let prefix = try Check.prefix(text, parameter: "DestinationCidrBlock")
        guard
            let found = customRoutes(in: routeTableId).first(where: {
                $0.destination == prefix && (nextHopId == nil || $0.nextHopId == nextHopId)
            })
        else {
            throw .notFound(
                "InvalidRouteEntry.NotFound",
                "The route table \(table) has no custom route to \(prefix)\(nextHopId.map { " via \($0)" } ?? "")."
            )
        }
        return found
    }

    // MARK: VPC

    public struct CreateVPC: Sendable {
        public var regionId: String
        public var cidrBlock: String?
        public var name: String?
        public var description: String?
        public init(regionId: String, cidrBlock: String? = nil, name: String? = nil, description: String? = nil) {
            self.regionId = regionId
            self.cidrBlock = cidrBlock
            self.name = name
            self.description = description
        }
    }

    /// Creates a VPC with its vRouter and system route table. Default CIDR 172.16.0.0/12 (reference §4).
    public mutating func createVPC(_ request: CreateVPC, _ context: MutationContext) throws(ControlPlaneError) -> VPC {
        let text = request.cidrBlock ?? "172.16.0.0/12"
        let cidr = try Check.prefix(text, parameter: "CidrBlock")
        guard (8...28).contains(cidr.length) else {
            // A well-formed block the VPC cannot take: the reference's CreateVpc code (§1.6).
            throw .invalid(
                "InvalidParameter",
                "The specified parameter \"CidrBlock\" is not valid: '\(text)'; a VPC's mask must be /8 to /28."
            )
        }
        if let (range, why) = Check.reserved(cidr) {
            throw .invalid(
                "InvalidCidrBlock",
                "The specified CidrBlock '\(text)' overlaps \(range) (\(why)), which a VPC cannot use."
            )
        }
        let name = try Check.name(request.name, parameter: "VpcName", code: "InvalidVpcName.Malformed")
        let description = try Check.description(request.description)
        let count = vpcs.count(inRegion: request.regionId)
        guard count < context.quotas.vpcsPerRegion else {
            throw .invalid(
                "QuotaExceeded.Vpc",
                "The VPC quota of region \(request.regionId) is used up: \(count) of \(context.quotas.vpcsPerRegion)."
            )
        }
        let vpc = VPC(
            id: context.makeID("vpc-"),
            regionId: request.regionId,
            name: name,
            description: description,
            cidrBlock: cidr,
            vRouterId: context.makeID("vrt-"),
            routeTableId: context.makeID("vtb-"),
            serviceRouteEntryId: context.makeID("rte-"),
            creationTime: context.now,
            status: "Available"
        )
        vpcs[vpc.id] = vpc
        for id in [vpc.id, vpc.vRouterId, vpc.routeTableId, vpc.serviceRouteEntryId] { remember(id) }
        return vpc
    }

    /// Deletes an empty VPC.
    public mutating func deleteVPC(_ id: String, region: String) throws(ControlPlaneError) {
        let vpc = try vpc(id, region: region)
        if let instance = ordered(instances.filter { $0.value.vpcId == id }).first {
            throw .invalid(
                "DependencyViolation.Instance",
                "The VPC '\(id)' still has instance '\(instance.id)'; delete it first (DeleteInstance)."
            )
        }
        if let vSwitch = vSwitches(in: id).first {
            throw .invalid(
                "DependencyViolation.VSwitch",
                "The VPC '\(id)' still has vSwitch '\(vSwitch.id)'; delete its vSwitches first."
            )
        }
        if let route = customRoutes(in: vpc.routeTableId).first {
            throw .invalid(
                "DependencyViolation.RouteEntry",
                "The VPC '\(id)' still has custom route entry \(route.destination) (\(route.id)); delete it first."
            )
        }
        if let ri = routerInterfaces(on: vpc.vRouterId).first {
            throw .invalid(
                "DependencyViolation.RouterInterface",
                "The VPC '\(id)' still has router interface '\(ri.id)'; delete it first."
            )
        }
        if let attachment = cenAttachments["cenattach-" + id] {
            throw .invalid(
                "DependencyViolation.Cen",
                "The VPC '\(id)' is attached to CEN '\(attachment.cenId)'; detach it first (DetachCenChildInstance)."
            )
        }
        if let gateway = ordered(vpnGateways.filter { $0.value.vpcId == id }).first {
            throw .invalid(
                "DependencyViolation.VpnGateway",
                "The VPC '\(id)' still has VPN gateway '\(gateway.id)'; delete it first."
            )
        }
        if let group = securityGroups(in: id).first {
            throw .invalid(
                "DependencyViolation.SecurityGroup",
                "The VPC '\(id)' still has security group '\(group.id)'; delete it first (DeleteSecurityGroup)."
            )
        }
        vpcs[id] = nil
        touch(id)
    }

    // MARK: vSwitch

    public struct CreateVSwitch: Sendable {
        public var regionId: String?
        public var vpcId: String
        public var zoneId: String
        public var cidrBlock: String
        public var name: String?
        public var description: String?
        public init(
            regionId: String?,
            vpcId: String,
            zoneId: String,
            cidrBlock: String,
            name: String? = nil,
            description: String? = nil
        ) {
            self.regionId = regionId
            self.vpcId = vpcId
            self.zoneId = zoneId
            self.cidrBlock = cidrBlock
            self.name = name
            self.description = description
        }
    }

    /// Creates a vSwitch inside its VPC's CIDR, not overlapping another vSwitch (DESIGN §4 decision 5).
    public mutating func createVSwitch(
        _ request: CreateVSwitch,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> VSwitch {
        let vpc = try vpc(request.vpcId, region: request.regionId)
        guard request.zoneId.hasPrefix(vpc.regionId + "-"), request.zoneId.count > vpc.regionId.count + 1 else {
            throw .notFound(
                "InvalidZoneId.NotFound",
                "The specified ZoneId '\(request.zoneId)' is not a zone of region \(vpc.regionId) (zones look like \(vpc.regionId)-b)."
            )
        }
        let cidr = try Check.prefix(request.cidrBlock, parameter: "CidrBlock")
        guard (16...29).contains(cidr.length) else {
            throw .invalid(
                "InvalidCidrBlock.Malformed",
                "The specified CidrBlock '\(request.cidrBlock)' is not valid: a vSwitch mask must be /16 to /29."
            )
        }
        guard vpc.cidrBlock.contains(cidr) else {
            throw .invalid(
                "InvalidCidrBlock",
                "The specified CidrBlock '\(cidr)' is not inside the CIDR block \(vpc.cidrBlock) of VPC '\(vpc.id)'."
            )
        }
        let siblings = vSwitches(in: vpc.id)
        if let other = siblings.first(where: { $0.cidrBlock.overlaps(cidr) }) {
            throw .invalid(
                "InvalidCidrBlock.Overlapped",
                "The specified CidrBlock '\(cidr)' overlaps \(other.cidrBlock) of vSwitch '\(other.id)'."
            )
        }
        if let route = publishedVPNRoute(to: cidr, in: vpc.id) {
            throw .invalid(
                "InvalidCidrBlock",
                "The specified CidrBlock '\(cidr)' equals the destination VPN gateway '\(route.vpnGatewayId)' publishes to this VPC."
            )
        }
        if let route = customRoutes(in: vpc.routeTableId).first(where: { $0.destination == cidr }) {
            throw .invalid(
                "InvalidCidrBlock",
                "The specified CidrBlock '\(cidr)' equals the destination of route entry '\(route.id)'; a vSwitch may sit inside a route's destination but not equal it."
            )
        }
        guard siblings.count < context.quotas.vSwitchesPerVPC else {
            throw .invalid(
                "QuotaExceeded",
                "The vSwitch quota of VPC '\(vpc.id)' is used up: \(siblings.count) of \(context.quotas.vSwitchesPerVPC)."
            )
        }
        let name = try Check.name(request.name, parameter: "VSwitchName", code: "InvalidVSwitchName.Malformed")
        let description = try Check.description(request.description)
        let vSwitch = VSwitch(
            id: context.makeID("vsw-"),
            vpcId: vpc.id,
            regionId: vpc.regionId,
            zoneId: request.zoneId,
            name: name,
            description: description,
            cidrBlock: cidr,
            systemRouteEntryId: context.makeID("rte-"),
            creationTime: context.now,
            status: "Available"
        )
        vSwitches[vSwitch.id] = vSwitch
        remember(vSwitch.id)
        remember(vSwitch.systemRouteEntryId)
        return vSwitch
    }

    public mutating func deleteVSwitch(_ id: String, region: String?) throws(ControlPlaneError) {
        let vSwitch = try vSwitch(id, region: region)
        if let gateway = ordered(vpnGateways.filter { $0.value.vSwitchId == id }).first {
            throw .invalid(
                "DependencyViolation.VpnGateway",
                "The vSwitch '\(id)' is used by VPN gateway '\(gateway.id)'; delete the gateway first."
            )
        }
        if let instance = instances(inVSwitch: id).first {
            throw .invalid(
                "DependencyViolation",
                "Specified object has dependent resources: vSwitch '\(id)' still has instance '\(instance.id)'; delete it first (DeleteInstance)."
            )
        }
        vSwitches[vSwitch.id] = nil
        touch(vSwitch.id)
    }

    // MARK: Route entries

    public static let nextHopTypes = [
        "Instance", "HaVip", "RouterInterface", "NetworkInterface", "VpnGateway", "IPv6Gateway", "NatGateway",
    ]

    public struct CreateRouteEntry: Sendable {
        public var regionId: String?
        public var routeTableId: String
        public var destinationCidrBlock: String
        public var nextHopType: String?
        public var nextHopId: String?
        public var name: String?
        public var description: String?
        public init(
            regionId: String?,
            routeTableId: String,
            destinationCidrBlock: String,
            nextHopType: String?,
            nextHopId: String?,
            name: String? = nil,
            description: String? = nil
        ) {
            self.regionId = regionId
            self.routeTableId = routeTableId
            self.destinationCidrBlock = destinationCidrBlock
            self.nextHopType = nextHopType
            self.nextHopId = nextHopId
            self.name = name
            self.description = description
        }
    }

    /// Adds a custom route (reference §4 CreateRouteEntry, the 2020+ vSwitch rule).
    public mutating func createRouteEntry(
        _ request: CreateRouteEntry,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> RouteEntry {
        if let vbr = vbr(routeTable: request.routeTableId) { return try createVBRRouteEntry(vbr, request, context) }
        let vpc = try vpc(routeTable: request.routeTableId, region: request.regionId)
        var text = request.destinationCidrBlock
        if !text.contains("/") { text += "/32" }
        let destination = try Check.prefix(text, parameter: "DestinationCidrBlock")
        if cloudServicePrefix.contains(destination) {
            throw .invalid(
                "InvalidCidrBlock",
                "The specified DestinationCidrBlock '\(destination)' is inside \(cloudServicePrefix), which is reserved for cloud services."
            )
        }
        let table = customRoutes(in: vpc.routeTableId)
        if let same = table.first(where: { $0.destination == destination }) {
            throw .invalid(
                "InvalidCIDRBlock.Duplicate",
                "The route table '\(vpc.routeTableId)' already has a route to \(destination) ('\(same.id)')."
            )
        }
        if let published = publishedVPNRoute(to: destination, in: vpc.id) {
            throw .invalid(
                "InvalidCIDRBlock.Duplicate",
                "The route table '\(vpc.routeTableId)' already has the route to \(destination) that VPN gateway '\(published.vpnGatewayId)' publishes."
            )
        }
        if let vSwitch = vSwitches(in: vpc.id).first(where: { $0.cidrBlock.contains(destination) }) {
            throw .invalid(
                "InvalidCidrBlock",
                "The specified DestinationCidrBlock '\(destination)' equals or lies inside \(vSwitch.cidrBlock) of vSwitch '\(vSwitch.id)'; the vSwitch's system route covers it."
            )
        }
        let type = request.nextHopType ?? "Instance"
        guard Self.nextHopTypes.contains(type) else {
            throw .invalid(
                "InvalidNextHopType",
                "The specified NextHopType '\(type)' is not valid; allowed: \(Self.nextHopTypes.joined(separator: ", "))."
            )
        }
        guard let hop = request.nextHopId, !hop.isEmpty else { throw Self.bothNextHopsNull(type) }
        switch type {
        case "VpnGateway":
            guard let gateway = vpnGateways[hop], gateway.vpcId == vpc.id else {
                throw .notFound(
                    "InvalidNextHopId.NotFound",
                    "The specified NextHopId '\(hop)' is not a VPN gateway of VPC '\(vpc.id)'."
                )
            }
        case "RouterInterface":
            try checkRouterInterfaceNextHop(hop, of: vpc)
        default:
            throw .notFound(
                "InvalidNextHopId.NotFound",
                "The specified NextHopId '\(hop)' of type \(type) does not exist in VPC '\(vpc.id)' (this cloud has no \(type) resources yet)."
            )
        }
        guard table.count < context.quotas.customRouteEntriesPerTable else {
            throw .invalid(
                "QuotaExceeded",
                "The custom route entry quota of route table '\(vpc.routeTableId)' is used up: \(table.count) of \(context.quotas.customRouteEntriesPerTable)."
            )
        }
        let entry = RouteEntry(
            id: context.makeID("rte-"),
            routeTableId: vpc.routeTableId,
            destination: destination,
            nextHopType: type,
            nextHopId: hop,
            name: try Check.name(request.name, parameter: "RouteEntryName", code: "InvalidRouteEntryName.Malformed"),
            description: try Check.description(request.description),
            creationTime: context.now
        )
        routeEntries[entry.id] = entry
        remember(entry.id)
        return entry
    }

    /// Deletes a custom route by id, or by table + destination (+ next hop).
    public mutating func deleteRouteEntry(
        id: String?,
        routeTableId: String?,
        destination: String?,
        nextHopId: String?,
        region: String?
    ) throws(ControlPlaneError) {
        if let vbr = (id.flatMap { routeEntries[$0]?.routeTableId } ?? routeTableId).flatMap(vbr(routeTable:)) {
            return try deleteVBRRouteEntry(vbr, id: id, destination: destination, nextHopId: nextHopId)
        }
        let entry: RouteEntry
        if let id {
            guard let found = routeEntries[id] else {
                if let vSwitch = vSwitches.values.first(where: { $0.systemRouteEntryId == id }) {
                    throw .invalid(
                        "OperationDenied.SystemRoute",
                        "The route entry '\(id)' is the system route of vSwitch '\(vSwitch.id)' and cannot be deleted."
                    )
                }
                throw .notFound("InvalidRouteEntryId.NotFound", "The specified route entry '\(id)' does not exist.")
            }
            entry = found
            _ = try vpc(routeTable: entry.routeTableId, region: region)
        } else {
            guard let routeTableId else {
                throw .invalid("MissingRouteTableId", "RouteTableId is mandatory when RouteEntryId is not given.")
            }
            guard let destination else {
                throw .invalid(
                    "MissingDestinationCidrBlock",
                    "DestinationCidrBlock is mandatory when RouteEntryId is not given."
                )
            }
            let vpc = try vpc(routeTable: routeTableId, region: region)
            entry = try customRoute(
                in: vpc.routeTableId,
                to: destination,
                via: nextHopId,
                table: "'\(routeTableId)'"
            )
        }
        routeEntries[entry.id] = nil
        touch(entry.id)
        // A deleted route is no longer advertised to the CEN either (reference §8.3).
        if let vpc = try? vpc(routeTable: entry.routeTableId) {
            for id in cens.keys {
                cens[id]?.publishedRoutes.removeAll { $0 == CENRoute(vpcId: vpc.id, destination: entry.destination) }
                touch(id)
            }
        }
    }
}
