import ControlPlane
import Foundation
import IPAddressing

/// Cloud Enterprise Network instances and attachments (reference §7). Route learning is not wired in yet.
enum CENActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        publishing(cp) + [
            childRoutes(cp),
            ClosureAction("CreateCen", product: .cen) { input throws(APIError) in
                let name = input.string("Name")
                let description = input.string("Description")
                let level = input.string("ProtectionLevel")
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createCEN(name: name, description: description, protectionLevel: level, context)
                } respond: { cen in
                    ["CenId": .string(cen.id)]
                }
            },
            ClosureAction("DescribeCens", product: .cen) { input throws(APIError) in
                var ids: Set<String>?
                var names: Set<String>?
                for filter in try input.structures("Filter") {
                    let key = filter.nonEmpty("Key") ?? ""
                    let values = Set(try filter.list("Value"))
                    switch key {
                    case "CenId": ids = values
                    case "Name": names = values
                    default: throw .invalid("Filter.N.Key", key, allowed: "CenId, Name")
                    }
                }
                let paging = try input.paging()
                return try await read(cp) { state in
                    let (total, list) = paging.page(of: state.cens, in: state) {
                        (ids?.contains($0.id) ?? true) && (names?.contains($0.name) ?? true)
                    }
                    var body = APIObject(paging.fields(total: total))
                    body["Cens"] = .wrapped(
                        "Cen",
                        list.map { cen in
                            [
                                "CenId": .string(cen.id), "Name": .string(cen.name),
                                "Description": .string(cen.description),
                                "Status": .string(cen.status),
                                "CreationTime": .string(
                                    String(RequestTimestamp.format(cen.creationTime).dropLast(4)) + "Z"
                                ),
                                "ProtectionLevel": .string(cen.protectionLevel), "Ipv6Level": "DISABLED",
                                "ResourceGroupId": "",
                                "CenBandwidthPackageIds": .wrapped(
                                    "CenBandwidthPackageId",
                                    state.bandwidthPackages(of: cen.id).map { .string($0.id) }
                                ),
                                "Tags": .wrapped("Tag", []),
                            ]
                        }
                    )
                    return body
                }
            },
            ClosureAction("DeleteCen", product: .cen) { input throws(APIError) in
                let id = try input.required("CenId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in try state.deleteCEN(id) }
                return [:]
            },
            ClosureAction("AttachCenChildInstance", product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let child = try input.required("ChildInstanceId")
                let type = try input.required("ChildInstanceType")
                let region = try input.required("ChildInstanceRegionId")
                _ = try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.attachCENChild(
                        cenId: cenId,
                        childId: child,
                        childType: type,
                        childRegion: region,
                        context
                    )
                }
                return [:]
            },
            ClosureAction("DetachCenChildInstance", product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let child = try input.required("ChildInstanceId")
                _ = try input.required("ChildInstanceType")
                _ = try input.required("ChildInstanceRegionId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.detachCENChild(cenId: cenId, childId: child)
                }
                return [:]
            },
            ClosureAction("DescribeCenAttachedChildInstances", product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let region = input.string("ChildInstanceRegionId")
                let type = input.string("ChildInstanceType")
                let paging = try input.paging()
                return try await read(cp) { state throws(ControlPlaneError) in
                    _ = try state.cen(cenId)
                    let list = state.attachments(of: cenId).filter {
                        (region == nil || $0.childInstanceRegionId == region)
                            && (type == nil || $0.childInstanceType == type)
                    }
                    var body = APIObject(paging.fields(total: list.count))
                    body["ChildInstances"] = .wrapped(
                        "ChildInstance",
                        paging.page(of: list).map { a in
                            [
                                "CenId": .string(a.cenId), "ChildInstanceId": .string(a.childInstanceId),
                                "ChildInstanceType": .string(a.childInstanceType),
                                "ChildInstanceRegionId": .string(a.childInstanceRegionId),
                                "ChildInstanceOwnerId": 0,
                                "ChildInstanceAttachTime": .string(RequestTimestamp.format(a.attachTime)),
                                "Status": .string(a.status),
                            ]
                        }
                    )
                    return body
                }
            },
        ]
    }
}

