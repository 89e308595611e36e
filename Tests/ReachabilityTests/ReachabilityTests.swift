import IPAddressing
import MeridianTestSupport
import NetworkModel
import Reachability
import RouteEngine
import Testing

private func p(_ text: String) -> IPv4Prefix { TopologyBuilder.prefix(text) }
private func a(_ text: String) -> IPv4Address { TopologyBuilder.address(text) }

private func analyzer(_ topology: Topology) -> ReachabilityAnalyzer { ReachabilityAnalyzer(RouteEngine(topology)) }

/// Every failing pair of the connectivity matrix, as "source → destination: DISPOSITION explanation".
private func failures(_ analyzer: ReachabilityAnalyzer) -> [String] {
    analyzer.matrix().filter { !$0.result.isReachable }.map {
        "\($0.source) → \($0.destination): \($0.result.disposition.rawValue) \($0.result.explanation)"
    }
}

struct ReachabilityTests {
    // MARK: The seeds' promises

    static func seed(_ name: String) -> Topology? {
        switch name {
        case "000": SeedTopologies.seed000()
        case "001": SeedTopologies.seed001()
        case "002": SeedTopologies.seed002()
        case "003": SeedTopologies.seed003()
        case "004": SeedTopologies.seed004()
        default: nil
        }
    }

    @Test(arguments: ["000", "001", "002", "003", "004"])
    func everyPairOfTheSeedIsReachable(seed: String) throws {
        let topology = try #require(Self.seed(seed))
        #expect(topology.validate() == [], "seed \(seed)")
        let analyzer = analyzer(topology)
        let endpoints = analyzer.endpoints()
        #expect(endpoints.count >= 3)
        #expect(failures(analyzer) == [], "seed \(seed)")
    }

