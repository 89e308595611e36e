import ControlPlane
import Foundation
import IPAddressing

/// VPC, vSwitch and route table actions (reference §4).
enum VPCActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        [
            ClosureAction("CreateVpc", product: .vpc) { input throws(APIError) in
                let request = CloudState.CreateVPC(
                    regionId: try input.regionId(),
                    cidrBlock: input.string("CidrBlock"),
                    name: input.string("VpcName"),
                    description: input.string("Description")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createVPC(request, context)
                } respond: { vpc in
                    [
                        "VpcId": .string(vpc.id), "VRouterId": .string(vpc.vRouterId),
                        "RouteTableId": .string(vpc.routeTableId), "ResourceGroupId": "",
                    ]
                }
            },
            ClosureAction("DescribeVpcs", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let ids = try idFilter(input.string("VpcId"), parameter: "VpcId")
                let name = input.string("VpcName")
                let isDefault = try input.bool("IsDefault")
                let paging = try input.paging()
                return try await read(cp) { state in
                    let given = ids != nil || name != nil || isDefault != nil
                    let filter = Paging.filter(when: given) { (vpc: borrowing VPC) in
                        (ids?.contains(vpc.id) ?? true) && (name == nil || vpc.name == name)
                            && (isDefault == nil || isDefault == false)
                    }
                    let (total, vpcs) = paging.page(of: state.vpcs, in: state, region: region, where: filter)
                    var body = APIObject(paging.fields(total: total))
                    body["Vpcs"] = .wrapped("Vpc", vpcs.map { vpcObject($0, state) })
                    return body
                }
            },
            ClosureAction("DescribeVpcAttribute", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpcId")
                return try await read(cp) { state throws(ControlPlaneError) in
                    let vpc = try state.vpc(id, region: region)
                    guard case .object(var object) = vpcObject(vpc, state) else { return [:] }
                    object["AssociatedCens"] = .wrapped(
                        "AssociatedCen",
                        state.cenAttachments["cenattach-" + vpc.id].map {
                            [["CenId": .string($0.cenId), "CenOwnerId": 0, "CenStatus": "Attached"]]
                        } ?? []
                    )
                    object["CloudResources"] = .wrapped(
                        "CloudResourceSetType",
                        [["ResourceType": "VSwitch", "ResourceCount": .int(state.vSwitches(in: vpc.id).count)]]
                    )
                    object["ClassicLinkEnabled"] = false
                    return object
                }
            },
            ClosureAction("DeleteVpc", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("VpcId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteVPC(id, region: region)
                }
                return [:]
            },
            ClosureAction("CreateVSwitch", product: .vpc) { input throws(APIError) in
                let request = CloudState.CreateVSwitch(
                    regionId: input.string("RegionId"),
                    vpcId: try input.required("VpcId"),
                    zoneId: try input.required("ZoneId"),
                    cidrBlock: try input.required("CidrBlock"),
                    name: input.string("VSwitchName"),
                    description: input.string("Description")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createVSwitch(request, context)
                } respond: { vSwitch in
                    ["VSwitchId": .string(vSwitch.id)]
                }
            },
            ClosureAction("DescribeVSwitches", product: .vpc) { input throws(APIError) in
                let region = input.string("RegionId")
                let vpcId = input.string("VpcId")
                guard region != nil || vpcId != nil else { throw .missing("RegionId") }
                let ids = try idFilter(input.string("VSwitchId"), parameter: "VSwitchId")
                let zone = input.string("ZoneId")
                let name = input.string("VSwitchName")
                let table = input.string("RouteTableId")
                let paging = try input.paging()
                return try await read(cp) { state in
                    let (total, list) = paging.page(of: state.vSwitches, in: state) { vs in
                        (region == nil || vs.regionId == region) && (vpcId == nil || vs.vpcId == vpcId)
                            && (ids?.contains(vs.id) ?? true) && (zone == nil || vs.zoneId == zone)
                            && (name == nil || vs.name == name)
                            && (table == nil || state.vpcs[vs.vpcId]?.routeTableId == table)
                    }
                    var body = APIObject(paging.fields(total: total))
                    body["VSwitches"] = .wrapped("VSwitch", list.map { vSwitchObject($0, state) })
                    return body
                }
            },
            ClosureAction("DeleteVSwitch", product: .vpc) { input throws(APIError) in
                let region = input.string("RegionId")
                let id = try input.required("VSwitchId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteVSwitch(id, region: region)
                }
                return [:]
            },
            ClosureAction("CreateRouteEntry", product: .vpc) { input throws(APIError) in
                let list = try input.structures("NextHopList")
                if !list.isEmpty {
                    if input.string("NextHopId") != nil || input.string("NextHopType") != nil {
                        throw APIError(
                            code: "InvalidNexthopTypeAndList.BothNotNull",
                            status: 400,
                            message:
                                "Give either NextHopType and NextHopId or NextHopList, not both (NextHopType '\(input.string("NextHopType") ?? "")', NextHopId '\(input.string("NextHopId") ?? "")', \(list.count) NextHopList entries)."
                        )
                    }
                    let items = list.map {
                        CloudState.NextHopListItem(
                            nextHopType: $0.nonEmpty("NextHopType"),
                            nextHopId: $0.nonEmpty("NextHopId")
                        )
                    }
                    let table = try input.required("RouteTableId")
                    _ = try input.required("DestinationCidrBlock")
                    let region = input.string("RegionId")
                    try await read(cp) { state throws(ControlPlaneError) in
                        try state.checkNextHopList(items, routeTableId: table, region: region)
                    }
                    throw APIError(
                        code: "InvalidNextHopType",
                        status: 400,
                        message:
                            "NextHopList (ECMP over 2 to 4 router interfaces towards VBRs) passed every check but ECMP routes are not modelled by this cloud; give NextHopType=RouterInterface and one NextHopId."
                    )
                }
                let request = CloudState.CreateRouteEntry(
                    regionId: input.string("RegionId"),
                    routeTableId: try input.required("RouteTableId"),
                    destinationCidrBlock: try input.required("DestinationCidrBlock"),
                    nextHopType: input.string("NextHopType"),
                    nextHopId: input.string("NextHopId"),
                    name: input.string("RouteEntryName"),
                    description: input.string("Description")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createRouteEntry(request, context)
                } respond: { entry in
                    ["RouteEntryId": .string(entry.id)]
                }
            },
            ClosureAction("DeleteRouteEntry", product: .vpc) { input throws(APIError) in
                let id = input.string("RouteEntryId")
                let table = input.string("RouteTableId")
                let destination = input.string("DestinationCidrBlock")
                let hop = input.string("NextHopId")
                let region = input.string("RegionId")
                if id == nil, table == nil { throw .missing("RouteTableId") }
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteRouteEntry(
                        id: id,
                        routeTableId: table,
                        destination: destination,
                        nextHopId: hop,
                        region: region
                    )
                }
                return [:]
            },
            ClosureAction("DescribeRouteTables", product: .vpc) { input throws(APIError) in
                let router = input.string("VRouterId") ?? input.string("RouterId")
                let tableId = input.string("RouteTableId")
                let region = input.string("RegionId")
                let type = input.string("Type")
                if let routerType = input.string("RouterType"), routerType != "VRouter" {
                    guard routerType == "VBR" else { throw .invalid("RouterType", routerType, allowed: "VRouter, VBR") }
                }
                let paging = try input.paging()
                return try await readView(cp) { view in
                    let state = view.state
                    let (total, vpcs) = paging.page(of: state.vpcs, in: state) {
                        (router == nil || $0.vRouterId == router) && (tableId == nil || $0.routeTableId == tableId)
                            && (region == nil || $0.regionId == region) && input.string("RouterType") != "VBR"
                    }
                    var body = APIObject(paging.fields(total: total))
                    body["RouteTables"] = .wrapped(
                        "RouteTable",
                        vpcs.map { vpc in
                            let entries = routeEntries(of: vpc, view).filter { type == nil || $0.type == type }
                            return [
                                "RouteTableId": .string(vpc.routeTableId), "RouteTableType": "System",
                                "VRouterId": .string(vpc.vRouterId), "CreationTime": CloudTime.iso(vpc.creationTime),
                                "Status": "Available", "ResourceGroupId": "",
                                "VSwitchIds": .wrapped("VSwitchId", state.vSwitches(in: vpc.id).map { .string($0.id) }),
                                "RouteEntrys": .wrapped("RouteEntry", entries.map { $0.legacyObject }),
                            ]
                        }
                    )
                    return body
                }
            },
            ClosureAction("DescribeRouteTableList", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let vpcId = input.string("VpcId")
                let router = input.string("RouterId")
                let tableId = input.string("RouteTableId")
                let tableType = input.string("RouteTableType")
                let paging = try input.paging()
                if input.string("RouterType") == "VBR" {
                    return try await ExpressConnectActions.vbrRouteTableList(cp, input, region: region, paging: paging)
                }
                return try await read(cp) { state in
                    let routerType = input.string("RouterType")
                    let given = vpcId != nil || router != nil || tableId != nil || tableType != nil || routerType != nil
                    let filter = Paging.filter(when: given) { (vpc: borrowing VPC) in
                        (vpcId == nil || vpc.id == vpcId) && (router == nil || vpc.vRouterId == router)
                            && (tableId == nil || vpc.routeTableId == tableId)
                            && (tableType == nil || tableType == "System") && (routerType ?? "VRouter") == "VRouter"
                    }
                    let (total, vpcs) = paging.page(of: state.vpcs, in: state, region: region, where: filter)
                    var body = APIObject(paging.fields(total: total))
                    body["RouterTableList"] = .wrapped(
                        "RouterTableListType",
                        vpcs.map { vpc in
                            [
                                "RouteTableId": .string(vpc.routeTableId), "RouteTableName": "",
                                "RouteTableType": "System",
                                "RouterId": .string(vpc.vRouterId), "RouterType": "VRouter", "VpcId": .string(vpc.id),
                                "Status": "Available", "Description": "",
                                "CreationTime": CloudTime.iso(vpc.creationTime),
                                "ResourceGroupId": "", "AssociateType": "VSwitch",
                                "VSwitchIds": .wrapped("VSwitchId", state.vSwitches(in: vpc.id).map { .string($0.id) }),
                                "GatewayIds": .wrapped("GatewayIds", []), "Tags": .wrapped("Tag", []),
                            ]
                        }
                    )
                    return body
                }
            },
            ClosureAction("DescribeRouteEntryList", product: .vpc) { input throws(APIError) in
                _ = try input.regionId()
                let tableId = try input.required("RouteTableId")
                let entryId = input.string("RouteEntryId")
                let name = input.string("RouteEntryName")
                let type = input.string("RouteEntryType")
                if let type, !["Custom", "System", "BGP", "CEN", "ECR"].contains(type) {
                    throw .invalid("RouteEntryType", type, allowed: "Custom, System, BGP, CEN, ECR")
                }
                let hopId = input.string("NextHopId")
                let hopType = input.string("NextHopType")
                var destinations = try input.list("DestCidrBlockList")
                if let single = input.string("DestinationCidrBlock") { destinations.append(single) }
                let maxResult = try input.int("MaxResult", in: 1...100) ?? 10
                var offset = 0
                if let token = input.string("NextToken") {
                    guard let value = Int(token), value >= 0 else {
                        throw APIError(
                            code: "InvalidNextToken",
                            status: 400,
                            message:
                                "The specified NextToken '\(token)' is not valid; pass the NextToken of the previous page."
                        )
                    }
                    offset = value
                }
                return try await readView(cp) { view throws(ControlPlaneError) in
                    let (table, regionId) = try ExpressConnectActions.tableRows(tableId, view)
                    let entries = table.filter {
                        (entryId == nil || $0.id == entryId) && (name == nil || $0.name == name)
                            && (type == nil || $0.type == type)
                            && (hopId == nil || $0.nextHopId == hopId) && (hopType == nil || $0.nextHopType == hopType)
                            && (destinations.isEmpty || destinations.contains($0.destination.description))
                    }
                    let page = entries.dropFirst(offset).prefix(maxResult)
                    let next = offset + page.count < entries.count ? String(offset + page.count) : ""
                    return [
                        "NextToken": .string(next), "TotalCount": .int(entries.count),
                        "RouteEntrys": .wrapped("RouteEntry", page.map { $0.listObject(regionId: regionId) }),
                    ]
                }
            },
        ]
    }

    static func vpcObject(_ vpc: VPC, _ state: CloudState) -> APIValue {
        [
            "VpcId": .string(vpc.id), "RegionId": .string(vpc.regionId), "Status": .string(vpc.status),
            "VpcName": .string(vpc.name), "CreationTime": CloudTime.iso(vpc.creationTime),
            "CidrBlock": .string(vpc.cidrBlock.description), "Ipv6CidrBlock": "", "VRouterId": .string(vpc.vRouterId),
            "Description": .string(vpc.description), "IsDefault": false,
            "CenStatus": .string(state.cenAttachments["cenattach-" + vpc.id] == nil ? "" : "Attached"), "OwnerId": 0,
            "ResourceGroupId": "",
            "DhcpOptionsSetId": "", "EnabledIpv6": false,
            "VSwitchIds": .wrapped("VSwitchId", state.vSwitches(in: vpc.id).map { .string($0.id) }),
            "UserCidrs": .wrapped("UserCidr", []),
            "RouterTableIds": .wrapped("RouterTableIds", [.string(vpc.routeTableId)]),
            "NatGatewayIds": .wrapped("NatGatewayIds", []),
            "SecondaryCidrBlocks": .wrapped("SecondaryCidrBlock", []),
            "Tags": .wrapped("Tag", []),
        ]
    }

    static func vSwitchObject(_ vs: VSwitch, _ state: CloudState) -> APIValue {
        [
            "VSwitchId": .string(vs.id), "VpcId": .string(vs.vpcId), "Status": .string(vs.status),
            "CidrBlock": .string(vs.cidrBlock.description), "ZoneId": .string(vs.zoneId),
            "AvailableIpAddressCount": .int(state.availableIpAddressCount(of: vs)),
            "Description": .string(vs.description),
            "VSwitchName": .string(vs.name), "CreationTime": CloudTime.iso(vs.creationTime), "IsDefault": false,
            "ResourceGroupId": "", "NetworkAclId": "", "OwnerId": 0, "ShareType": "",
            "RouteTable": ["RouteTableId": .optional(state.vpcs[vs.vpcId]?.routeTableId), "RouteTableType": "System"],
            "Ipv6CidrBlock": "", "EnabledIpv6": false, "Tags": .wrapped("Tag", []),
        ]
    }

    /// One row of a VPC's system table: system routes (vSwitch CIDRs, `100.64.0.0/10`) and custom routes,
    /// sorted by destination.
    struct TableRow {
        var id: String
        var routeTableId: String
        var destination: IPv4Prefix
        var type: String
        var nextHopType: String
        var nextHopId: String
        var name: String
        var description: String
        var modified: Date

        var legacyObject: APIValue {
            [
                "RouteTableId": .string(routeTableId), "DestinationCidrBlock": .string(destination.description),
                "Type": .string(type), "Status": "Available", "InstanceId": .string(nextHopId),
                "NextHopType": .string(nextHopType), "RouteEntryId": .string(id), "RouteEntryName": .string(name),
                "Description": .string(description), "NextHops": .wrapped("NextHop", []),
            ]
        }

        func listObject(regionId: String) -> APIValue {
            [
                "RouteEntryId": .string(id), "RouteEntryName": .string(name), "RouteTableId": .string(routeTableId),
                "DestinationCidrBlock": .string(destination.description), "Type": .string(type), "Status": "Available",
                "Description": .string(description), "IpVersion": "ipv4", "GmtModified": CloudTime.iso(modified),
                "Origin": .string(type == "System" ? "SystemCreate" : "CustomCreate"), "ServiceType": "",
                "NextHops": .wrapped(
                    "NextHop",
                    [
                        [
                            "NextHopType": .string(nextHopType), "NextHopId": .string(nextHopId), "Enabled": 1,
                            "Weight": 0,
                            "NextHopRegionId": .string(regionId),
                            "NextHopRelatedInfo": [
                                "InstanceId": .string(nextHopId), "InstanceType": .string(nextHopType),
                                "RegionId": .string(regionId),
                            ],
                        ]
                    ]
                ),
            ]
        }
    }

    /// The VPC's system table as the route engine computes it: system routes (`Type=System`,
    /// `NextHopType=local` for vSwitch routes, DESIGN §4 decision 4, `service` for `100.64.0.0/10`), custom
    /// routes and routes a VPN gateway publishes (`Custom`), and routes learned from CEN (`CEN`), sorted by
    /// destination. Only entries the engine made active are in the table, except custom entries, which are
    /// listed whatever their status (the user created them).
    static func routeEntries(of vpc: VPC, _ view: CloudView) -> [TableRow] {
        view.routes(of: vpc.id).filter { $0.status == "Active" || $0.isUserEntry }.map {
            TableRow(
                id: $0.routeEntryId,
                routeTableId: $0.routeTableId,
                destination: $0.destination,
                type: $0.type,
                // The VPC API shows no next hop for system routes (reference §4 legacy sample).
                nextHopType: $0.nextHopType,
                nextHopId: $0.type == "System" ? "" : $0.nextHopId,
                name: $0.name,
                description: $0.description,
                modified: $0.modified
            )
        }
    }
}
