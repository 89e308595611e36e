import IPAddressing
import NetworkModel
import RouteEngine

struct _Denial {
    var group: SecurityGroupID
    var explanation: String
    var fix: String
}

struct _TunnelFailure: Error {
    var cause: TunnelDownCause
    var explanation: String
    var fix: String
}

extension ReachabilityAnalyzer {
    /// A node's name for sentences: "VPC 2 (vpc-2)" or the id.
    func describe(_ node: NodeID) -> String {
        let name: String
        switch node {
        case .vpc(let id): name = topology.vpcs[id]?.name ?? ""
        case .vbr(let id): name = topology.vbrs[id]?.name ?? ""
        case .vpnGateway(let id): name = topology.vpnGateways[id]?.name ?? ""
        case .site(let id): name = topology.sites[id]?.name ?? ""
        case .cen(let id): name = topology.cens[id]?.name ?? ""
        case .instance(let id): name = topology.instances[id]?.name ?? ""
        }
        return name.isEmpty ? node.description : "\(name) (\(node))"
    }

    /// The block a fix should name for an address: the site or VPC block containing it, else the /32.
    func suggestedBlock(for address: IPv4Address) -> IPv4Prefix {
        if let site = engine.site(containing: address), let block = topology.sites[site]?.cidrs.first(where: { $0.contains(address) }) {
            return block
        }
        if let vpc = topology.vpcs.values.sorted(by: { $0.id < $1.id }).first(where: { $0.cidrBlock.contains(address) }) {
            return vpc.cidrBlock
        }
        return IPv4Prefix(containing: address, length: 32)
    }

    // MARK: Security groups

    /// Evaluates an instance's groups: rules sorted by priority (1 first), drop beats accept at equal priority;
    /// ingress is denied unless a rule accepts (instances sharing a group accept each other by default), egress
    /// is allowed unless a rule drops.
    func securityDenial(_ instance: Instance, direction: RuleDirection, peer: IPv4Address, flow: Flow) -> _Denial? {
        var best: (priority: Int, policy: RulePolicy, group: SecurityGroupID, index: Int)?
        for groupID in instance.securityGroups {
            guard let group = topology.securityGroups[groupID] else { continue }
            for (index, rule) in group.rules.enumerated() where rule.direction == direction {
                guard rule.ipProtocol == .all || rule.ipProtocol == flow.ipProtocol else { continue }
                if rule.ipProtocol == .tcp || rule.ipProtocol == .udp, !rule.portRange.contains(flow.destinationPort) { continue }
                guard rule.cidr.contains(peer) else { continue }
                if let current = best {
                    if rule.priority > current.priority { continue }
                    if rule.priority == current.priority && !(rule.policy == .drop && current.policy == .accept) { continue }
                }
                best = (rule.priority, rule.policy, groupID, index)
            }
        }
        let verb = direction == .ingress ? "from" : "to"
        if let best {
            guard best.policy == .drop else { return nil }
            let rule = topology.securityGroups[best.group]!.rules[best.index]
            return _Denial(
                group: best.group,
                explanation: "security group \(groupName(best.group)) of \(describe(.instance(instance.id))) drops \(flow.ipProtocol) \(verb) \(peer) (rule \(best.index): \(rule.direction.rawValue) \(rule.ipProtocol) \(rule.portRange) \(rule.cidr) drop, priority \(rule.priority))",
                fix: "remove or lower that drop rule, or add an accept rule with a smaller priority number in \(best.group)")
        }
        guard direction == .ingress else { return nil }
        if let peerID = engine.instance(at: peer), let peerInstance = topology.instances[peerID],
            topology.vpc(of: peerInstance) == topology.vpc(of: instance),
            !Set(peerInstance.securityGroups).isDisjoint(with: instance.securityGroups)
        {
            return nil
        }
        let group = instance.securityGroups.first ?? SecurityGroupID("sg-?")
        let port = flow.destinationPort.map { "\($0)/\($0)" } ?? "-1/-1"
        return _Denial(
            group: group,
            explanation: "security group \(instance.securityGroups.map(groupName).joined(separator: ", ")) of \(describe(.instance(instance.id))) has no rule that accepts \(flow.ipProtocol) from \(peer); inbound traffic is denied unless a rule accepts it",
            fix: "AuthorizeSecurityGroup SecurityGroupId=\(group) IpProtocol=\(flow.ipProtocol) PortRange=\(port) SourceCidrIp=\(suggestedBlock(for: peer)) Policy=accept")
    }

