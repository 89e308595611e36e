public import IPAddressing
import NetworkModel
public import RouteEngine

/// Traces flows over a ``RouteEngine``'s tables: hop by hop, forward and back, with the outcome, a one-sentence
/// explanation and the fix.
///
/// ```swift
/// let analyzer = ReachabilityAnalyzer(engine)
/// let result = analyzer.trace(Flow(source: office1PC, destination: vpc2Instance))
/// result.isReachable, result.forward.hops, result.explanation
/// ```
public struct ReachabilityAnalyzer: Sendable {
    public let engine: RouteEngine

    /// Cross-region bandwidth verdicts, precomputed per CEN and region pair (nil value: bandwidth is allocated).
    let bandwidthWarnings: [_RegionPair: TraceWarning?]

    public init(_ engine: RouteEngine) {
        self.engine = engine
        self.topology = engine.topology
        var warnings: [_RegionPair: TraceWarning?] = [:]
        for cen in engine.topology.cens.values {
            let regions = Set(cen.attachments.compactMap { engine.topology.region(of: $0) })
            for a in regions {
                for b in regions where a != b {
                    warnings[_RegionPair(cen: cen.id, from: a, to: b)] = .some(Self.bandwidthWarning(engine.topology, cen.id, a, b))
                }
            }
        }
        bandwidthWarnings = warnings
    }

    /// The engine's topology, held here once: reading it through `engine` from this module would copy the
    /// whole value (a cross-module getter) on every access of the per-packet path.
    let topology: Topology

    /// Traces a flow forward and, when it is accepted, its reply back (security groups are stateful: the reply of
    /// an accepted flow passes them).
    ///
    /// - Parameter sourceNode: where the flow starts; by default the instance with the source address, else the
    ///   site whose network contains it.
    public func trace(_ flow: Flow, from sourceNode: NodeID? = nil) -> TraceResult {
        guard let start = sourceNode ?? endpointNode(for: flow.source) else {
            let path = PathTrace(
                flow: flow, hops: [], disposition: .unknownSource,
                explanation: "\(flow.source) is neither an instance's private IP nor inside a site's network",
                fix: "trace from an instance's private IP or an address inside an office's CIDR block", warnings: [])
            return TraceResult(flow: flow, forward: path, reverse: nil)
        }
        let forward = walk(flow, from: start, isReply: false)
        guard forward.disposition == .accepted, let end = forward.finalNode else {
            return TraceResult(flow: flow, forward: forward, reverse: nil)
        }
        let reverse = walk(flow.reversed, from: end, isReply: true)
        return TraceResult(flow: flow, forward: forward, reverse: reverse)
    }

    /// `ping` from one address to another: an ICMP trace.
    public func ping(_ source: IPv4Address, _ destination: IPv4Address) -> TraceResult {
        trace(Flow(source: source, destination: destination))
    }

    /// The node that answers for an address: an instance with it, else the site whose network contains it.
    public func endpointNode(for address: IPv4Address) -> NodeID? {
        if let instance = engine.instance(at: address) { return .instance(instance) }
        if let site = engine.site(containing: address) { return .site(site) }
        return nil
    }

    /// Every instance and one PC per site (``Site/representativeAddress``), sorted by name of node.
    public func endpoints() -> [Endpoint] {
        var result: [Endpoint] = []
        for instance in topology.instances.values.sorted(by: { $0.id < $1.id }) {
            result.append(Endpoint(node: .instance(instance.id), address: instance.privateIP, name: instance.name))
        }
        for site in topology.sites.values.sorted(by: { $0.id < $1.id }) {
            if let address = site.representativeAddress {
                result.append(Endpoint(node: .site(site.id), address: address, name: site.name))
            }
        }
        return result
    }

    /// Pings every endpoint from every other one.
    public func matrix(_ endpoints: [Endpoint]? = nil) -> [(source: Endpoint, destination: Endpoint, result: TraceResult)] {
        let list = endpoints ?? self.endpoints()
        var result: [(Endpoint, Endpoint, TraceResult)] = []
        for a in list {
            for b in list where a != b {
                result.append((a, b, trace(Flow(source: a.address, destination: b.address), from: a.node)))
            }
        }
        return result
    }
}

// MARK: The walk

struct _RegionPair: Hashable, Sendable {
    var cen: CENID
    var from: RegionID
    var to: RegionID
}

/// How the packet reached the current node.
enum _Arrival: Hashable {
    case origin
    case fromInstance
    case fromVPC
    case fromTunnel(VPNConnectionID)
    case fromGateway
    case fromCEN
    case fromRouterInterface
    case fromVBR
    case fromSite
}

