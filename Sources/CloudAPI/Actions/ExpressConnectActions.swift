import ControlPlane
import Foundation
import IPAddressing

/// Express Connect: router interfaces and VBRs with their route tables (reference §6).
enum ExpressConnectActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        routerInterfaceActions(cp) + vbrActions(cp)
    }

    /// Parses `Filter.N.Key` / `Filter.N.Value.M`: OR within a key, AND across keys, at most `maxKeys` keys.
    static func filters(
        _ input: ActionInput,
        allowed: [String],
        maxKeys: Int = 5
    ) throws(APIError) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        let list = try input.structures("Filter")
        guard list.count <= maxKeys else {
            throw .invalid("Filter.N.Key", "\(list.count) keys", allowed: "at most \(maxKeys) filter keys")
        }
        for filter in list {
            let key = filter.nonEmpty("Key") ?? ""
            guard allowed.contains(key) else {
                throw .invalid("Filter.N.Key", key, allowed: allowed.joined(separator: ", "))
            }
            result[key, default: []].formUnion(try filter.list("Value"))
        }
        return result
    }

    static func matches(_ filters: [String: Set<String>], _ fields: [String: String]) -> Bool {
        filters.allSatisfy { key, values in values.isEmpty || values.contains(fields[key] ?? "") }
    }

    // MARK: Router interfaces

    static func routerInterfaceActions(_ cp: ControlPlane) -> [any Action] {
        func transition(
            _ name: String,
            _ body:
                @escaping @Sendable (inout CloudState, String, String, MutationContext) throws(ControlPlaneError) ->
                Void
        ) -> any Action {
            ClosureAction(name, product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("RouterInterfaceId")
                try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try body(&state, id, region, context)
                }
                return [:]
            }
        }
        return [
            ClosureAction("CreateRouterInterface", product: .vpc) { input throws(APIError) in
                let request = CloudState.CreateRouterInterface(
                    regionId: try input.regionId(),
                    routerType: try input.required("RouterType"),
                    routerId: try input.required("RouterId"),
                    role: try input.required("Role"),
                    spec: try input.required("Spec"),
                    oppositeRegionId: try input.required("OppositeRegionId"),
                    oppositeRouterType: input.string("OppositeRouterType"),
                    oppositeRouterId: input.string("OppositeRouterId"),
                    oppositeInterfaceId: input.string("OppositeInterfaceId"),
                    oppositeInterfaceOwnerId: input.string("OppositeInterfaceOwnerId"),
                    accessPointId: input.string("AccessPointId"),
                    oppositeAccessPointId: input.string("OppositeAccessPointId"),
                    healthCheckSourceIp: input.string("HealthCheckSourceIp"),
                    healthCheckTargetIp: input.string("HealthCheckTargetIp"),
                    name: input.string("Name"),
                    description: input.string("Description"),
                    chargeType: input.string("InstanceChargeType")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createRouterInterface(request, context)
                } respond: { ri in
                    ["RouterInterfaceId": .string(ri.id), "OrderId": .integer(orderId(ri.id))]
                }
            },
            ClosureAction("ModifyRouterInterfaceAttribute", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("RouterInterfaceId")
                let request = CloudState.ModifyRouterInterface(
                    oppositeInterfaceId: input.string("OppositeInterfaceId"),
                    oppositeRouterId: input.string("OppositeRouterId"),
                    oppositeRouterType: input.string("OppositeRouterType"),
                    oppositeInterfaceOwnerId: input.string("OppositeInterfaceOwnerId"),
                    name: input.string("Name"),
                    description: input.string("Description"),
                    healthCheckSourceIp: input.string("HealthCheckSourceIp"),
                    healthCheckTargetIp: input.string("HealthCheckTargetIp"),
                    hcRate: try input.int("HcRate", in: 100...10_000),
                    hcThreshold: try input.int("HcThreshold", in: 1...100),
                    deleteHealthCheckIp: try input.bool("DeleteHealthCheckIp", default: false)
                )
                _ = try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.modifyRouterInterface(id, region: region, request)
                }
                return [:]
            },
            transition("ConnectRouterInterface") { state, id, region, context throws(ControlPlaneError) in
                try state.connectRouterInterface(id, region: region, context)
            },
            transition("ActivateRouterInterface") { state, id, region, _ throws(ControlPlaneError) in
                try state.activateRouterInterface(id, region: region)
            },
            transition("DeactivateRouterInterface") { state, id, region, _ throws(ControlPlaneError) in
                try state.deactivateRouterInterface(id, region: region)
            },
            transition("DeleteRouterInterface") { state, id, region, _ throws(ControlPlaneError) in
                try state.deleteRouterInterface(id, region: region)
            },
            ClosureAction("DescribeRouterInterfaces", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let filters = try filters(
                    input,
                    allowed: [
                        "RouterInterfaceId", "RouterId", "RouterType", "RouterInterfaceOwnerId", "OppositeInterfaceId",
                        "OppositeRouterType", "OppositeRouterId", "OppositeInterfaceOwnerId", "Status", "Name",
                    ]
                )
                let paging = try input.paging()
                let owner = input.accessKeyId
                return try await read(cp) { state in
                    let (total, list) = paging.page(of: state.routerInterfaces, in: state) { ri in
                        ri.regionId == region
                            && matches(
                                filters,
                                [
                                    "RouterInterfaceId": ri.id, "RouterId": ri.routerId, "RouterType": ri.routerType,
                                    "RouterInterfaceOwnerId": owner, "OppositeInterfaceId": ri.oppositeInterfaceId,
                                    "OppositeRouterType": ri.oppositeRouterType,
                                    "OppositeRouterId": ri.oppositeRouterId,
                                    "OppositeInterfaceOwnerId": ri.oppositeInterfaceOwnerId, "Status": ri.status,
                                    "Name": ri.name,
                                ]
                            )
                    }
                    var body = APIObject(paging.fields(total: total))
                    body["RouterInterfaceSet"] = .wrapped(
                        "RouterInterfaceType",
                        list.map { routerInterfaceObject($0, state) }
                    )
                    return body
                }
            },
        ]
    }

    /// A stable numeric order id derived from the resource id (there are no orders to look up).
    static func orderId(_ id: String) -> Int64 {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return Int64(hash % 900_000_000_000) + 100_000_000_000
    }

    static func routerInterfaceObject(_ ri: RouterInterface, _ state: CloudState) -> APIValue {
        let opposite = state.routerInterfaces[ri.oppositeInterfaceId]
        func vpcId(_ type: String, _ router: String) -> String {
            type == "VRouter" ? state.vpc(router: router)?.id ?? "" : ""
        }
        func bandwidth(_ spec: String) -> Int { routerInterfaceSpecs[spec] ?? 0 }
        return [
            "RouterInterfaceId": .string(ri.id), "RouterId": .string(ri.routerId), "RouterType": .string(ri.routerType),
            "Role": .string(ri.role), "Spec": .string(ri.spec), "Bandwidth": .int(bandwidth(ri.spec)),
            "Status": .string(ri.status), "BusinessStatus": .string(ri.businessStatus),
            "ChargeType": .string(ri.chargeType),
            "CreationTime": CloudTime.iso(ri.creationTime),
            "ConnectedTime": .string(ri.connectedTime.map(RequestTimestamp.format) ?? ""),
            "EndTime": "", "Name": .string(ri.name), "Description": .string(ri.description),
            "OppositeRegionId": .string(ri.oppositeRegionId), "OppositeInterfaceId": .string(ri.oppositeInterfaceId),
            "OppositeRouterId": .string(ri.oppositeRouterId), "OppositeRouterType": .string(ri.oppositeRouterType),
            "OppositeInterfaceOwnerId": .string(ri.oppositeInterfaceOwnerId),
            "OppositeInterfaceSpec": .string(opposite?.spec ?? ""),
            "OppositeInterfaceStatus": .string(opposite?.status ?? ""),
            "OppositeInterfaceBusinessStatus": .string(opposite?.businessStatus ?? ""),
            "OppositeBandwidth": .int(opposite.map { bandwidth($0.spec) } ?? 0),
            "OppositeVpcInstanceId": .string(vpcId(ri.oppositeRouterType, ri.oppositeRouterId)),
            "VpcInstanceId": .string(vpcId(ri.routerType, ri.routerId)),
            "AccessPointId": .string(ri.accessPointId), "OppositeAccessPointId": .string(ri.oppositeAccessPointId),
            "HealthCheckSourceIp": .string(ri.healthCheckSourceIp),
            "HealthCheckTargetIp": .string(ri.healthCheckTargetIp),
            "HcRate": .int(ri.hcRate), "HcThreshold": .string(ri.hcThreshold == 0 ? "" : String(ri.hcThreshold)),
            "CrossBorder": .bool(
                CloudState.geographicArea(of: ri.regionId) != CloudState.geographicArea(of: ri.oppositeRegionId)
            ),
            "FastLinkMode": false, "HasReservationData": "false", "ResourceGroupId": "",
            "Tags": .wrapped("Tags", []),
        ]
    }

    // MARK: VBR

    static func vbrActions(_ cp: ControlPlane) -> [any Action] {
        [
            ClosureAction("CreateVirtualBorderRouter", product: .vpc) { input throws(APIError) in
                guard let vlan = try input.int("VlanId", in: 0...2999) else { throw .missing("VlanId") }
                let request = CloudState.CreateVBR(
                    regionId: try input.regionId(),
                    physicalConnectionId: try input.required("PhysicalConnectionId"),
                    vlanId: vlan,
                    localGatewayIp: input.string("LocalGatewayIp"),
                    peerGatewayIp: input.string("PeerGatewayIp"),
                    peeringSubnetMask: input.string("PeeringSubnetMask"),
                    name: input.string("Name"),
                    description: input.string("Description"),
                    bandwidth: try input.int("Bandwidth", in: 50...102_400),
                    circuitCode: input.string("CircuitCode")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createVBR(request, context)
                } respond: { vbr in
                    ["VbrId": .string(vbr.id)]
                }
            },
            ClosureAction("ModifyVirtualBorderRouterAttribute", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VbrId")
                let request = CloudState.ModifyVBR(
                    vlanId: try input.int("VlanId", in: 0...2999),
                    localGatewayIp: input.string("LocalGatewayIp"),
                    peerGatewayIp: input.string("PeerGatewayIp"),
                    peeringSubnetMask: input.string("PeeringSubnetMask"),
                    name: input.string("Name"),
                    description: input.string("Description"),
                    bandwidth: try input.int("Bandwidth", in: 50...102_400),
                    circuitCode: input.string("CircuitCode")
                )
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.modifyVBR(id, region: region, request)
                }
                return [:]
            },
            ClosureAction("DeleteVirtualBorderRouter", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VbrId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteVBR(id, region: region)
                }
                return [:]
            },
            ClosureAction("DescribeVirtualBorderRouters", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let filters = try filters(
                    input,
                    allowed: ["VbrId", "PhysicalConnectionId", "Status", "Name", "VlanId", "AccessPointId"]
                )
                let paging = try input.paging()
                return try await read(cp) { state in
                    let (total, list) = paging.page(of: state.vbrs, in: state) { vbr in
                        vbr.regionId == region
                            && matches(
                                filters,
                                [
                                    "VbrId": vbr.id, "PhysicalConnectionId": vbr.physicalConnectionId,
                                    "Status": vbr.status, "Name": vbr.name, "VlanId": String(vbr.vlanId),
                                    "AccessPointId": "",
                                ]
                            )
                    }
                    var body = APIObject(paging.fields(total: total))
                    body["VirtualBorderRouterSet"] = .wrapped(
                        "VirtualBorderRouterType",
                        list.map { vbrObject($0, state) }
                    )
                    return body
                }
            },
        ]
    }

    static func vbrObject(_ vbr: VirtualBorderRouter, _ state: CloudState) -> APIValue {
        let cen = state.cenAttachments["cenattach-" + vbr.id]
        return [
            "VbrId": .string(vbr.id), "RouteTableId": .string(vbr.routeTableId), "Status": .string(vbr.status),
            "PhysicalConnectionId": .string(vbr.physicalConnectionId), "VlanId": .int(vbr.vlanId),
            "LocalGatewayIp": .string(vbr.localGatewayIp?.description ?? ""),
            "PeerGatewayIp": .string(vbr.peerGatewayIp?.description ?? ""),
            "PeeringSubnetMask": .string(vbr.peeringSubnetMask), "AccessPointId": "",
            "Name": .string(vbr.name), "Description": .string(vbr.description),
            "Bandwidth": .int(vbr.bandwidth ?? 0), "CircuitCode": .string(vbr.circuitCode),
            "CreationTime": CloudTime.iso(vbr.creationTime), "ActivationTime": CloudTime.iso(vbr.creationTime),
            "Type": "pconnVBR", "ResourceGroupId": "",
            "PhysicalConnectionStatus": "Enabled", "PhysicalConnectionBusinessStatus": "Normal",
            "AssociatedCens": .wrapped(
                "AssociatedCen",
                cen.map { [["CenId": .string($0.cenId), "CenOwnerId": 0, "CenStatus": .string($0.status)]] } ?? []
            ),
            "AssociatedPhysicalConnections": .wrapped("AssociatedPhysicalConnection", []),
            "Tags": .wrapped("Tag", []),
        ]
    }

    // MARK: Route tables shared with the VPC actions

    /// The rows of a VPC system table or a VBR table, and the table's region.
    static func tableRows(
        _ tableId: String,
        _ view: CloudView
    ) throws(ControlPlaneError) -> (
        [VPCActions.TableRow], String
    ) {
        let state = view.state
        if let vbr = state.vbr(routeTable: tableId) {
            let rows = state.customRoutes(in: vbr.routeTableId).map {
                VPCActions.TableRow(
                    id: $0.id,
                    routeTableId: $0.routeTableId,
                    destination: $0.destination,
                    type: "Custom",
                    nextHopType: $0.nextHopType,
                    nextHopId: $0.nextHopId,
                    name: $0.name,
                    description: $0.description,
                    modified: $0.creationTime
                )
            }
            return (rows.sorted { $0.destination < $1.destination }, vbr.regionId)
        }
        let vpc = try state.vpc(routeTable: tableId)
        return (VPCActions.routeEntries(of: vpc, view), vpc.regionId)
    }

    /// `DescribeRouteTableList` with `RouterType=VBR`: the VBRs' tables.
    static func vbrRouteTableList(
        _ cp: ControlPlane,
        _ input: ActionInput,
        region: String,
        paging: Paging
    ) async throws(APIError) -> APIObject {
        let router = input.string("RouterId")
        let tableId = input.string("RouteTableId")
        let tableType = input.string("RouteTableType")
        return try await read(cp) { state in
            let (total, vbrs) = paging.page(of: state.vbrs, in: state) {
                $0.regionId == region && (router == nil || $0.id == router)
                    && (tableId == nil || $0.routeTableId == tableId) && (tableType == nil || tableType == "System")
                    && input.string("VpcId") == nil
            }
            var body = APIObject(paging.fields(total: total))
            body["RouterTableList"] = .wrapped(
                "RouterTableListType",
                vbrs.map { vbr in
                    [
                        "RouteTableId": .string(vbr.routeTableId), "RouteTableName": "", "RouteTableType": "System",
                        "RouterId": .string(vbr.id), "RouterType": "VBR", "VpcId": "", "Status": "Available",
                        "Description": "", "CreationTime": CloudTime.iso(vbr.creationTime), "ResourceGroupId": "",
                        "AssociateType": "", "VSwitchIds": .wrapped("VSwitchId", []),
                        "GatewayIds": .wrapped("GatewayIds", []), "Tags": .wrapped("Tag", []),
                    ]
                }
            )
            return body
        }
    }
}