    func groupName(_ id: SecurityGroupID) -> String {
        let name = topology.securityGroups[id]?.name ?? ""
        return name.isEmpty ? id.rawValue : "\(name) (\(id))"
    }

    // MARK: Tunnels

    /// Checks that a connection carries the flow; returns the site at the other end.
    func crossTunnel(_ connectionID: VPNConnectionID, towardsSite: Bool, _ flow: Flow, _ w: inout _Walk)
        -> Result<SiteID, _TunnelFailure>
    {
        guard let status = engine.tunnelStatus(connectionID), let connection = topology.vpnConnections[connectionID] else {
            return .failure(_TunnelFailure(cause: .missingResource("IPsec connection \(connectionID) does not exist"), explanation: "IPsec connection \(connectionID) does not exist", fix: "create it"))
        }
        guard status.state.carriesTraffic, let siteID = status.site, let index = status.configurationIndex,
            let site = topology.sites[siteID]
        else {
            let cause = status.cause ?? .missingResource("no site")
            return .failure(_TunnelFailure(cause: cause, explanation: "IPsec connection \(name(connectionID)) is down (\(status.state.cloudStatus)): \(cause)", fix: tunnelFix(cause, connection)))
        }
        if status.state == .waitingForTraffic {
            w.warnings.append(
                TraceWarning(
                    kind: .negotiatesOnTraffic,
                    message: "IPsec connection \(name(connectionID)) negotiates only now, triggered by this traffic (EffectImmediately=false); the first packets may be lost",
                    fix: "set EffectImmediately=true to negotiate at once"))
        }
        let config = site.ipsecConfigurations[index]
        func covers(_ blocks: [IPv4Prefix], _ address: IPv4Address) -> Bool { blocks.contains { $0.contains(address) } }
        let cloudCovers: Bool
        let siteCovers: Bool
        if towardsSite {
            cloudCovers = covers(connection.localSubnet, flow.source) && covers(connection.remoteSubnet, flow.destination)
            siteCovers = covers(config.remoteSubnet, flow.source) && covers(config.localSubnet, flow.destination)
        } else {
            cloudCovers = covers(connection.remoteSubnet, flow.source) && covers(connection.localSubnet, flow.destination)
            siteCovers = covers(config.localSubnet, flow.source) && covers(config.remoteSubnet, flow.destination)
        }
        if !siteCovers && config.isPolicyBased {
            let cause = TunnelDownCause.selectorsDoNotCoverFlow
            return .failure(
                _TunnelFailure(
                    cause: cause,
                    explanation: "IPsec connection \(name(connectionID)) cannot carry \(flow.source) → \(flow.destination): the selectors do not cover the flow (the device of \(describe(.site(siteID))) is policy-based: local \(list(config.localSubnet)), remote \(list(config.remoteSubnet)))",
                    fix: "set the local network of \(connectionID) to 0.0.0.0/0 (and the device's remote network to match), or add the missing blocks to both sides' selectors"))
        }
        if !siteCovers || !cloudCovers {
            w.warnings.append(
                TraceWarning(
                    kind: .outsideSelectors,
                    message: "\(flow.source) → \(flow.destination) is outside the negotiated selectors of \(name(connectionID)) (cloud local \(list(connection.localSubnet)), remote \(list(connection.remoteSubnet))); it is carried because both ends are route-based, a policy-based peer would drop it",
                    fix: "set the local network of \(connectionID) to 0.0.0.0/0"))
        }
        return .success(siteID)
    }

    func name(_ id: VPNConnectionID) -> String {
        let name = topology.vpnConnections[id]?.name ?? ""
        return name.isEmpty ? id.rawValue : "\(name) (\(id))"
    }

    func list(_ blocks: [IPv4Prefix]) -> String { blocks.map(\.description).joined(separator: ",") }

