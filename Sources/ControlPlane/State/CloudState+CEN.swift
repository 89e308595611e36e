import Foundation
import IPAddressing

extension CloudState {
    public func cen(_ id: String) throws(ControlPlaneError) -> CEN {
        guard let cen = cens[id] else {
            throw .notFound("InvalidCenInstanceId.NotFound", "The specified CEN instance '\(id)' does not exist.")
        }
        return cen
    }

    public func attachments(of cenId: String) -> [CENAttachment] {
        ordered(cenAttachments.filter { $0.value.cenId == cenId })
    }

    /// Creates a CEN instance; overlapping routing is always on (`ProtectionLevel=REDUCED`, reference §8.3).
    public mutating func createCEN(
        name: String?,
        description: String?,
        protectionLevel: String?,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> CEN {
        if let level = protectionLevel, level != "REDUCED" {
            throw .invalid(
                "InvalidParameter",
                "The specified ProtectionLevel '\(level)' is not valid; allowed: REDUCED."
            )
        }
        let cen = CEN(
            id: context.makeID("cen-"),
            name: try Check.name(name, parameter: "Name", code: "InvalidName"),
            description: try Check.description(description),
            protectionLevel: "REDUCED",
            creationTime: context.now,
            status: "Active"
        )
        cens[cen.id] = cen
        remember(cen.id)
        return cen
    }

    public mutating func deleteCEN(_ id: String) throws(ControlPlaneError) {
        let cen = try cen(id)
        if let child = attachments(of: id).first {
            throw .invalid(
                "DependencyViolation.ChildInstance",
                "The CEN instance '\(id)' still has \(child.childInstanceType) '\(child.childInstanceId)' attached; detach it first."
            )
        }
        if let package = bandwidthPackages(of: id).first {
            throw .invalid(
                "DependencyViolation.BandwidthPackage",
                "The CEN instance '\(id)' still has bandwidth package '\(package.id)'; unassociate it first (UnassociateCenBandwidthPackage)."
            )
        }
        cens[cen.id] = nil
        touch(cen.id)
    }

    /// Attaches a VPC; a VPC belongs to at most one CEN (DESIGN §4 decision 5).
    public mutating func attachCENChild(
        cenId: String,
        childId: String,
        childType: String,
        childRegion: String,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> CENAttachment {
        let cen = try cen(cenId)
        guard ["VPC", "VBR", "CCN"].contains(childType) else {
            throw .invalid(
                "InvalidParameter",
                "The specified ChildInstanceType '\(childType)' is not valid; allowed: VPC, VBR, CCN."
            )
        }
        if childType == "VBR" { return try attachCENVBR(cen, childId: childId, childRegion: childRegion, context) }
        guard childType == "VPC", let vpc = vpcs[childId], vpc.regionId == childRegion else {
            throw .notFound(
                "InvalidChildInstanceId.NotFound",
                "The specified \(childType) '\(childId)' does not exist in region \(childRegion)\(childType == "VPC" ? "" : " (this cloud has no \(childType) resources yet)")."
            )
        }
        let attachment = CENAttachment(
            cenId: cen.id,
            childInstanceId: vpc.id,
            childInstanceType: "VPC",
            childInstanceRegionId: vpc.regionId,
            attachTime: context.now,
            status: "Attached"
        )
        if let existing = cenAttachments[attachment.id] {
            throw .invalid(
                "InstanceAlreadyAttached",
                "The VPC '\(vpc.id)' is already attached to CEN '\(existing.cenId)'; a VPC can be attached to one CEN only."
            )
        }
        cenAttachments[attachment.id] = attachment
        remember(attachment.id)
        return attachment
    }

    public mutating func detachCENChild(cenId: String, childId: String) throws(ControlPlaneError) {
        _ = try cen(cenId)
        guard let attachment = cenAttachments["cenattach-" + childId], attachment.cenId == cenId else {
            throw .notFound("InvalidAttachment.NotFound", "The network '\(childId)' is not attached to CEN '\(cenId)'.")
        }
        cenAttachments[attachment.id] = nil
        touch(attachment.id)
        cens[cenId]?.publishedRoutes.removeAll { $0.vpcId == childId }
        touch(cenId)
        cens[cenId]?.withdrawnRoutes.removeAll { $0.vpcId == childId }
    }

    /// The attached VPC and its route, checked for `PublishRouteEntries`/`WithdrawPublishedRouteEntries`.
    private func attachedRoute(
        cenId: String,
        childId: String,
        routeTableId: String,
        destination: String
    ) throws(ControlPlaneError) -> (VPC, CENRoute, isSystem: Bool) {
        _ = try cen(cenId)
        guard let attachment = cenAttachments["cenattach-" + childId], attachment.cenId == cenId,
            let vpc = vpcs[childId]
        else {
            throw .notFound(
                "InvalidChildInstanceId.NotFound",
                "The network '\(childId)' is not attached to CEN '\(cenId)'."
            )
        }
        guard vpc.routeTableId == routeTableId else {
            throw .notFound(
                "InvalidRouteTableId.NotFound",
                "The route table '\(routeTableId)' is not the system route table of VPC '\(vpc.id)' (\(vpc.routeTableId))."
            )
        }
        let prefix = try Check.prefix(destination, parameter: "DestinationCidrBlock")
        let route = CENRoute(vpcId: vpc.id, destination: prefix)
        if vSwitches(in: vpc.id).contains(where: { $0.cidrBlock == prefix }) { return (vpc, route, true) }
        // A custom route, or a route a VPN gateway publishes to the VPC (seed 002 step 4 publishes those).
        guard
            customRoutes(in: vpc.routeTableId).contains(where: { $0.destination == prefix })
                || publishedVPNRoute(to: prefix, in: vpc.id) != nil
        else {
            throw .notFound(
                "InvalidRouteEntry.NotFound",
                "The route table '\(routeTableId)' of VPC '\(vpc.id)' has no route to \(prefix) to publish."
            )
        }
        return (vpc, route, false)
    }

    /// Attaches a VBR; like a VPC it belongs to at most one CEN.
    private mutating func attachCENVBR(
        _ cen: CEN,
        childId: String,
        childRegion: String,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> CENAttachment {
        guard let vbr = vbrs[childId], vbr.regionId == childRegion else {
            throw .notFound(
                "InvalidChildInstanceId.NotFound",
                "The specified VBR '\(childId)' does not exist in region \(childRegion)."
            )
        }
        let attachment = CENAttachment(
            cenId: cen.id,
            childInstanceId: vbr.id,
            childInstanceType: "VBR",
            childInstanceRegionId: vbr.regionId,
            attachTime: context.now,
            status: "Attached"
        )
        if let existing = cenAttachments[attachment.id] {
            throw .invalid(
                "InstanceAlreadyAttached",
                "The VBR '\(vbr.id)' is already attached to CEN '\(existing.cenId)'; a VBR can be attached to one CEN only."
            )
        }
        cenAttachments[attachment.id] = attachment
        remember(attachment.id)
        return attachment
    }

    /// Advertises a VPC route to the CEN (routes to VPN gateways and instances are not advertised by default).
    public mutating func publishCENRoute(
        cenId: String,
        childId: String,
        routeTableId: String,
        destination: String
    ) throws(ControlPlaneError) {
        let (_, route, isSystem) = try attachedRoute(
            cenId: cenId,
            childId: childId,
            routeTableId: routeTableId,
            destination: destination
        )
        if isSystem {
            cens[cenId]?.withdrawnRoutes.removeAll { $0 == route }
            touch(cenId)
        } else if !(cens[cenId]?.publishedRoutes.contains(route) ?? true) {
            cens[cenId]?.publishedRoutes.append(route)
            touch(cenId)
        }
    }

    /// Withdraws a VPC route from the CEN.
    public mutating func withdrawCENRoute(
        cenId: String,
        childId: String,
        routeTableId: String,
        destination: String
    ) throws(ControlPlaneError) {
        let (_, route, isSystem) = try attachedRoute(
            cenId: cenId,
            childId: childId,
            routeTableId: routeTableId,
            destination: destination
        )
        if isSystem {
            if !(cens[cenId]?.withdrawnRoutes.contains(route) ?? true) { cens[cenId]?.withdrawnRoutes.append(route) }
            touch(cenId)
        } else {
            cens[cenId]?.publishedRoutes.removeAll { $0 == route }
            touch(cenId)
        }
    }
}