struct _Walk {
    var hops: [Hop] = []
    var warnings: [TraceWarning] = []
}

extension ReachabilityAnalyzer {
    func walk(_ flow: Flow, from start: NodeID, isReply: Bool) -> PathTrace {
        var w = _Walk()
        w.hops.reserveCapacity(8)
        var node = start
        var arrival = _Arrival.origin
        var visited: [NodeID] = []  // a handful of routers: a linear scan beats hashing
        var lastVPC: VPCID?

        func end(
            _ disposition: Disposition, _ explanation: String, fix: String? = nil, group: SecurityGroupID? = nil,
            cause: TunnelDownCause? = nil, at final: NodeID? = nil
        ) -> PathTrace {
            PathTrace(
                flow: flow, hops: w.hops, disposition: disposition, explanation: explanation, fix: fix,
                warnings: w.warnings, securityGroup: group, tunnelDownCause: cause, finalNode: final ?? node)
        }

        for _ in 0..<64 {
            // Coming back to a router already passed is a loop (instances end or start a path).
            if case .instance = node {
            } else {
                if visited.contains(node) {
                    w.hops.append(Hop(node: node, note: "reached again"))
                    return end(.loop, "the flow loops: it comes back to \(describe(node))", fix: "check the routes of the routers on this path for a cycle")
                }
                visited.append(node)
            }

            switch node {
            case .instance(let id):
                guard let instance = topology.instances[id], let vpc = topology.vpc(of: instance) else {
                    return end(.unknownSource, "instance \(id) does not exist")
                }
                if arrival == .origin {
                    if !isReply, let denial = securityDenial(instance, direction: .egress, peer: flow.destination, flow: flow) {
                        w.hops.append(Hop(node: node, note: "egress denied by \(denial.group)"))
                        return end(.deniedOut, denial.explanation, fix: denial.fix, group: denial.group)
                    }
                    w.hops.append(Hop(node: node, link: .vSwitch(instance.vSwitch), note: isReply ? "replies" : "sends"))
                    node = .vpc(vpc)
                    arrival = .fromInstance
                } else {
                    if !isReply, let denial = securityDenial(instance, direction: .ingress, peer: flow.source, flow: flow) {
                        w.hops.append(Hop(node: node, note: "ingress denied by \(denial.group)"))
                        return end(.deniedIn, denial.explanation, fix: denial.fix, group: denial.group)
                    }
                    w.hops.append(Hop(node: node, note: "accepted"))
                    return end(.accepted, "\(flow.destination) (\(describe(node))) answers")
                }

            case .vpc(let vpcID):
                lastVPC = vpcID
                guard let entry = engine.lookup(flow.destination, at: node) else {
                    w.hops.append(Hop(node: node, note: "no route"))
                    let (explanation, fix) = explainNoRouteInNetwork(.vpc(vpcID), flow.destination)
                    return end(.noRoute, explanation, fix: fix)
                }
                switch forwardFromNetwork(.vpc(vpcID), entry, flow, &w) {
                case .next(let next, let how):
                    node = next
                    arrival = how
                case .stop(let disposition, let explanation, let fix):
                    return end(disposition, explanation, fix: fix)
                }

            case .vbr(let vbrID):
                guard let entry = engine.lookup(flow.destination, at: node) else {
                    w.hops.append(Hop(node: node, note: "no route"))
                    let (explanation, fix) = explainNoRouteInNetwork(.vbr(vbrID), flow.destination)
                    return end(.noRoute, explanation, fix: fix)
                }
                switch forwardFromNetwork(.vbr(vbrID), entry, flow, &w) {
                case .next(let next, let how):
                    node = next
                    arrival = how
                case .stop(let disposition, let explanation, let fix):
                    return end(disposition, explanation, fix: fix)
                }

            case .vpnGateway(let gatewayID):
                guard let gateway = topology.vpnGateways[gatewayID] else { return end(.blackhole, "VPN gateway \(gatewayID) does not exist") }
                if gateway.status != .active || !gateway.isIPsecEnabled {
                    let cause: TunnelDownCause = gateway.status != .active ? .gatewayInactive(gateway.status) : .ipsecDisabled
                    w.hops.append(Hop(node: node, note: "gateway cannot forward"))
                    return end(
                        .tunnelDown, "VPN gateway \(describe(node)) cannot carry traffic: \(cause)",
                        fix: gateway.status != .active ? "wait until the gateway is active" : "enable IPsec-VPN on the gateway (EnableIpsec=true)",
                        cause: cause)
                }
                if let entry = engine.lookup(flow.destination, source: flow.source, at: node),
                    case .vpnConnection(let connectionID) = entry.nextHop
                {
                    w.hops.append(Hop(node: node, entry: entry, link: .ipsecTunnel(connectionID), note: "routed into the tunnel"))
                    switch crossTunnel(connectionID, towardsSite: true, flow, &w) {
                    case .failure(let failure):
                        return end(.tunnelDown, failure.explanation, fix: failure.fix, cause: failure.cause)
                    case .success(let site):
                        node = .site(site)
                        arrival = .fromTunnel(connectionID)
                    }
                } else if case .fromTunnel = arrival {
                    w.hops.append(Hop(node: node, link: .vpnGatewayToVPC(gateway.vpc), note: "no gateway route matches: handed to the VPC"))
                    node = .vpc(gateway.vpc)
                    arrival = .fromGateway
                } else {
                    w.hops.append(Hop(node: node, note: "no route"))
                    let block = suggestedBlock(for: flow.destination)
                    let connection = topology.connections(of: gatewayID).first?.id.rawValue ?? "<vco-…>"
                    return end(
                        .noRoute, "VPN gateway \(describe(node)) has no route for \(flow.destination)",
                        fix: "add a gateway route: CreateVpnRouteEntry VpnGatewayId=\(gatewayID) RouteDest=\(block) NextHop=\(connection) Weight=100 PublishVpc=true")
                }

            case .site(let siteID):
                guard let site = topology.sites[siteID] else { return end(.blackhole, "site \(siteID) does not exist") }
                if arrival != .origin, site.cidrs.contains(where: { $0.contains(flow.destination) }) {
                    w.hops.append(Hop(node: node, note: "delivered to a PC in the site"))
                    return end(.accepted, "\(flow.destination) (a PC in \(describe(node))) answers")
                }
                guard let entry = engine.lookup(flow.destination, at: node) else {
                    w.hops.append(Hop(node: node, note: "no route"))
                    let peer = site.ipsecConfigurations.first?.peerIP.description ?? "<VPN gateway public IP>"
                    return end(
                        .noRoute, "the gateway device of \(describe(node)) has no route to \(flow.destination)",
                        fix: "add a static route on the device: ip route \(suggestedBlock(for: flow.destination)) \(peer)")
                }
                switch entry.nextHop {
                case .connected:
                    w.hops.append(Hop(node: node, entry: entry, note: "delivered on the site's own network"))
                    return end(.accepted, "\(flow.destination) is on the site's own network")
                case .ipAddress(let ip), .ipsecTunnel(let ip):
                    if let gatewayID = engine.vpnGateway(withPublicIP: ip) {
                        guard let connectionID = engine.connection(fromSite: siteID, toGatewayIP: ip) else {
                            w.hops.append(Hop(node: node, entry: entry, note: "no tunnel to \(ip)"))
                            return end(
                                .tunnelDown,
                                "\(describe(node)) routes \(flow.destination) to \(ip), but no IPsec connection of VPN gateway \(gatewayID) has a customer gateway with this site's IP",
                                fix: "create a customer gateway for \(site.gatewayIP) and an IPsec connection on \(gatewayID)",
                                cause: .noSite(site.gatewayIP))
                        }
                        w.hops.append(Hop(node: node, entry: entry, link: .ipsecTunnel(connectionID), note: "routed into the tunnel to \(ip)"))
                        switch crossTunnel(connectionID, towardsSite: false, flow, &w) {
                        case .failure(let failure):
                            return end(.tunnelDown, failure.explanation, fix: failure.fix, cause: failure.cause)
                        case .success:
                            node = .vpnGateway(gatewayID)
                            arrival = .fromTunnel(connectionID)
                        }
                    } else if let vbrID = engine.vbr(withGatewayIP: ip), topology.vbrs[vbrID]?.site == siteID {
                        w.hops.append(Hop(node: node, entry: entry, link: .physicalConnection(vbrID), note: "sent to the VBR"))
                        node = .vbr(vbrID)
                        arrival = .fromSite
                    } else {
                        w.hops.append(Hop(node: node, entry: entry, note: "next hop \(ip) unknown"))
                        return end(
                            .blackhole, "\(describe(node)) routes \(flow.destination) to \(ip), which is neither a VPN gateway's public IP nor a VBR's gateway IP",
                            fix: "point the static route at the VPN gateway's public IP")
                    }
                default:
                    w.hops.append(Hop(node: node, entry: entry, note: "unsupported next hop"))
                    return end(.blackhole, "unsupported next hop \(entry.nextHop) on \(describe(node))")
                }

            case .cen(let id):
                return end(.blackhole, "CEN \(id) is not a router the flow can stop at")
            }
        }
        _ = lastVPC
        return end(.loop, "the flow passed 64 routers without arriving", fix: "check the routes on this path for a cycle")
    }

