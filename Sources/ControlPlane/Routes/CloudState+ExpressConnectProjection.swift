import IPAddressing
public import NetworkModel

extension CloudState {
    /// Projects router interfaces, VBRs (with their route tables) and bandwidth packages into the network model,
    /// so the route engine and reachability compute on them (reference §8.3, §8.4). A CEN's inter-region
    /// bandwidth is projected with the CEN (`interRegionBandwidths(of:)`), its VBR attachments by `network(_:)`.
    ///
    /// A VPC's routes to its router interfaces are projected with the VPC; an interface's opposite is projected
    /// only when that interface exists. An interface on a router that no longer exists is left out.
    public func projectExpressConnect(into topology: inout Topology) {
        for vbr in vbrs.values {
            let routes = customRoutes(in: vbr.routeTableId).compactMap { entry -> NetworkModel.RouteEntry? in
                guard let hop = RouteNextHop(type: entry.nextHopType, id: entry.nextHopId) else { return nil }
                return NetworkModel.RouteEntry(
                    id: RouteEntryID(entry.id),
                    destination: entry.destination,
                    nextHop: hop,
                    name: entry.name
                )
            }
            topology.add(
                NetworkModel.VirtualBorderRouter(
                    id: VBRID(vbr.id),
                    name: vbr.name,
                    region: RegionID(vbr.regionId),
                    routeTableID: RouteTableID(vbr.routeTableId),
                    localGatewayIP: vbr.localGatewayIp,
                    peerGatewayIP: vbr.peerGatewayIp,
                    routes: routes
                )
            )
        }
        for ri in routerInterfaces.values {
            guard let router = network(ofRouter: ri.routerType, ri.routerId),
                let role = RouterInterfaceRole(rawValue: ri.role),
                let status = RouterInterfaceStatus(rawValue: ri.status)
            else { continue }
            let opposite =
                routerInterfaces[ri.oppositeInterfaceId] != nil ? RouterInterfaceID(ri.oppositeInterfaceId) : nil
            topology.add(
                NetworkModel.RouterInterface(
                    id: RouterInterfaceID(ri.id),
                    name: ri.name,
                    router: router,
                    role: role,
                    spec: ri.spec,
                    oppositeInterface: opposite,
                    status: status
                )
            )
        }
        for package in cenBandwidthPackages.values {
            guard let a = GeographicArea(rawValue: package.geographicRegionAId),
                let b = GeographicArea(rawValue: package.geographicRegionBId)
            else { continue }
            topology.add(
                NetworkModel.CENBandwidthPackage(
                    id: CENBandwidthPackageID(package.id),
                    name: package.name,
                    bandwidth: package.bandwidth,
                    geographicRegionA: a,
                    geographicRegionB: b,
                    cen: package.cenId.map { CENID($0) }
                )
            )
        }
    }

    /// The bandwidth a CEN allocates between regions (`SetCenInterRegionBandwidthLimit`), for its projection.
    func interRegionBandwidths(of cenId: String) -> [InterRegionBandwidth] {
        bandwidthLimits(of: cenId).map {
            InterRegionBandwidth(
                localRegion: RegionID($0.localRegionId),
                oppositeRegion: RegionID($0.oppositeRegionId),
                bandwidth: $0.bandwidthLimit
            )
        }
    }

    /// The network a router belongs to: the VPC of a vRouter, or the VBR itself.
    func network(ofRouter type: String, _ id: String) -> NetworkReference? {
        switch type {
        case "VRouter": vpc(router: id).map { .vpc(VPCID($0.id)) }
        case "VBR": vbrs[id] != nil ? .vbr(VBRID(id)) : nil
        default: nil
        }
    }
}
