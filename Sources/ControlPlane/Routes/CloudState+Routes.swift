public import IPAddressing
public import NetworkModel
import RouteEngine

/// A route of a VPC's effective table, as the route engine computed it.
public struct LearnedRoute: Sendable, Hashable {
    public var destination: IPv4Prefix
    /// `System`, `Custom` or `CEN`.
    public var type: String
    /// Whether the route is the CEN's conflict case (same destination from two networks).
    public var isConflict: Bool
    /// `VPC` or `VBR`: the kind of network the route came from.
    public var nextHopType: String
    /// The network the route came from.
    public var nextHopId: String
    public var nextHopRegionId: String
    /// `Active`, `Candidate` or `Rejected`.
    public var status: String
    /// Why the route engine gave it this status.
    public var reason: String
}

extension CloudState {
    /// The network model of this state, for the route engine: VPCs with their custom routes, vSwitches,
    /// VPN gateways and CEN attachments (in attachment order, DESIGN §4 decision 1).
    ///
    /// VPN connections and VPN gateway routes are not projected yet; their published VPC routes are listed by
    /// `publishedRoutes(in:)`.
    public var topology: Topology {
        var topology = Topology()
        for vpc in vpcs.values {
            let routes = customRoutes(in: vpc.routeTableId).compactMap { entry -> NetworkModel.RouteEntry? in
                guard let hop = RouteNextHop(type: entry.nextHopType, id: entry.nextHopId) else { return nil }
                return NetworkModel.RouteEntry(
                    id: RouteEntryID(entry.id),
                    destination: entry.destination,
                    nextHop: hop,
                    name: entry.name
                )
            }
            topology.add(
                NetworkModel.VPC(
                    id: VPCID(vpc.id),
                    name: vpc.name,
                    region: RegionID(vpc.regionId),
                    cidrBlock: vpc.cidrBlock,
                    routeTableID: RouteTableID(vpc.routeTableId),
                    routes: routes
                )
            )
        }
        for vs in vSwitches.values {
            topology.add(
                NetworkModel.VSwitch(
                    id: VSwitchID(vs.id),
                    name: vs.name,
                    vpc: VPCID(vs.vpcId),
                    cidrBlock: vs.cidrBlock,
                    zone: vs.zoneId
                )
            )
        }
        for gw in vpnGateways.values {
            topology.add(
                NetworkModel.VPNGateway(
                    id: VPNGatewayID(gw.id),
                    name: gw.name,
                    vpc: VPCID(gw.vpcId),
                    vSwitch: gw.vSwitchId.isEmpty ? nil : VSwitchID(gw.vSwitchId),
                    bandwidth: gw.bandwidth,
                    isIPsecEnabled: gw.enableIpsec,
                    isSSLEnabled: gw.enableSsl,
                    publicIP: gw.internetIp
                )
            )
        }
        for cen in cens.values {
            let attached = ordered(cenAttachments).filter { $0.cenId == cen.id }.map {
                NetworkReference.vpc(VPCID($0.childInstanceId))
            }
            func reference(_ route: CENRoute) -> CENRouteReference {
                CENRouteReference(network: .vpc(VPCID(route.vpcId)), destination: route.destination)
            }
            topology.add(
                CENInstance(
                    id: CENID(cen.id),
                    name: cen.name,
                    attachments: attached,
                    publishedRoutes: cen.publishedRoutes.map(reference),
                    withdrawnRoutes: cen.withdrawnRoutes.map(reference)
                )
            )
        }
        projectExpressConnect(into: &topology)
        return topology
    }

    /// Routes `vpcId` learned from its CEN, every status, computed by the route engine.
    ///
    /// - Complexity: builds the route engine over the whole state (not yet incremental).
    public func learnedRoutes(of vpcId: String) -> [LearnedRoute] {
        guard cenAttachments["cenattach-" + vpcId] != nil else { return [] }
        return effectiveRoutes(of: vpcId).filter { $0.type == RouteEntryType.cen.rawValue }
    }

    /// Every route of `vpcId`'s effective table (system, custom, CEN-learned), with status and reason.
    public func effectiveRoutes(of vpcId: String) -> [LearnedRoute] {
        guard vpcs[vpcId] != nil else { return [] }
        let engine = RouteEngine(topology)
        guard let table = engine.routeTable(for: .vpc(VPCID(vpcId))) else { return [] }
        return table.entries.map { entry in
            var region = ""
            if case .network(_, let r) = entry.nextHop { region = r.rawValue }
            return LearnedRoute(
                destination: entry.destination,
                type: entry.type.rawValue,
                isConflict: entry.isConflict,
                nextHopType: entry.nextHop.typeName,
                nextHopId: entry.nextHop.idText,
                nextHopRegionId: region,
                status: entry.status.rawValue,
                reason: entry.reason
            )
        }
    }
}
