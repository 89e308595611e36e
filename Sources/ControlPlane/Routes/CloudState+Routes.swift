import IPAddressing
public import NetworkModel

/// One of two values.
enum Either<Left, Right> {
    case left(Left)
    case right(Right)
}

extension CloudState {
    /// The network model of this state, for the route engine: the single source of route tables and tunnel
    /// states (DESIGN §4).
    ///
    /// Every resource kind the control plane holds is projected: VPCs with their custom routes, vSwitches, VPN
    /// gateways with their destination- and policy-based routes (entry order = creation order, so a route's
    /// index in the engine names the same API entry), customer gateways, IPsec connections with their IKE and
    /// IPsec settings, and CEN instances with their attachments (in attachment order, decision 1) and their
    /// published and withdrawn routes. Each area has its own `project…(into:)`; a new resource kind adds one.
    /// - Complexity: O(n log n) for n resources.
    public var topology: Topology {
        var topology = Topology()
        projectVPCs(into: &topology)
        projectVPN(into: &topology)
        projectCEN(into: &topology)
        projectSites(into: &topology)
        return topology
    }

    /// VPCs with their custom routes, and vSwitches.
    ///
    /// A custom route whose `NextHopType` the network model has no case for (`NetworkInterface`, `NatGateway`,
    /// `IPv6Gateway`) is left out; the control plane does not accept such routes yet.
    func projectVPCs(into topology: inout Topology) {
        var routesByTable: [String: [NetworkModel.RouteEntry]] = [:]
        for entry in ordered(routeEntries) {
            if let route = Self.projected(entry) { routesByTable[entry.routeTableId, default: []].append(route) }
        }
        for vpc in vpcs.values {
            topology.add(
                NetworkModel.VPC(
                    id: VPCID(vpc.id),
                    name: vpc.name,
                    region: RegionID(vpc.regionId),
                    cidrBlock: vpc.cidrBlock,
                    routeTableID: RouteTableID(vpc.routeTableId),
                    routes: routesByTable[vpc.routeTableId] ?? []
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
    }

    /// VPN gateways with their routes, customer gateways and IPsec connections.
    func projectVPN(into topology: inout Topology) {
        var routes: [String: [VPNRoute]] = [:]
        var policyRoutes: [String: [VPNPolicyRoute]] = [:]
        for entry in ordered(vpnRouteEntries) {
            switch Self.projected(entry) {
            case .left(let route): routes[entry.vpnGatewayId, default: []].append(route)
            case .right(let route): policyRoutes[entry.vpnGatewayId, default: []].append(route)
            }
        }
        for gw in vpnGateways.values {
            topology.add(
                Self.projected(gw, routes: routes[gw.id] ?? [], policyRoutes: policyRoutes[gw.id] ?? [])
            )
        }
        for cgw in customerGateways.values {
            topology.add(
                NetworkModel.CustomerGateway(
                    id: CustomerGatewayID(cgw.id),
                    name: cgw.name,
                    region: RegionID(cgw.regionId),
                    ipAddress: cgw.ipAddress
                )
            )
        }
        for connection in vpnConnections.values { topology.add(Self.projected(connection)) }
    }

    /// CEN instances with their attachments, published and withdrawn routes.
    func projectCEN(into topology: inout Topology) {
        var attachments: [String: [NetworkReference]] = [:]
        for attachment in ordered(cenAttachments) {
            attachments[attachment.cenId, default: []].append(network(attachment.childInstanceId))
        }
        for cen in cens.values { topology.add(projected(cen, attachments: attachments[cen.id] ?? [])) }
    }

    // MARK: One resource at a time (also used to keep the route engine up to date change by change)

    static func projected(_ entry: RouteEntry) -> NetworkModel.RouteEntry? {
        guard let hop = RouteNextHop(type: entry.nextHopType, id: entry.nextHopId) else { return nil }
        return NetworkModel.RouteEntry(
            id: RouteEntryID(entry.id),
            destination: entry.destination,
            nextHop: hop,
            name: entry.name
        )
    }

    /// A VPN gateway route: destination-based (`left`) or policy-based (`right`).
    static func projected(_ entry: VPNRouteEntry) -> Either<VPNRoute, VPNPolicyRoute> {
        if let source = entry.routeSource {
            return .right(
                VPNPolicyRoute(
                    source: source,
                    destination: entry.routeDest,
                    nextHop: VPNConnectionID(entry.nextHop),
                    weight: entry.weight,
                    priority: entry.priority,
                    publishToVPC: entry.published
                )
            )
        }
        return .left(
            VPNRoute(
                destination: entry.routeDest,
                nextHop: VPNConnectionID(entry.nextHop),
                weight: entry.weight,
                publishToVPC: entry.published
            )
        )
    }

    /// A VPN gateway; a `Status` the network model does not know counts as not active (`init`).
    static func projected(
        _ gw: VPNGateway,
        routes: [VPNRoute],
        policyRoutes: [VPNPolicyRoute]
    ) -> NetworkModel.VPNGateway {
        NetworkModel.VPNGateway(
            id: VPNGatewayID(gw.id),
            name: gw.name,
            vpc: VPCID(gw.vpcId),
            vSwitch: gw.vSwitchId.isEmpty ? nil : VSwitchID(gw.vSwitchId),
            bandwidth: gw.bandwidth,
            isIPsecEnabled: gw.enableIpsec,
            isSSLEnabled: gw.enableSsl,
            publicIP: gw.internetIp,
            status: VPNGatewayStatus(rawValue: gw.status) ?? .initializing,
            routes: routes,
            policyRoutes: policyRoutes
        )
    }

    /// An IPsec connection with its phase-1 and phase-2 settings.
    ///
    /// The control plane stores the algorithm names it accepted (`CreateVpnConnection` checks them against the
    /// same lists), so every name parses; a stored name that does not (a hand-edited store) falls back to the
    /// cloud's default for that field. `EnableDpd` and `EnableNatTraversal` have no part in the model.
    static func projected(_ c: VPNConnection) -> NetworkModel.VPNConnection {
        let ike = c.ikeConfig
        let ipsec = c.ipsecConfig
        return NetworkModel.VPNConnection(
            id: VPNConnectionID(c.id),
            name: c.name,
            vpnGateway: VPNGatewayID(c.vpnGatewayId),
            customerGateway: CustomerGatewayID(c.customerGatewayId),
            localSubnet: c.localSubnet,
            remoteSubnet: c.remoteSubnet,
            effectImmediately: c.effectImmediately,
            ikeConfig: NetworkModel.IKEConfig(
                preSharedKey: ike.psk,
                version: IKEVersion(rawValue: ike.ikeVersion.lowercased()) ?? .ikev1,
                mode: IKEMode(rawValue: ike.ikeMode.lowercased()) ?? .main,
                encryptionAlgorithm: EncryptionAlgorithm(rawValue: ike.ikeEncAlg.lowercased()) ?? .aes,
                authenticationAlgorithm: AuthenticationAlgorithm(rawValue: ike.ikeAuthAlg.lowercased()) ?? .md5,
                dhGroup: DHGroup(rawValue: ike.ikePfs.lowercased()) ?? .group2,
                lifetime: ike.ikeLifetime,
                localID: ike.localId.isEmpty ? nil : ike.localId,
                remoteID: ike.remoteId.isEmpty ? nil : ike.remoteId
            ),
            ipsecConfig: NetworkModel.IPsecConfig(
                encryptionAlgorithm: EncryptionAlgorithm(rawValue: ipsec.ipsecEncAlg.lowercased()) ?? .aes,
                authenticationAlgorithm: AuthenticationAlgorithm(rawValue: ipsec.ipsecAuthAlg.lowercased()) ?? .md5,
                pfs: DHGroup(rawValue: ipsec.ipsecPfs.lowercased()) ?? .group2,
                lifetime: ipsec.ipsecLifetime
            )
        )
    }

    /// A CEN instance with the given attachments (in attachment order).
    func projected(_ cen: CEN, attachments: [NetworkReference]) -> CENInstance {
        func reference(_ route: CENRoute) -> CENRouteReference {
            CENRouteReference(network: network(route.vpcId), destination: route.destination)
        }
        return CENInstance(
            id: CENID(cen.id),
            name: cen.name,
            attachments: attachments,
            publishedRoutes: cen.publishedRoutes.map(reference),
            withdrawnRoutes: cen.withdrawnRoutes.map(reference)
        )
    }

    /// The network a CEN child id names: a VBR when its attachment says so, else a VPC.
    func network(_ childId: String) -> NetworkReference {
        cenAttachments["cenattach-" + childId]?.childInstanceType == "VBR" ? .vbr(VBRID(childId)) : .vpc(VPCID(childId))
    }
}

