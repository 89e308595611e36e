import Foundation
public import IPAddressing

/// Initiator specs and their bandwidth in Mbit/s (reference §6 CreateRouterInterface).
public let routerInterfaceSpecs: [String: Int] = [
    "Mini.2": 2, "Mini.5": 5, "Small.1": 10, "Small.2": 20, "Small.5": 50, "Middle.1": 100, "Middle.2": 200,
    "Middle.5": 500, "Large.1": 1000, "Large.2": 2000, "Large.5": 5000, "Xlarge.1": 10000,
]

extension CloudState {
    // MARK: Look-ups

    public func routerInterface(_ id: String, region: String? = nil) throws(ControlPlaneError) -> RouterInterface {
        try lookup(routerInterfaces, id, region: region, code: "InvalidRouterInterfaceId.NotFound", noun: "router interface")
    }

    public func vbr(_ id: String, region: String? = nil) throws(ControlPlaneError) -> VirtualBorderRouter {
        try lookup(vbrs, id, region: region, code: "InvalidVbrId.NotFound", noun: "VBR")
    }

    /// The VBR whose route table is `routeTableId`, `nil` when it is not a VBR table.
    public func vbr(routeTable routeTableId: String) -> VirtualBorderRouter? {
        vbrs.owner(of: routeTableId)
    }

    /// The VPC whose vRouter is `routerId`, `nil` when it is not a vRouter.
    public func vpc(router routerId: String) -> VPC? {
        vpcs.owner(of: routerId).flatMap { $0.vRouterId == routerId ? $0 : nil }
    }

    /// The region of a router (`vrt-…` of a VPC, or `vbr-…`), `nil` when it does not exist.
    func region(ofRouter type: String, _ id: String) -> String? {
        switch type {
        case "VRouter": vpc(router: id)?.regionId
        case "VBR": vbrs[id]?.regionId
        default: nil
        }
    }

    public func routerInterfaces(on routerId: String) -> [RouterInterface] {
        ordered(routerInterfaces.filter { $0.value.routerId == routerId })
    }

    /// Custom routes (VPC or VBR tables) whose next hop is the interface.
    public func routes(via interfaceId: String) -> [RouteEntry] {
        ordered(routeEntries.filter { $0.value.nextHopType == "RouterInterface" && $0.value.nextHopId == interfaceId })
    }

    // MARK: Router interfaces

    public struct CreateRouterInterface: Sendable {
        public var regionId: String
        public var routerType: String
        public var routerId: String
        public var role: String
        public var spec: String
        public var oppositeRegionId: String
        public var oppositeRouterType: String?
        public var oppositeRouterId: String?
        public var oppositeInterfaceId: String?
        public var oppositeInterfaceOwnerId: String?
        public var accessPointId: String?
        public var oppositeAccessPointId: String?
        public var healthCheckSourceIp: String?
        public var healthCheckTargetIp: String?
        public var name: String?
        public var description: String?
        public var chargeType: String?

        public init(
            regionId: String,
            routerType: String,
            routerId: String,
            role: String,
            spec: String,
            oppositeRegionId: String,
            oppositeRouterType: String? = nil,
            oppositeRouterId: String? = nil,
            oppositeInterfaceId: String? = nil,
            oppositeInterfaceOwnerId: String? = nil,
            accessPointId: String? = nil,
            oppositeAccessPointId: String? = nil,
            healthCheckSourceIp: String? = nil,
            healthCheckTargetIp: String? = nil,
            name: String? = nil,
            description: String? = nil,
            chargeType: String? = nil
        ) {
            self.regionId = regionId
            self.routerType = routerType
            self.routerId = routerId
            self.role = role
            self.spec = spec
            self.oppositeRegionId = oppositeRegionId
            self.oppositeRouterType = oppositeRouterType
            self.oppositeRouterId = oppositeRouterId
            self.oppositeInterfaceId = oppositeInterfaceId
            self.oppositeInterfaceOwnerId = oppositeInterfaceOwnerId
            self.accessPointId = accessPointId
            self.oppositeAccessPointId = oppositeAccessPointId
            self.healthCheckSourceIp = healthCheckSourceIp
            self.healthCheckTargetIp = healthCheckTargetIp
            self.name = name
            self.description = description
            self.chargeType = chargeType
        }
    }