extension CENActions {
    /// `DescribeCenChildInstanceRouteEntries`: a VPC's effective table as the route engine computes it.
    static func childRoutes(_ cp: ControlPlane) -> any Action {
        ClosureAction("DescribeCenChildInstanceRouteEntries", product: .cen) { input throws(APIError) in
            let cenId = try input.required("CenId")
            let child = try input.required("ChildInstanceId")
            let type = try input.required("ChildInstanceType")
            let status = input.string("Status") ?? "All"
            guard ["Active", "Candidate", "Rejected", "Prohibited", "All"].contains(status) else {
                throw .invalid("Status", status, allowed: "Active, Candidate, Rejected, Prohibited, All")
            }
            let paging = try input.paging(maxSize: 500)
            return try await readView(cp) { view throws(ControlPlaneError) in
                let state = view.state
                _ = try state.cen(cenId)
                guard let attachment = state.cenAttachments["cenattach-" + child],
                    attachment.cenId == cenId, attachment.childInstanceType == type,
                    let table = type == "VBR" ? state.vbrs[child]?.routeTableId : state.vpcs[child]?.routeTableId
                else {
                    throw ControlPlaneError(
                        .notFound,
                        code: "InvalidChildInstanceId.NotFound",
                        message: "The \(type) '\(child)' is not attached to CEN '\(cenId)'."
                    )
                }
                let effective = type == "VBR" ? view.routes(ofVBR: child) : view.routes(of: child)
                let routes = effective.filter { status == "All" || $0.status == status }
                var body = APIObject(paging.fields(total: routes.count))
                body["CenRouteEntries"] = .wrapped(
                    "CenRouteEntry",
                    paging.page(of: routes).map { r in
                        [
                            "RouteTableId": .string(table),
                            "DestinationCidrBlock": .string(r.destination.description),
                            "Type": .string(r.type), "Status": .string(r.status), "NextHopType": .string(r.nextHopType),
                            "NextHopInstanceId": .string(r.nextHopId), "NextHopRegionId": .string(r.nextHopRegionId),
                            "OperationalMode": .bool(r.type != "CEN"),
                            "PublishStatus": .string(r.isPublishedToCEN ? "Published" : "NonPublished"),
                            "Conflicts": .wrapped(
                                "Conflict",
                                r.isConflict
                                    ? [
                                        [
                                            "DestinationCidrBlock": .string(r.destination.description),
                                            "Status": "conflict",
                                        ]
                                    ] : []
                            ),
                            "AsPaths": .wrapped("AsPath", []), "Communities": .wrapped("Community", []),
                        ]
                    }
                )
                return body
            }
        }
    }
}

extension CENActions {
    static func publishing(_ cp: ControlPlane) -> [any Action] {
        func change(_ name: String, publish: Bool) -> any Action {
            ClosureAction(name, product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let child = try input.required("ChildInstanceId")
                _ = try input.required("ChildInstanceRegionId")
                let type = try input.required("ChildInstanceType")
                guard type == "VPC" || type == "VBR" else {
                    throw .invalid("ChildInstanceType", type, allowed: "VPC, VBR")
                }
                let table = try input.required("ChildInstanceRouteTableId")
                let destination = try input.required("DestinationCidrBlock")
                try await CloudAPI.change(cp, input) { state, _ throws(ControlPlaneError) in
                    if publish {
                        try state.publishCENRoute(
                            cenId: cenId,
                            childId: child,
                            routeTableId: table,
                            destination: destination
                        )
                    } else {
                        try state.withdrawCENRoute(
                            cenId: cenId,
                            childId: child,
                            routeTableId: table,
                            destination: destination
                        )
                    }
                }
                return [:]
            }
        }
        return [
            change("PublishRouteEntries", publish: true),
            change("WithdrawPublishedRouteEntries", publish: false),
            ClosureAction("DescribePublishedRouteEntries", product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let child = try input.required("ChildInstanceId")
                _ = try input.required("ChildInstanceRegionId")
                _ = try input.required("ChildInstanceType")
                let table = input.string("ChildInstanceRouteTableId")
                let destination = input.string("DestinationCidrBlock")
                let paging = try input.paging()
                return try await readView(cp) { view throws(ControlPlaneError) in
                    let state = view.state
                    _ = try state.cen(cenId)
                    guard let attachment = state.cenAttachments["cenattach-" + child], attachment.cenId == cenId,
                        let vpc = state.vpcs[child]
                    else {
                        throw ControlPlaneError(
                            .notFound,
                            code: "InvalidChildInstanceId.NotFound",
                            message: "The network '\(child)' is not attached to CEN '\(cenId)'."
                        )
                    }
                    if let table, table != vpc.routeTableId {
                        throw ControlPlaneError(
                            .notFound,
                            code: "InvalidRouteTableId.NotFound",
                            message: "The route table '\(table)' is not the system route table of VPC '\(vpc.id)'."
                        )
                    }
                    // The VPC's own active routes, with the engine's publication status and conflicts.
                    let rows = view.routes(of: vpc.id).filter {
                        $0.type != "CEN" && $0.status == "Active" && $0.destination != cloudServicePrefix
                            && (destination == nil || $0.destination.description == destination)
                    }
                    var body = APIObject(paging.fields(total: rows.count))
                    body["PublishedRouteEntries"] = .wrapped(
                        "PublishedRouteEntry",
                        paging.page(of: rows).map { row in
                            [
                                "ChildInstanceRouteTableId": .string(vpc.routeTableId),
                                "DestinationCidrBlock": .string(row.destination.description),
                                "NextHopType": .string(row.nextHopType),
                                "NextHopId": .string(row.type == "System" ? "" : row.nextHopId),
                                "RouteType": .string(row.type),
                                "OperationalMode": true,
                                "PublishStatus": .string(row.isPublishedToCEN ? "Published" : "NonPublished"),
                                "Conflicts": .wrapped(
                                    "Conflict",
                                    row.isConflict
                                        ? [
                                            [
                                                "DestinationCidrBlock": .string(row.destination.description),
                                                "Status": "conflict",
                                            ]
                                        ] : []
                                ),
                            ]
                        }
                    )
                    return body
                }
            },
        ]
    }
}