    @Test func seed002OfficeOneReachesOfficeThreeHopByHop() throws {
        let analyzer = analyzer(SeedTopologies.seed002())
        let result = analyzer.ping(a("10.10.10.10"), a("10.20.10.10"))
        #expect(result.isReachable)
        #expect(
            result.forward.hops.map(\.node.description) == [
                "site-office1", "vpn-1", "vpc-1", "vpc-2", "vpn-2", "site-office3",
            ])
        #expect(result.forward.hops[0].entry?.type == .staticRoute)
        #expect(result.forward.hops[0].link == .ipsecTunnel("vco-1"))
        #expect(result.forward.hops[2].entry?.type == .cen)
        #expect(result.forward.hops[2].link == .cen("cen-1", from: .siliconValley, to: .shanghai))
        #expect(result.forward.hops[4].link == .ipsecTunnel("vco-3"))
        #expect(result.reverse?.hops.map(\.node.description) == ["site-office3", "vpn-2", "vpc-2", "vpc-1", "vpn-1", "site-office1"])
        // Outside the negotiated selectors (local network 172.16.0.0/16), carried because both ends are route-based.
        #expect(result.warnings.contains { $0.kind == .outsideSelectors })
        // The bandwidth plan of the seed's prerequisites is there: no bandwidth warning.
        #expect(!result.warnings.contains { $0.kind == .noCrossRegionBandwidth })
    }

    @Test func seed002PolicyBasedOfficeDropsFlowsOutsideItsSelectors() {
        var topology = SeedTopologies.seed002()
        topology.sites["site-office1"]!.ipsecConfigurations[0].isPolicyBased = true
        let analyzer = analyzer(topology)
        let result = analyzer.ping(a("10.10.10.10"), a("10.20.10.10"))
        #expect(result.disposition == .tunnelDown)
        #expect(result.forward.tunnelDownCause == .selectorsDoNotCoverFlow)
        #expect(result.fix?.contains("0.0.0.0/0") == true)
        // Its own VPC is inside the selectors and still works.
        #expect(analyzer.ping(a("10.10.10.10"), a("172.16.1.10")).isReachable)
    }

    // MARK: What goes wrong

    @Test func routeNotPublishedToCEN() {
        var topology = SeedTopologies.seed002()
        topology.cens["cen-1"]!.publishedRoutes.removeAll { $0.destination == p("10.20.20.0/24") }
        let result = analyzer(topology).ping(a("172.16.1.10"), a("10.20.20.10"))
        #expect(result.disposition == .noRoute)
        #expect(result.forward.finalNode == .vpc("vpc-1"))
        #expect(result.explanation == "route 10.20.20.0/24 exists in VPC 2 (vpc-2) but is not published to CEN, so VPC 1 (vpc-1) has no route to 10.20.20.10")
        #expect(
            result.fix
                == "PublishRouteEntries CenId=cen-1 ChildInstanceId=vpc-2 ChildInstanceType=VPC ChildInstanceRegionId=cn-shanghai ChildInstanceRouteTableId=vtb-2 DestinationCidrBlock=10.20.20.0/24")
    }

    @Test func publishedRouteWithdrawn() throws {
        var engine = RouteEngine(SeedTopologies.seed002())
        #expect(ReachabilityAnalyzer(engine).ping(a("172.16.1.10"), a("10.20.20.10")).isReachable)
        try engine.apply(.withdrawRoute("cen-1", CENRouteReference(network: .vpc("vpc-2"), destination: p("10.20.20.0/24"))))
        let result = ReachabilityAnalyzer(engine).ping(a("172.16.1.10"), a("10.20.20.10"))
        #expect(result.disposition == .noRoute)
        #expect(result.explanation.hasPrefix("route 10.20.20.0/24 exists in VPC 2 (vpc-2) but is not published to CEN"))
        #expect(result.fix?.hasPrefix("PublishRouteEntries CenId=cen-1 ChildInstanceId=vpc-2") == true)
        // A withdrawn vSwitch route says so.
        try engine.apply(.withdrawRoute("cen-1", CENRouteReference(network: .vpc("vpc-2"), destination: p("192.168.1.0/24"))))
        let vsw = ReachabilityAnalyzer(engine).ping(a("172.16.1.10"), a("192.168.1.10"))
        #expect(vsw.explanation == "route 192.168.1.0/24 exists in VPC 2 (vpc-2) but was withdrawn from CEN, so VPC 1 (vpc-1) has no route to 192.168.1.10")
    }

    @Test func officeStaticRoutesNeverAdded() {
        let analyzer = analyzer(SeedTopologies.seed002(officeStaticRoutes: false))
        let result = analyzer.ping(a("10.10.10.10"), a("10.20.10.10"))
        #expect(result.disposition == .noRoute)
        #expect(result.forward.finalNode == .site("site-office1"))
        #expect(result.explanation == "the gateway device of Office 1 (site-office1) has no route to 10.20.10.10")
        #expect(result.fix == "add a static route on the device: ip route 10.20.10.0/24 5.5.5.5")
        // Its own VPC still works through the loaded configuration's selectors.
        let own = analyzer.ping(a("10.10.10.10"), a("172.16.1.10"))
        #expect(own.isReachable)
        #expect(own.forward.hops.first?.entry?.type == .ipsecSelector)
    }

    @Test func preSharedKeyDiffersOnTheOfficeSide() {
        var topology = SeedTopologies.seed002()
        topology.sites["site-office2"]!.ipsecConfigurations[0].preSharedKey = "654320"
        let analyzer = analyzer(topology)
        #expect(analyzer.engine.tunnelStatus("vco-2")?.state == .ikeNotEstablished)
        let result = analyzer.ping(a("172.16.1.10"), a("10.10.20.10"))
        #expect(result.disposition == .tunnelDown)
        #expect(result.forward.tunnelDownCause == .preSharedKeyMismatch)
        #expect(result.explanation == "IPsec connection IPsec-VPN connection 2 (vco-2) is down (ike_sa_not_established): the pre-shared keys differ (key mismatch)")
        #expect(result.fix?.contains("same pre-shared key") == true)
    }

    @Test func otherTunnelFailuresNameTheirCause() {
        var topology = SeedTopologies.seed002()
        topology.sites["site-office1"]!.ipsecConfigurations[0].ikeProposals = [IKEProposal(encryptionAlgorithm: .aes256, authenticationAlgorithm: .sha1, dhGroup: .group14)]
        topology.sites["site-office2"]!.ipsecConfigurations = []
        topology.sites["site-office3"]!.ipsecConfigurations[0].remoteSubnet = [p("10.99.0.0/16")]
        topology.vpnGateways["vpn-2"]!.isIPsecEnabled = true
        let engine = RouteEngine(topology)
        if case .noProposalInCommon(let phase, _, _)? = engine.tunnelStatus("vco-1")?.cause {
            #expect(phase == 1)
        } else {
            Issue.record("expected no proposal in common, got \(String(describing: engine.tunnelStatus("vco-1")))")
        }
        #expect(engine.tunnelStatus("vco-2")?.cause == .configurationNotLoaded("site-office2", peer: a("5.5.5.5")))
        #expect(engine.tunnelStatus("vco-3")?.cause == .selectorsDoNotMatch)
        #expect(engine.tunnelStatus("vco-3")?.state == .ipsecNotEstablished)
        var disabled = SeedTopologies.seed002()
        disabled.vpnGateways["vpn-2"]!.isIPsecEnabled = false
        let result = ReachabilityAnalyzer(RouteEngine(disabled)).ping(a("192.168.1.10"), a("10.20.10.10"))
        #expect(result.disposition == .tunnelDown)
        #expect(result.forward.tunnelDownCause == .ipsecDisabled)
    }

    @Test func crossRegionWithoutBandwidthIsAWarning() {
        let analyzer = analyzer(SeedTopologies.seed001())
        let result = analyzer.ping(a("172.16.1.10"), a("172.17.1.10"))
        #expect(result.isReachable)
        #expect(
            result.warnings.map(\.message) == [
                "cross-region traffic us-east-1 → cn-shanghai over cen-global has no bandwidth plan: CEN carries it only at its 1 Kbit/s test allowance",
                "cross-region traffic cn-shanghai → us-east-1 over cen-global has no bandwidth plan: CEN carries it only at its 1 Kbit/s test allowance",
            ])
        #expect(result.warnings.first?.fix?.contains("North-America ↔ China") == true)
    }

    @Test func securityGroupWithoutAnICMPRuleDeniesIn() {
        var topology = SeedTopologies.seed002()
        topology.securityGroups["sg-2"]!.rules.removeAll { $0.ipProtocol == .icmp }
        let analyzer = analyzer(topology)
        let result = analyzer.ping(a("10.10.10.10"), a("192.168.1.10"))
        #expect(result.disposition == .deniedIn)
        #expect(result.forward.securityGroup == "sg-2")
        #expect(
            result.explanation
                == "security group application 2 group (sg-2) of application 2 (i-2) has no rule that accepts icmp from 10.10.10.10; inbound traffic is denied unless a rule accepts it")
        #expect(result.fix == "AuthorizeSecurityGroup SecurityGroupId=sg-2 IpProtocol=icmp PortRange=-1/-1 SourceCidrIp=10.10.10.0/24 Policy=accept")
        // TCP 22 is still accepted, and the reply of an accepted flow is not checked (stateful).
        let ssh = analyzer.trace(Flow(source: a("10.10.10.10"), destination: a("192.168.1.10"), ipProtocol: .tcp, destinationPort: 22, sourcePort: 50000))
        #expect(ssh.isReachable)
    }

    @Test func dropBeatsAcceptAtEqualPriorityAndSmallerPriorityWins() {
        var topology = SeedTopologies.seed002()
        topology.securityGroups["sg-2"]!.rules.append(SecurityGroupRule(direction: .ingress, ipProtocol: .all, cidr: p("10.10.10.0/24"), policy: .drop, priority: 1))
        #expect(analyzer(topology).ping(a("10.10.10.10"), a("192.168.1.10")).disposition == .deniedIn)
        topology.securityGroups["sg-2"]!.rules[topology.securityGroups["sg-2"]!.rules.count - 1].priority = 2
        #expect(analyzer(topology).ping(a("10.10.10.10"), a("192.168.1.10")).isReachable)
        topology.securityGroups["sg-1"]!.rules.append(SecurityGroupRule(direction: .egress, ipProtocol: .icmp, cidr: p("192.168.0.0/16"), policy: .drop))
        let out = analyzer(topology).ping(a("172.16.1.10"), a("192.168.1.10"))
        #expect(out.disposition == .deniedOut)
        #expect(out.forward.securityGroup == "sg-1")
    }

    @Test func inactiveRouterInterfaceIsABlackhole() throws {
        var engine = RouteEngine(SeedTopologies.seed000())
        #expect(ReachabilityAnalyzer(engine).ping(a("10.10.10.10"), a("10.20.20.10")).isReachable)
        try engine.apply(.setRouterInterfaceStatus("ri-sh", .inactive))
        let result = ReachabilityAnalyzer(engine).ping(a("10.10.10.10"), a("10.20.20.10"))
        #expect(result.disposition == .blackhole)
        #expect(result.forward.finalNode == .vpc("vpc-us"))
        #expect(
            result.explanation
                == "router interface ri-sh is Inactive: the route 10.20.20.0/24 in VPC 1 (vpc-us) points to a pair that does not carry traffic")
        #expect(result.fix == "activate it: ActivateRouterInterface RouterInterfaceId=ri-sh")
    }

    @Test func activeTunnelDownStandbyTakesOver() throws {
        var topology = SeedTopologies.seed002()
        topology.sites["site-office1"]!.standbyGatewayIPs = [a("1.1.1.2")]
        topology.sites["site-office1"]!.ipsecConfigurations.append(
            SiteIPsecConfiguration(peerIP: a("5.5.5.5"), localIP: a("1.1.1.2"), preSharedKey: "standby", localSubnet: [p("10.10.10.0/24")], remoteSubnet: [p("172.16.0.0/16")]))
        topology.add(CustomerGateway(id: "cgw-1b", region: .siliconValley, ipAddress: a("1.1.1.2")))
        topology.add(
            VPNConnection(
                id: "vco-1b", vpnGateway: "vpn-1", customerGateway: "cgw-1b", localSubnet: [p("172.16.0.0/16")], remoteSubnet: [p("10.10.10.0/24")],
                effectImmediately: true, ikeConfig: IKEConfig(preSharedKey: "standby")))
        topology.vpnGateways["vpn-1"]!.routes[0].weight = 100
        topology.vpnGateways["vpn-1"]!.routes.append(VPNRoute(destination: p("10.10.10.0/24"), nextHop: "vco-1b", weight: 0, publishToVPC: true))
        #expect(topology.validate() == [])
        var engine = RouteEngine(topology)
        let before = ReachabilityAnalyzer(engine).ping(a("172.16.1.10"), a("10.10.10.10"))
        #expect(before.isReachable)
        #expect(before.forward.hops.contains { $0.link == .ipsecTunnel("vco-1") })
        // The active tunnel goes down (the gateway's key changes): the standby carries the traffic.
        var connection = engine.topology.vpnConnections["vco-1"]!
        connection.ikeConfig.preSharedKey = "changed"
        try engine.apply(.upsertVPNConnection(connection))
        let after = ReachabilityAnalyzer(engine).ping(a("172.16.1.10"), a("10.10.10.10"))
        #expect(after.isReachable)
        #expect(after.forward.hops.contains { $0.link == .ipsecTunnel("vco-1b") })
        #expect(after.reverse?.hops.first?.link == .ipsecTunnel("vco-1b"))
    }

    @Test func loopsAreDetected() throws {
        var b = TopologyBuilder()
        b.vpc("vpc-a", name: "A", region: .hangzhou, cidr: "172.16.0.0/16", vSwitches: [("vsw-a", "172.16.1.0/24")])
        b.vpc("vpc-b", name: "B", region: .hangzhou, cidr: "172.17.0.0/16", vSwitches: [("vsw-b", "172.17.1.0/24")])
        b.instance("i-a", name: "a", vSwitch: "vsw-a", ip: "172.16.1.10", admitting: ["0.0.0.0/0"])
        b.topology.add(RouterInterface(id: "ri-a", router: .vpc("vpc-a"), role: .initiatingSide, oppositeInterface: "ri-b"))
        b.topology.add(RouterInterface(id: "ri-b", router: .vpc("vpc-b"), role: .acceptingSide, oppositeInterface: "ri-a"))
        b.route("rte-a", in: "vpc-a", "10.0.0.0/8", .routerInterface("ri-a"))
        b.route("rte-b", in: "vpc-b", "10.0.0.0/8", .routerInterface("ri-b"))
        let result = analyzer(b.topology).trace(Flow(source: a("172.16.1.10"), destination: a("10.1.1.1")))
        #expect(result.disposition == .loop)
        #expect(result.explanation == "the flow loops: it comes back to A (vpc-a)")
    }

    @Test func addressesWithoutAnInstanceDoNotAnswer() {
        let analyzer = analyzer(SeedTopologies.seed002())
        #expect(analyzer.ping(a("10.10.10.10"), a("192.168.1.99")).disposition == .neighborUnreachable)
        #expect(analyzer.ping(a("8.8.8.8"), a("192.168.1.10")).disposition == .unknownSource)
        // Any address inside an office answers like a PC there.
        #expect(analyzer.ping(a("172.16.1.10"), a("10.10.20.77")).isReachable)
    }

    @Test func tracesPerSecondOnTheLargeNetwork() {
        let analyzer = ReachabilityAnalyzer(RouteEngine(SyntheticNetwork.make()))
        func host(_ vpc: Int) -> IPv4Address {
            let base: UInt32 = 10 << 24
            return IPv4Address(base | UInt32(vpc) << 14 | 10)
        }
        var flows: [Flow] = []
        for i in 0..<2000 { flows.append(Flow(source: host(i % 1000), destination: host((i * 7 + 3) % 1000))) }
        var reachable = 0
        let elapsed = ContinuousClock().measure {
            for flow in flows where analyzer.trace(flow).isReachable { reachable += 1 }
        }
        print("traces on the synthetic network: \(flows.count) in \(elapsed)")
        #expect(reachable == flows.count)
        let site = analyzer.ping(a("172.16.5.10"), a("10.0.64.10"))
        #expect(site.isReachable, "\(site.explanation)")
    }
}