    static func routerType(_ text: String, parameter: String) throws(ControlPlaneError) -> String {
        guard text == "VRouter" || text == "VBR" else {
            throw .invalid(
                "InvalidParameter",
                "The specified \(parameter) '\(text)' is not valid; allowed: VRouter, VBR."
            )
        }
        return text
    }

    static func healthCheckIP(_ text: String?, parameter: String) throws(ControlPlaneError) -> String? {
        guard let text else { return nil }
        guard IPv4Address(text) != nil else {
            throw .invalid(
                "InvalidIpAddress.WrongFormat",
                "The specified \(parameter) '\(text)' is not an IPv4 address."
            )
        }
        return text
    }

    /// Creates one end of a router interface pair in state `Idle` (reference §6 rules: an interface on a VBR is
    /// the initiator; at most `routerInterfacesPerRouter` per router).
    public mutating func createRouterInterface(
        _ request: CreateRouterInterface,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> RouterInterface {
        let type = try Self.routerType(request.routerType, parameter: "RouterType")
        guard let routerRegion = region(ofRouter: type, request.routerId), routerRegion == request.regionId else {
            throw .notFound(
                "InvalidRouterId.NotFound",
                "The specified RouterId '\(request.routerId)' is not a \(type == "VBR" ? "VBR" : "VPC vRouter") in region \(request.regionId)."
            )
        }
        guard request.role == "InitiatingSide" || request.role == "AcceptingSide" else {
            throw .invalid(
                "InvalidRole",
                "The specified Role '\(request.role)' is not valid; allowed: InitiatingSide, AcceptingSide."
            )
        }
        if type == "VBR", request.role != "InitiatingSide" {
            throw .invalid(
                "InvalidRole",
                "A router interface on VBR '\(request.routerId)' must be the initiator (Role=InitiatingSide)."
            )
        }
        if request.role == "InitiatingSide" {
            guard routerInterfaceSpecs[request.spec] != nil else {
                throw .invalid(
                    "InvalidSpec",
                    "The specified Spec '\(request.spec)' is not valid for an initiator; allowed: \(routerInterfaceSpecs.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", "))."
                )
            }
        } else if request.spec != "Negative" {
            throw .invalid(
                "InvalidSpec",
                "The specified Spec '\(request.spec)' is not valid for an acceptor; an AcceptingSide interface has Spec=Negative."
            )
        }
        let oppositeType = try request.oppositeRouterType.map { text throws(ControlPlaneError) in
            try Self.routerType(text, parameter: "OppositeRouterType")
        }
        let charge = request.chargeType ?? "PostPaid"
        guard charge == "PostPaid" || charge == "PrePaid" else {
            throw .invalid(
                "InvalidParameter",
                "The specified InstanceChargeType '\(charge)' is not valid; allowed: PostPaid, PrePaid."
            )
        }
        let existing = routerInterfaces(on: request.routerId)
        guard existing.count < context.quotas.routerInterfacesPerRouter else {
            throw .invalid(
                "QuotaExceeded.RouterInterface",
                "The router '\(request.routerId)' already has \(existing.count) router interfaces, its quota of \(context.quotas.routerInterfacesPerRouter)."
            )
        }
        let ri = RouterInterface(
            id: context.makeID("ri-"),
            regionId: request.regionId,
            routerType: type,
            routerId: request.routerId,
            role: request.role,
            spec: request.spec,
            oppositeRegionId: request.oppositeRegionId,
            oppositeRouterType: oppositeType ?? "",
            oppositeRouterId: request.oppositeRouterId ?? "",
            oppositeInterfaceId: request.oppositeInterfaceId ?? "",
            oppositeInterfaceOwnerId: request.oppositeInterfaceOwnerId ?? "",
            accessPointId: request.accessPointId ?? "",
            oppositeAccessPointId: request.oppositeAccessPointId ?? "",
            healthCheckSourceIp: try Self.healthCheckIP(request.healthCheckSourceIp, parameter: "HealthCheckSourceIp")
                ?? "",
            healthCheckTargetIp: try Self.healthCheckIP(request.healthCheckTargetIp, parameter: "HealthCheckTargetIp")
                ?? "",
            hcRate: 0,
            hcThreshold: 0,
            name: try Check.name(request.name, parameter: "Name", code: "InvalidName"),
            description: try Check.description(request.description),
            chargeType: charge,
            creationTime: context.now,
            connectedTime: nil,
            status: "Idle",
            businessStatus: "Normal"
        )
        routerInterfaces[ri.id] = ri
        remember(ri.id)
        return ri
    }

    public struct ModifyRouterInterface: Sendable {
        public var oppositeInterfaceId: String?
        public var oppositeRouterId: String?
        public var oppositeRouterType: String?
        public var oppositeInterfaceOwnerId: String?
        public var name: String?
        public var description: String?
        public var healthCheckSourceIp: String?
        public var healthCheckTargetIp: String?
        public var hcRate: Int?
        public var hcThreshold: Int?
        public var deleteHealthCheckIp: Bool

        public init(
            oppositeInterfaceId: String? = nil,
            oppositeRouterId: String? = nil,
            oppositeRouterType: String? = nil,
            oppositeInterfaceOwnerId: String? = nil,
            name: String? = nil,
            description: String? = nil,
            healthCheckSourceIp: String? = nil,
            healthCheckTargetIp: String? = nil,
            hcRate: Int? = nil,
            hcThreshold: Int? = nil,
            deleteHealthCheckIp: Bool = false
        ) {
            self.oppositeInterfaceId = oppositeInterfaceId
            self.oppositeRouterId = oppositeRouterId
            self.oppositeRouterType = oppositeRouterType
            self.oppositeInterfaceOwnerId = oppositeInterfaceOwnerId
            self.name = name
            self.description = description
            self.healthCheckSourceIp = healthCheckSourceIp
            self.healthCheckTargetIp = healthCheckTargetIp
            self.hcRate = hcRate
            self.hcThreshold = hcThreshold
            self.deleteHealthCheckIp = deleteHealthCheckIp
        }
    }

    /// Fills in the peer information (only while `Idle`), the name, description and health check.
    public mutating func modifyRouterInterface(
        _ id: String,
        region: String,
        _ request: ModifyRouterInterface
    ) throws(ControlPlaneError) -> RouterInterface {
        var ri = try routerInterface(id, region: region)
        let changesPeer =
            request.oppositeInterfaceId != nil || request.oppositeRouterId != nil
            || request.oppositeRouterType != nil || request.oppositeInterfaceOwnerId != nil
        if changesPeer, ri.status != "Idle" {
            throw .invalid(
                "IncorrectRIStatus",
                "The opposite of router interface '\(id)' can be changed only when it's status is Idle; it is \(ri.status)."
            )
        }
        if let type = request.oppositeRouterType {
            ri.oppositeRouterType = try Self.routerType(type, parameter: "OppositeRouterType")
        }
        if let value = request.oppositeInterfaceId { ri.oppositeInterfaceId = value }
        if let value = request.oppositeRouterId { ri.oppositeRouterId = value }
        if let value = request.oppositeInterfaceOwnerId { ri.oppositeInterfaceOwnerId = value }
        if request.name != nil { ri.name = try Check.name(request.name, parameter: "Name", code: "InvalidName") }
        if request.description != nil { ri.description = try Check.description(request.description) }
        if request.deleteHealthCheckIp {
            ri.healthCheckSourceIp = ""
            ri.healthCheckTargetIp = ""
        }
        if let ip = try Self.healthCheckIP(request.healthCheckSourceIp, parameter: "HealthCheckSourceIp") {
            ri.healthCheckSourceIp = ip
        }
        if let ip = try Self.healthCheckIP(request.healthCheckTargetIp, parameter: "HealthCheckTargetIp") {
            ri.healthCheckTargetIp = ip
        }
        if let rate = request.hcRate { ri.hcRate = rate }
        if let threshold = request.hcThreshold { ri.hcThreshold = threshold }
        routerInterfaces[ri.id] = ri
        touch(ri.id)
        return ri
    }

    /// Connects an initiator to its acceptor; both become `Active` (reference §6 ConnectRouterInterface).
    ///
    /// The handshake states (`Connecting`, `AcceptingConnecting`) are not observable: the change is applied at
    /// once. The owner fields default to the caller's account, as in the official same-account sample.
    public mutating func connectRouterInterface(
        _ id: String,
        region: String,
        _ context: MutationContext
    ) throws(ControlPlaneError) {
        let ri = try routerInterface(id, region: region)
        guard ri.isInitiator else {
            throw .invalid(
                "IncorrectRole.NotInitiatingSide",
                "The router interface '\(id)' is the AcceptingSide; connect from the InitiatingSide interface."
            )
        }
        guard ri.status == "Idle" else {
            throw .invalid(
                "IncorrectRIStatus",
                "The router interface '\(id)' can be connected only when it's status is Idle; it is \(ri.status)."
            )
        }
        guard !ri.oppositeInterfaceId.isEmpty, !ri.oppositeRouterId.isEmpty else {
            throw .invalid(
                "IncorrectOppositeInterfaceInfo.NotSet",
                "OppositeInterfaceId/OppositeRouterId/OppositeRouterType/OppositeInterfaceOwnerId must be all set on router interface '\(id)' before connecting (ModifyRouterInterfaceAttribute)."
            )
        }
        if ri.oppositeRouterId == ri.routerId {
            throw .invalid(
                "IncorrectOppositeInterfaceInfo",
                "Cannot connect on the same router: router interface '\(id)' and its opposite are both on '\(ri.routerId)'."
            )
        }
        guard let opposite = routerInterfaces[ri.oppositeInterfaceId] else {
            throw .notFound(
                "InvalidOppositeInterfaceId.NotFound",
                "The opposite router interface '\(ri.oppositeInterfaceId)' of '\(id)' does not exist."
            )
        }
        let oppositeType = ri.oppositeRouterType.isEmpty ? "VRouter" : ri.oppositeRouterType
        var mismatch: [String] = []
        if opposite.routerId != ri.oppositeRouterId || opposite.routerType != oppositeType {
            mismatch.append(
                "'\(opposite.id)' sits on \(opposite.routerType) '\(opposite.routerId)', not \(oppositeType) '\(ri.oppositeRouterId)'"
            )
        }
        if opposite.regionId != ri.oppositeRegionId {
            mismatch.append("'\(opposite.id)' is in \(opposite.regionId), not OppositeRegionId \(ri.oppositeRegionId)")
        }
        if opposite.isInitiator { mismatch.append("'\(opposite.id)' is an InitiatingSide interface too") }
        if opposite.oppositeInterfaceId != ri.id || opposite.oppositeRouterId != ri.routerId {
            mismatch.append(
                "'\(opposite.id)' names \(opposite.oppositeInterfaceId.isEmpty ? "no opposite" : "'\(opposite.oppositeInterfaceId)' on '\(opposite.oppositeRouterId)'") instead of '\(ri.id)' on '\(ri.routerId)'"
            )
        }
        if opposite.oppositeRegionId != ri.regionId {
            mismatch.append("'\(opposite.id)' has OppositeRegionId \(opposite.oppositeRegionId), not \(ri.regionId)")
        }
        guard mismatch.isEmpty else {
            throw .invalid(
                "IncorrectOppositeInterfaceInfo",
                "The router interfaces '\(ri.id)' and '\(opposite.id)' are not each other's opposite: \(mismatch.joined(separator: "; "))."
            )
        }
        guard opposite.status == "Idle" else {
            throw .invalid(
                "IncorrectRIStatus",
                "The opposite router interface '\(opposite.id)' can be connected only when it's status is Idle; it is \(opposite.status)."
            )
        }
        let pair = Set([ri.routerId, opposite.routerId])
        if let other = ordered(routerInterfaces).first(where: { other in
            other.isInitiator && other.id != ri.id && other.connectedTime != nil
                && Set([other.routerId, other.oppositeRouterId]) == pair
        }) {
            throw .invalid(
                "Forbidden.OnlyOneConnection",
                "The routers '\(ri.routerId)' and '\(opposite.routerId)' are already connected by router interface '\(other.id)'; only one connected pair is allowed between two routers."
            )
        }
        for end in [ri.id, opposite.id] {
            routerInterfaces[end]?.status = "Active"
            routerInterfaces[end]?.connectedTime = context.now
            touch(end)
        }
    }

    /// `Inactive` → `Active`.
    public mutating func activateRouterInterface(_ id: String, region: String) throws(ControlPlaneError) {
        let ri = try routerInterface(id, region: region)
        guard ri.status == "Inactive" else {
            throw .invalid(
                "IncorrectRIStatus",
                "The router interface '\(id)' can be activated only when it's status is Inactive; it is \(ri.status)."
            )
        }
        routerInterfaces[id]?.status = "Active"
        touch(id)
    }

    /// `Active` → `Inactive`: the interface stops carrying traffic, its routes stay.
    public mutating func deactivateRouterInterface(_ id: String, region: String) throws(ControlPlaneError) {
        let ri = try routerInterface(id, region: region)
        guard ri.status == "Active" else {
            throw .invalid(
                "IncorrectRIStatus",
                "The router interface '\(id)' can be deactivated only when it's status is Active; it is \(ri.status)."
            )
        }
        routerInterfaces[id]?.status = "Inactive"
        touch(id)
    }

    /// Deletes an `Idle` or `Inactive` interface that no route points to.
    public mutating func deleteRouterInterface(_ id: String, region: String) throws(ControlPlaneError) {
        let ri = try routerInterface(id, region: region)
        guard ri.status == "Idle" || ri.status == "Inactive" else {
            throw .invalid(
                "IncorrectRIStatus",
                "The router interface '\(id)' can be deleted only when it's status is Idle or Inactive; it is \(ri.status) (DeactivateRouterInterface first)."
            )
        }
        if let route = routes(via: id).first {
            throw .invalid(
                "DependencyViolation.RouteEntry",
                "The route entry \(route.destination) ('\(route.id)') in route table '\(route.routeTableId)' points to router interface '\(id)'; delete it first."
            )
        }
        routerInterfaces[id] = nil
        touch(id)
    }

    // MARK: VBR

    public struct CreateVBR: Sendable {
        public var regionId: String
        public var physicalConnectionId: String
        public var vlanId: Int
        public var localGatewayIp: String?
        public var peerGatewayIp: String?
        public var peeringSubnetMask: String?
        public var name: String?
        public var description: String?
        public var bandwidth: Int?
        public var circuitCode: String?

        public init(
            regionId: String,
            physicalConnectionId: String,
            vlanId: Int,
            localGatewayIp: String? = nil,
            peerGatewayIp: String? = nil,
            peeringSubnetMask: String? = nil,
            name: String? = nil,
            description: String? = nil,
            bandwidth: Int? = nil,
            circuitCode: String? = nil
        ) {
            self.regionId = regionId
            self.physicalConnectionId = physicalConnectionId
            self.vlanId = vlanId
            self.localGatewayIp = localGatewayIp
            self.peerGatewayIp = peerGatewayIp
            self.peeringSubnetMask = peeringSubnetMask
            self.name = name
            self.description = description
            self.bandwidth = bandwidth
            self.circuitCode = circuitCode
        }
    }

    static func gatewayIP(_ text: String?, parameter: String) throws(ControlPlaneError) -> IPv4Address? {
        guard let text else { return nil }
        guard let address = IPv4Address(text) else {
            throw .invalid(
                "InvalidIpAddress.WrongFormat",
                "The specified \(parameter) '\(text)' is not an IPv4 address."
            )
        }
        return address
    }

    static func subnetMask(_ text: String?) throws(ControlPlaneError) -> String? {
        guard let text else { return nil }
        guard let mask = IPv4Address(text), (~mask.rawValue &+ 1) & ~mask.rawValue == 0 else {
            throw .invalid(
                "InvalidPeeringSubnetMask.Malformed",
                "The specified PeeringSubnetMask '\(text)' is not a subnet mask such as 255.255.255.252."
            )
        }
        return text
    }

    /// Checks that the two gateway addresses lie in one peering subnet.
    static func checkPeering(_ local: IPv4Address?, _ peer: IPv4Address?, mask: String?) throws(ControlPlaneError) {
        guard let local, let peer, let mask, let bits = IPv4Address(mask) else { return }
        if local == peer || local.rawValue & bits.rawValue != peer.rawValue & bits.rawValue {
            throw .invalid(
                "InvalidIpAddress.NotInSameSubnet",
                "LocalGatewayIp \(local) and PeerGatewayIp \(peer) must be two different addresses of one peering subnet (mask \(mask))."
            )
        }
    }

    /// Creates a VBR with its own route table on a physical connection (reference §6). Physical connections are
    /// not modelled: any `pc-…` id is accepted; the VLAN must be unique on it.
    public mutating func createVBR(
        _ request: CreateVBR,
        _ context: MutationContext
    ) throws(ControlPlaneError)
        -> VirtualBorderRouter
    {
        guard request.physicalConnectionId.hasPrefix("pc-"), request.physicalConnectionId.count > 3 else {
            throw .notFound(
                "InvalidPhysicalConnectionId.NotFound",
                "The specified PhysicalConnectionId '\(request.physicalConnectionId)' is not a physical connection id (pc-…)."
            )
        }
        guard (0...2999).contains(request.vlanId) else {
            throw .invalid(
                "InvalidVlanId",
                "The specified VlanId '\(request.vlanId)' is not valid; allowed: 0 to 2999."
            )
        }
        if let other = ordered(vbrs).first(where: {
            $0.physicalConnectionId == request.physicalConnectionId && $0.vlanId == request.vlanId
        }) {
            throw .invalid(
                "InvalidVlanId.Used",
                "The VlanId \(request.vlanId) is already used by VBR '\(other.id)' on physical connection '\(request.physicalConnectionId)'."
            )
        }
        if let bandwidth = request.bandwidth, !(50...102400).contains(bandwidth) {
            throw .invalid(
                "InvalidBandwidth",
                "The specified Bandwidth '\(bandwidth)' is not valid; allowed: 50 to 102400 Mbit/s."
            )
        }
        let local = try Self.gatewayIP(request.localGatewayIp, parameter: "LocalGatewayIp")
        let peer = try Self.gatewayIP(request.peerGatewayIp, parameter: "PeerGatewayIp")
        let mask = try Self.subnetMask(request.peeringSubnetMask)
        try Self.checkPeering(local, peer, mask: mask)
        let vbr = VirtualBorderRouter(
            id: context.makeID("vbr-"),
            regionId: request.regionId,
            physicalConnectionId: request.physicalConnectionId,
            vlanId: request.vlanId,
            localGatewayIp: local,
            peerGatewayIp: peer,
            peeringSubnetMask: mask ?? "",
            name: try Check.name(request.name, parameter: "Name", code: "InvalidName"),
            description: try Check.description(request.description),
            bandwidth: request.bandwidth,
            circuitCode: request.circuitCode ?? "",
            routeTableId: context.makeID("vtb-"),
            creationTime: context.now,
            status: "active"
        )
        vbrs[vbr.id] = vbr
        remember(vbr.id)
        remember(vbr.routeTableId)
        return vbr
    }

    public struct ModifyVBR: Sendable {
        public var vlanId: Int?
        public var localGatewayIp: String?
        public var peerGatewayIp: String?
        public var peeringSubnetMask: String?
        public var name: String?
        public var description: String?
        public var bandwidth: Int?
        public var circuitCode: String?

        public init(
            vlanId: Int? = nil,
            localGatewayIp: String? = nil,
            peerGatewayIp: String? = nil,
            peeringSubnetMask: String? = nil,
            name: String? = nil,
            description: String? = nil,
            bandwidth: Int? = nil,
            circuitCode: String? = nil
        ) {
            self.vlanId = vlanId
            self.localGatewayIp = localGatewayIp
            self.peerGatewayIp = peerGatewayIp
            self.peeringSubnetMask = peeringSubnetMask
            self.name = name
            self.description = description
            self.bandwidth = bandwidth
            self.circuitCode = circuitCode
        }
    }

    public mutating func modifyVBR(_ id: String, region: String, _ request: ModifyVBR) throws(ControlPlaneError) {
        var vbr = try vbr(id, region: region)
        if let vlan = request.vlanId {
            guard (0...2999).contains(vlan) else {
                throw .invalid("InvalidVlanId", "The specified VlanId '\(vlan)' is not valid; allowed: 0 to 2999.")
            }
            if let other = ordered(vbrs).first(where: {
                $0.id != id && $0.physicalConnectionId == vbr.physicalConnectionId && $0.vlanId == vlan
            }) {
                throw .invalid(
                    "InvalidVlanId.Used",
                    "The VlanId \(vlan) is already used by VBR '\(other.id)' on physical connection '\(vbr.physicalConnectionId)'."
                )
            }
            vbr.vlanId = vlan
        }
        if let ip = try Self.gatewayIP(request.localGatewayIp, parameter: "LocalGatewayIp") { vbr.localGatewayIp = ip }
        if let ip = try Self.gatewayIP(request.peerGatewayIp, parameter: "PeerGatewayIp") { vbr.peerGatewayIp = ip }
        if let mask = try Self.subnetMask(request.peeringSubnetMask) { vbr.peeringSubnetMask = mask }
        try Self.checkPeering(
            vbr.localGatewayIp,
            vbr.peerGatewayIp,
            mask: vbr.peeringSubnetMask.isEmpty ? nil : vbr.peeringSubnetMask
        )
        if let bandwidth = request.bandwidth {
            guard (50...102400).contains(bandwidth) else {
                throw .invalid(
                    "InvalidBandwidth",
                    "The specified Bandwidth '\(bandwidth)' is not valid; allowed: 50 to 102400 Mbit/s."
                )
            }
            vbr.bandwidth = bandwidth
        }
        if request.name != nil { vbr.name = try Check.name(request.name, parameter: "Name", code: "InvalidName") }
        if request.description != nil { vbr.description = try Check.description(request.description) }
        if let code = request.circuitCode { vbr.circuitCode = code }
        vbrs[id] = vbr
        touch(id)
    }

    /// Deletes a VBR that has no router interfaces, no routes and no CEN attachment.
    public mutating func deleteVBR(_ id: String, region: String) throws(ControlPlaneError) {
        let vbr = try vbr(id, region: region)
        if let ri = routerInterfaces(on: id).first {
            throw .invalid(
                "DependencyViolation.RouterInterface",
                "The VBR '\(id)' still has router interface '\(ri.id)'; delete it first."
            )
        }
        if let route = customRoutes(in: vbr.routeTableId).first {
            throw .invalid(
                "DependencyViolation.RouteEntry",
                "The VBR '\(id)' still has route entry \(route.destination) ('\(route.id)'); delete it first."
            )
        }
        if let attachment = cenAttachments["cenattach-" + id] {
            throw .invalid(
                "DependencyViolation.Cen",
                "The VBR '\(id)' is attached to CEN '\(attachment.cenId)'; detach it first (DetachCenChildInstance)."
            )
        }
        vbrs[id] = nil
        touch(id)
    }

    // MARK: Routes in a VBR's table

    /// Adds a custom route to a VBR's table: the next hop is a router interface of that VBR, no ECMP, the VBR
    /// must be active (reference §4 "VBR table variant").
    mutating func createVBRRouteEntry(
        _ vbr: VirtualBorderRouter,
        _ request: CreateRouteEntry,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> RouteEntry {
        if let region = request.regionId, region != vbr.regionId {
            throw .notFound(
                "InvalidRouteTableId.NotFound",
                "The specified route table '\(vbr.routeTableId)' does not exist in region \(region)."
            )
        }
        guard vbr.status == "active" else {
            throw .invalid(
                "IncorrectVbrStatus",
                "The VBR '\(vbr.id)' is \(vbr.status); routes can be added only while it is active."
            )
        }
        var text = request.destinationCidrBlock
        if !text.contains("/") { text += "/32" }
        let destination = try Check.prefix(text, parameter: "DestinationCidrBlock")
        let table = customRoutes(in: vbr.routeTableId)
        if let same = table.first(where: { $0.destination == destination }) {
            throw .invalid(
                "InvalidCIDRBlock.Duplicate",
                "The route table '\(vbr.routeTableId)' already has a route to \(destination) ('\(same.id)')."
            )
        }
        let type = request.nextHopType ?? "RouterInterface"
        guard type == "RouterInterface" else {
            throw .invalid(
                "InvalidNextHopType",
                "The specified NextHopType '\(type)' is not valid in the route table of VBR '\(vbr.id)'; allowed: RouterInterface."
            )
        }
        guard let hop = request.nextHopId, !hop.isEmpty else { throw Self.bothNextHopsNull(type) }
        guard let ri = routerInterfaces[hop], ri.routerType == "VBR", ri.routerId == vbr.id else {
            throw .notFound(
                "InvalidNextHopId.NotFound",
                "The specified NextHopId '\(hop)' is not a router interface of VBR '\(vbr.id)'."
            )
        }
        guard table.count < context.quotas.customRouteEntriesPerTable else {
            throw .invalid(
                "QuotaExceeded",
                "The custom route entry quota of route table '\(vbr.routeTableId)' is used up: \(table.count) of \(context.quotas.customRouteEntriesPerTable)."
            )
        }
        let entry = RouteEntry(
            id: context.makeID("rte-"),
            routeTableId: vbr.routeTableId,
            destination: destination,
            nextHopType: type,
            nextHopId: ri.id,
            name: try Check.name(request.name, parameter: "RouteEntryName", code: "InvalidRouteEntryName.Malformed"),
            description: try Check.description(request.description),
            creationTime: context.now
        )
        routeEntries[entry.id] = entry
        remember(entry.id)
        return entry
    }

    /// The check of a `RouterInterface` next hop in a VPC table: an interface on the VPC's own vRouter.
    func checkRouterInterfaceNextHop(_ hop: String, of vpc: VPC) throws(ControlPlaneError) {
        guard let ri = routerInterfaces[hop], ri.routerType == "VRouter", ri.routerId == vpc.vRouterId else {
            throw .notFound(
                "InvalidNextHopId.NotFound",
                "The specified NextHopId '\(hop)' is not a router interface of VPC '\(vpc.id)' (vRouter '\(vpc.vRouterId)')."
            )
        }
    }

    /// Deletes a custom route of a VBR's table, by id or by destination (+ next hop).
    mutating func deleteVBRRouteEntry(
        _ vbr: VirtualBorderRouter,
        id: String?,
        destination: String?,
        nextHopId: String?
    ) throws(ControlPlaneError) {
        let entry: RouteEntry
        if let id, let found = routeEntries[id], found.routeTableId == vbr.routeTableId {
            entry = found
        } else {
            guard let destination else {
                throw .invalid(
                    "MissingDestinationCidrBlock",
                    "DestinationCidrBlock is mandatory when RouteEntryId is not given."
                )
            }
            entry = try customRoute(
                in: vbr.routeTableId,
                to: destination,
                via: nextHopId,
                table: "'\(vbr.routeTableId)' of VBR '\(vbr.id)'"
            )
        }
        routeEntries[entry.id] = nil
        touch(entry.id)
    }
}