    enum _Step {
        case next(NodeID, _Arrival)
        case stop(Disposition, String, String?)
    }

    /// Forwarding decision of a VPC vRouter or a VBR for an entry.
    func forwardFromNetwork(_ network: NetworkReference, _ entry: RouteTableEntry, _ flow: Flow, _ w: inout _Walk) -> _Step {
        let here = NodeID(network)
        switch entry.nextHop {
        case .local(let vSwitch):
            guard case .vpc(let vpc) = network, let instance = engine.instance(at: flow.destination, in: vpc) else {
                w.hops.append(Hop(node: here, entry: entry, link: .vSwitch(vSwitch), note: "no instance has the address"))
                return .stop(
                    .neighborUnreachable, "no instance in \(describe(here)) has the address \(flow.destination) (vSwitch \(vSwitch))",
                    "trace to an instance's private IP")
            }
            w.hops.append(Hop(node: here, entry: entry, link: .vSwitch(vSwitch), note: "delivered on the vSwitch"))
            return .next(.instance(instance), .fromVPC)
        case .service:
            w.hops.append(Hop(node: here, entry: entry, note: "cloud services"))
            return .stop(.blackhole, "\(flow.destination) is in the cloud-service block 100.64.0.0/10, which Meridian does not model", nil)
        case .vpnGateway(let gateway):
            w.hops.append(Hop(node: here, entry: entry, link: .vpcToVPNGateway(gateway), note: "to the VPN gateway"))
            return .next(.vpnGateway(gateway), .fromVPC)
        case .routerInterface(let id):
            guard let interface = topology.routerInterfaces[id], let oppositeID = interface.oppositeInterface,
                let opposite = topology.routerInterfaces[oppositeID]
            else {
                w.hops.append(Hop(node: here, entry: entry, note: "router interface not connected"))
                return .stop(.blackhole, "router interface \(id) has no opposite interface", "connect the pair (ConnectRouterInterface)")
            }
            w.hops.append(Hop(node: here, entry: entry, link: .routerInterface(id, opposite: oppositeID), note: "over Express Connect"))
            for end in [interface, opposite] where end.status != .active {
                return .stop(
                    .blackhole,
                    "router interface \(end.id) is \(end.status.rawValue): the route \(entry.destination) in \(describe(here)) points to a pair that does not carry traffic",
                    end.status == .inactive ? "activate it: ActivateRouterInterface RouterInterfaceId=\(end.id)" : "connect the pair: ConnectRouterInterface RouterInterfaceId=\(interface.role == .initiatingSide ? interface.id : opposite.id)")
            }
            return .next(NodeID(opposite.router), .fromRouterInterface)
        case .network(let other, let region):
            let here = NodeID(network)
            let fromRegion = topology.region(of: network) ?? region
            let cenID = engine.cen(of: network)
            w.hops.append(Hop(node: here, entry: entry, link: cenID.map { .cen($0, from: fromRegion, to: region) }, note: "over CEN"))
            if let cenID, fromRegion != region, let warning = cachedBandwidthWarning(cenID, fromRegion, region) {
                w.warnings.append(warning)
            }
            return .next(NodeID(other), .fromCEN)
        case .instance(let id):
            if topology.instances[id]?.privateIP == flow.destination {
                w.hops.append(Hop(node: here, entry: entry, note: "to the instance"))
                return .next(.instance(id), .fromVPC)
            }
            w.hops.append(Hop(node: here, entry: entry, note: "to instance \(id)"))
            return .stop(.blackhole, "the route \(entry.destination) sends traffic to instance \(id); Meridian does not model instances that forward", nil)
        case .haVip(let id):
            w.hops.append(Hop(node: here, entry: entry, note: "to HaVip \(id)"))
            return .stop(.blackhole, "the route \(entry.destination) sends traffic to HaVip \(id), which Meridian does not model", nil)
        case .site(let site):
            w.hops.append(Hop(node: here, entry: entry, link: network.vbrID.map { .physicalConnection($0) }, note: "to the data centre"))
            return .next(.site(site), .fromVBR)
        case .vpnConnection, .connected, .ipAddress, .ipsecTunnel:
            w.hops.append(Hop(node: here, entry: entry, note: "unexpected next hop"))
            return .stop(.blackhole, "unexpected next hop \(entry.nextHop) in \(describe(here))", nil)
        }
    }
}

extension NetworkReference {
    var vbrID: VBRID? {
        if case .vbr(let id) = self { return id }
        return nil
    }
}