    func tunnelFix(_ cause: TunnelDownCause, _ connection: VPNConnection) -> String {
        switch cause {
        case .gatewayInactive: "wait until VPN gateway \(connection.vpnGateway) is active"
        case .ipsecDisabled: "enable IPsec-VPN on VPN gateway \(connection.vpnGateway)"
        case .missingResource: "create the missing resource"
        case .noSite(let ip): "give the office's gateway device the public IP \(ip), or fix the customer gateway's IP"
        case .configurationNotLoaded: "load the configuration of \(connection.id) on the device (DownloadVpnConnectionConfig)"
        case .preSharedKeyMismatch: "set the same pre-shared key on both sides (ModifyVpnConnectionAttribute IkeConfig.Psk, or on the device)"
        case .ikeVersionMismatch: "use the same IKE version on both sides"
        case .noProposalInCommon(let phase, let cloud, _): "configure the device to accept the phase-\(phase) proposal \(cloud), or change the connection's \(phase == 1 ? "IkeConfig" : "IpsecConfig")"
        case .selectorsDoNotMatch: "mirror the networks: the device's local network must be the connection's remote network and vice versa"
        case .selectorsDoNotCoverFlow: "set the local network to 0.0.0.0/0"
        }
    }

    // MARK: CEN bandwidth

    func cachedBandwidthWarning(_ cenID: CENID, _ a: RegionID, _ b: RegionID) -> TraceWarning? {
        if let cached = bandwidthWarnings[_RegionPair(cen: cenID, from: a, to: b)] { return cached }
        return Self.bandwidthWarning(topology, cenID, a, b)
    }

    static func bandwidthWarning(_ topology: Topology, _ cenID: CENID, _ a: RegionID, _ b: RegionID) -> TraceWarning? {
        guard let cen = topology.cens[cenID] else { return nil }
        let allocated = cen.interRegionBandwidths.first { $0.connects(a, b) && $0.bandwidth > 0 }
        if let allocated, let areaA = a.area, let areaB = b.area,
            topology.cenBandwidthPackages.values.contains(where: { $0.cen == cenID && $0.covers(areaA, areaB) })
        {
            _ = allocated
            return nil
        }
        let areas = "\(a.area?.rawValue ?? "?") ↔ \(b.area?.rawValue ?? "?")"
        return TraceWarning(
            kind: .noCrossRegionBandwidth,
            message: "cross-region traffic \(a) → \(b) over \(cenID) has no bandwidth plan: CEN carries it only at its 1 Kbit/s test allowance",
            fix: "buy a bandwidth package for \(areas), associate it with \(cenID) and SetCenInterRegionBandwidthLimit LocalRegionId=\(a) OppositeRegionId=\(b)")
    }

    // MARK: No route

    func explainNoRouteInNetwork(_ network: NetworkReference, _ destination: IPv4Address) -> (String, String) {
        let here = describe(NodeID(network))
        if let (member, entry) = engine.unpublishedRoutes(covering: destination, near: network).first,
            let cen = engine.cen(of: network)
        {
            let ref = CENRouteReference(network: member, destination: entry.destination)
            let status = engine.publishStatus(of: ref)
            let verb = status.reason.contains("withdrawn") ? "was withdrawn from" : "is not published to"
            return (
                "route \(entry.destination) exists in \(describe(NodeID(member))) but \(verb) CEN, so \(here) has no route to \(destination)",
                "PublishRouteEntries CenId=\(cen) ChildInstanceId=\(member) ChildInstanceType=\(member.childInstanceType) ChildInstanceRegionId=\(topology.region(of: member)?.rawValue ?? "") ChildInstanceRouteTableId=\(routeTableID(member)) DestinationCidrBlock=\(entry.destination)"
            )
        }
        let block = suggestedBlock(for: destination)
        return ("\(here) has no route to \(destination)", "add a route for \(block) to \(routeTableID(network)) (CreateRouteEntry)")
    }

    func routeTableID(_ network: NetworkReference) -> String {
        switch network {
        case .vpc(let id): topology.vpcs[id]?.routeTableID.rawValue ?? ""
        case .vbr(let id): topology.vbrs[id]?.routeTableID.rawValue ?? ""
        }
    }
}