struct ReachabilityPathTests {
    @Test func tunnelThatNegotiatesOnTrafficComesUpWithAWarning() {
        var topology = SeedTopologies.seed004()
        topology.vpnConnections["vco-ningbo"]!.effectImmediately = false
        let analyzer = ReachabilityAnalyzer(RouteEngine(topology))
        #expect(analyzer.engine.tunnelStatus("vco-ningbo")?.state == .waitingForTraffic)
        #expect(analyzer.engine.tunnelStatus("vco-ningbo")?.state.cloudStatus == "ike_sa_not_established")
        let result = analyzer.ping(a("172.16.1.10"), a("10.10.30.10"))
        #expect(result.isReachable)
        #expect(result.warnings.contains { $0.kind == .negotiatesOnTraffic })
    }

    /// An IDC behind a VBR, joined to a VPC by a router interface pair (Express Connect over a physical line).
    @Test func dataCentreBehindAVBRReachesTheVPC() throws {
        var b = TopologyBuilder()
        b.vpc("vpc-1", name: "VPC", region: .hangzhou, cidr: "172.16.0.0/16", vSwitches: [("vsw-1", "172.16.1.0/24")])
        b.instance("i-1", name: "app", vSwitch: "vsw-1", ip: "172.16.1.10", admitting: ["10.0.0.0/8"])
        b.topology.add(
            Site(
                id: "site-idc", name: "IDC", kind: .idc, cidrs: [p("10.2.0.0/16")], gatewayIP: a("198.51.100.9"),
                staticRoutes: [SiteStaticRoute(destination: p("172.16.0.0/16"), nextHop: a("10.254.0.1"))]))
        b.topology.add(
            VirtualBorderRouter(
                id: "vbr-1", name: "VBR", region: .hangzhou, site: "site-idc", localGatewayIP: a("10.254.0.1"), peerGatewayIP: a("10.254.0.2"),
                routes: [
                    RouteEntry(id: "rte-v1", destination: p("10.2.0.0/16"), nextHop: .site("site-idc")),
                    RouteEntry(id: "rte-v2", destination: p("172.16.0.0/16"), nextHop: .routerInterface("ri-vbr")),
                ]))
        b.topology.add(RouterInterface(id: "ri-vbr", router: .vbr("vbr-1"), role: .initiatingSide, oppositeInterface: "ri-vpc"))
        b.topology.add(RouterInterface(id: "ri-vpc", router: .vpc("vpc-1"), role: .acceptingSide, oppositeInterface: "ri-vbr"))
        b.route("rte-1", in: "vpc-1", "10.2.0.0/16", .routerInterface("ri-vpc"))
        #expect(b.topology.validate() == [])
        let result = ReachabilityAnalyzer(RouteEngine(b.topology)).ping(a("10.2.3.4"), a("172.16.1.10"))
        #expect(result.isReachable, "\(result.explanation)")
        #expect(result.forward.hops.map(\.node.description) == ["site-idc", "vbr-1", "vpc-1", "i-1"])
        #expect(result.reverse?.hops.map(\.node.description) == ["i-1", "vpc-1", "vbr-1", "site-idc"])
    }
}
