import IPAddressing
import MeridianTestSupport
import NetworkModel
import RouteEngine
import Testing

private func p(_ text: String) -> IPv4Prefix { TopologyBuilder.prefix(text) }
private func a(_ text: String) -> IPv4Address { TopologyBuilder.address(text) }

/// A compact, comparable form of an entry: "destination type nextHop status".
private func row(_ e: RouteTableEntry) -> String {
    var text = "\(e.source.map { "\($0)→" } ?? "")\(e.destination) \(e.type.rawValue) \(e.nextHop.typeName) \(e.nextHop.idText) \(e.status.rawValue)"
    if let weight = e.weight { text += " w\(weight)" }
    if e.isConflict { text += " conflict" }
    return text
}

private func rows(_ engine: RouteEngine, _ node: NodeID, types: Set<RouteEntryType>? = nil) -> [String] {
    (engine.routeTable(for: node)?.entries ?? []).filter { types?.contains($0.type) ?? true }.map(row)
}

struct RouteEngineTests {
    // MARK: Seeds

    @Test func seed000Step4TablesOfBothVPCs() throws {
        let topology = SeedTopologies.seed000()
        #expect(topology.validate() == [])
        let engine = RouteEngine(topology)
        #expect(
            rows(engine, .vpc("vpc-us")) == [
                "10.10.10.0/24 Custom VpnGateway vpn-us Active",
                "10.10.20.0/24 Custom VpnGateway vpn-us Active",
                "10.20.10.0/24 Custom RouterInterface ri-us Active",
                "10.20.20.0/24 Custom RouterInterface ri-us Active",
                "100.64.0.0/10 System service  Active",
                "172.16.1.0/24 System local vsw-us Active",
                "172.17.0.0/16 Custom RouterInterface ri-us Active",
            ])
        #expect(
            rows(engine, .vpc("vpc-sh"), types: [.custom]) == [
                "10.10.10.0/24 Custom RouterInterface ri-sh Active",
                "10.10.20.0/24 Custom RouterInterface ri-sh Active",
                "10.20.10.0/24 Custom VpnGateway vpn-sh Active",
                "10.20.20.0/24 Custom VpnGateway vpn-sh Active",
                "172.16.0.0/16 Custom RouterInterface ri-sh Active",
            ])
        // No explicit gateway routes: VPN-Hub by the connections' remote networks.
        #expect(
            rows(engine, .vpnGateway("vpn-us")) == [
                "10.10.10.0/24 Hub IPsecConnection vco-1 Active",
                "10.10.20.0/24 Hub IPsecConnection vco-2 Active",
            ])
    }

    @Test func seed002GatewayVPCCENAndOfficeTables() throws {
        let topology = SeedTopologies.seed002()
        #expect(topology.validate() == [])
        let engine = RouteEngine(topology)
        #expect(
            rows(engine, .vpnGateway("vpn-1")) == [
                "10.10.10.0/24 DestinationBased IPsecConnection vco-1 Active w0",
                "10.10.20.0/24 DestinationBased IPsecConnection vco-2 Active w0",
            ])
        #expect(
            rows(engine, .vpnGateway("vpn-2")) == [
                "10.20.10.0/24 DestinationBased IPsecConnection vco-3 Active w0",
                "10.20.20.0/24 DestinationBased IPsecConnection vco-4 Active w0",
            ])
        // Steps 1–4: VPN routes published to VPC 1, VPC 2's routes learned over CEN.
        #expect(
            rows(engine, .vpc("vpc-1")) == [
                "10.10.10.0/24 Custom VpnGateway vpn-1 Active",
                "10.10.20.0/24 Custom VpnGateway vpn-1 Active",
                "10.20.10.0/24 CEN VPC vpc-2 Active",
                "10.20.20.0/24 CEN VPC vpc-2 Active",
                "100.64.0.0/10 System service  Active",
                "172.16.1.0/24 System local vsw-1 Active",
                "192.168.1.0/24 CEN VPC vpc-2 Active",
            ])
        let published = try #require(engine.routeTable(for: .vpc("vpc-1"))?.entries.first { $0.destination == p("10.10.10.0/24") })
        #expect(published.origin == .vpnGatewayPublished("vpn-1"))
        let learned = try #require(engine.routeTable(for: .vpc("vpc-1"))?.entries.first { $0.destination == p("10.20.10.0/24") })
        #expect(learned.nextHop == .network(.vpc("vpc-2"), region: .shanghai))
        #expect(learned.origin == .cen("cen-1", from: .vpc("vpc-2"), region: .shanghai))
        // The CEN's table (step 4's picture): every vSwitch route and every published office route.
        #expect(
            rows(engine, .cen("cen-1")) == [
                "10.10.10.0/24 CEN VPC vpc-1 Active",
                "10.10.20.0/24 CEN VPC vpc-1 Active",
                "10.20.10.0/24 CEN VPC vpc-2 Active",
                "10.20.20.0/24 CEN VPC vpc-2 Active",
                "172.16.1.0/24 CEN VPC vpc-1 Active",
                "192.168.1.0/24 CEN VPC vpc-2 Active",
            ])
        // Step 5: office 1's device.
        #expect(
            rows(engine, .site("site-office1")) == [
                "10.10.10.0/24 Connected Connected  Active",
                "10.10.20.0/24 Static IP 5.5.5.5 Active",
                "10.20.10.0/24 Static IP 5.5.5.5 Active",
                "10.20.20.0/24 Static IP 5.5.5.5 Active",
                "172.16.0.0/16 IPsecSelector Tunnel 5.5.5.5 Active",
                "192.168.0.0/16 Static IP 5.5.5.5 Active",
            ])
        #expect(
            rows(engine, .site("site-office3")) == [
                "10.10.10.0/24 Static IP 6.6.6.6 Active",
                "10.10.20.0/24 Static IP 6.6.6.6 Active",
                "10.20.10.0/24 Connected Connected  Active",
                "10.20.20.0/24 Static IP 6.6.6.6 Active",
                "172.16.0.0/16 Static IP 6.6.6.6 Active",
                "192.168.0.0/16 IPsecSelector Tunnel 6.6.6.6 Active",
            ])
        for n in 1...4 {
            #expect(engine.tunnelStatus(VPNConnectionID("vco-\(n)"))?.state == .established)
        }
    }

    @Test func seed003DefaultPublishTable() throws {
        var topology = SeedTopologies.seed003(publishIDCRoute: false)
        // The other rows of the table: a route to an instance, to a HaVip; a VBR with a route to the IDC.
        topology.vpcs["vpc-bj"]!.routes = [
            RouteEntry(id: "rte-bj-ecs", destination: p("10.50.0.0/16"), nextHop: .instance("i-bj")),
            RouteEntry(id: "rte-bj-havip", destination: p("10.60.0.0/16"), nextHop: .haVip("havip-1")),
        ]
        topology.add(Site(id: "site-idc2", name: "IDC 2", kind: .idc, cidrs: [p("10.2.0.0/16")], gatewayIP: a("198.51.100.20")))
        topology.add(
            VirtualBorderRouter(
                id: "vbr-1", region: .hangzhou, site: "site-idc2", localGatewayIP: a("10.254.0.1"), peerGatewayIP: a("10.254.0.2"),
                routes: [RouteEntry(id: "rte-vbr-1", destination: p("10.2.0.0/16"), nextHop: .site("site-idc2"))]))
        topology.cens["cen-1"]!.attachments.append(.vbr("vbr-1"))
        #expect(topology.validate() == [])
        var engine = RouteEngine(topology)
        func published(_ network: NetworkReference, _ destination: String) -> Bool {
            engine.publishStatus(of: CENRouteReference(network: network, destination: p(destination))).isPublished
        }
        #expect(!published(.vpc("vpc-bj"), "10.50.0.0/16"))  // pointing to an ECS instance: No
        #expect(!published(.vpc("vpc-hz"), "10.1.1.0/24"))  // pointing to a VPN gateway: No
        #expect(!published(.vpc("vpc-bj"), "10.60.0.0/16"))  // pointing to a HaVip: No
        #expect(published(.vpc("vpc-bj"), "192.168.1.0/24"))  // VPC system route: Yes
        #expect(published(.vbr("vbr-1"), "10.2.0.0/16"))  // VBR route to the IDC: Yes
        #expect(rows(engine, .vpc("vpc-sh"), types: [.cen]).contains("10.2.0.0/16 CEN VBR vbr-1 Active"))
        #expect(!rows(engine, .vpc("vpc-sh"), types: [.cen]).contains { $0.hasPrefix("10.1.1.0/24") })

        // Publish: the other VPCs learn the route to the IDC. "The following figure shows the route table of other VPCs".
        let ref = CENRouteReference(network: .vpc("vpc-hz"), destination: p("10.1.1.0/24"))
        try engine.apply(.publishRoute("cen-1", ref))
        for vpc in ["vpc-bj", "vpc-sh", "vpc-hk"] {
            #expect(rows(engine, .vpc(VPCID(vpc)), types: [.cen]).contains("10.1.1.0/24 CEN VPC vpc-hz Active"))
        }
        // Withdraw: gone from CEN.
        try engine.apply(.withdrawRoute("cen-1", ref))
        #expect(!rows(engine, .cen("cen-1")).contains { $0.hasPrefix("10.1.1.0/24") })
        // Publish again, then delete the route in the VPC: it disappears from CEN too.
        try engine.apply(.publishRoute("cen-1", ref))
        try engine.apply(.removeRouteEntry(.vpc("vpc-hz"), "rte-hz-idc"))
        #expect(!rows(engine, .cen("cen-1")).contains { $0.hasPrefix("10.1.1.0/24") })
        #expect(engine.topology.cens["cen-1"]!.publishedRoutes.isEmpty)
        // A vSwitch route can be withdrawn too.
        try engine.apply(.withdrawRoute("cen-1", CENRouteReference(network: .vpc("vpc-bj"), destination: p("192.168.1.0/24"))))
        #expect(!rows(engine, .vpc("vpc-sh"), types: [.cen]).contains { $0.hasPrefix("192.168.1.0/24") })
    }

    @Test func seed004Step4VPCAndHubTables() {
        let topology = SeedTopologies.seed004()
        #expect(topology.validate() == [])
        let engine = RouteEngine(topology)
        #expect(
            rows(engine, .vpc("vpc-1"), types: [.custom]) == [
                "10.10.10.0/24 Custom VpnGateway vpn-1 Active",
                "10.10.20.0/24 Custom VpnGateway vpn-1 Active",
                "10.10.30.0/24 Custom VpnGateway vpn-1 Active",
            ])
        #expect(
            rows(engine, .vpnGateway("vpn-1")) == [
                "10.10.10.0/24 Hub IPsecConnection vco-shanghai Active",
                "10.10.20.0/24 Hub IPsecConnection vco-hangzhou Active",
                "10.10.30.0/24 Hub IPsecConnection vco-ningbo Active",
            ])
    }

    // MARK: CEN conflicts

    /// Three VPCs: A and B both have vSwitch 10.1.0.0/24 (attached in that order), C learns both.
    private func conflictTopology() -> Topology {
        var b = TopologyBuilder()
        b.vpc("vpc-a", name: "A", region: .hangzhou, cidr: "10.0.0.0/8", vSwitches: [("vsw-a", "10.1.0.0/24"), ("vsw-a2", "10.2.0.0/16")])
        b.vpc("vpc-b", name: "B", region: .hangzhou, cidr: "10.0.0.0/8", vSwitches: [("vsw-b", "10.1.0.0/24"), ("vsw-b2", "10.2.5.0/24"), ("vsw-b3", "10.8.0.0/16")])
        b.vpc("vpc-c", name: "C", region: .shanghai, cidr: "172.16.0.0/16", vSwitches: [("vsw-c", "172.16.1.0/24")])
        b.cen("cen-1", name: "CEN", attach: [.vpc("vpc-a"), .vpc("vpc-b"), .vpc("vpc-c")])
        return b.topology
    }

    @Test func identicalPrefixesOwnBeatsLearnedEarliestActiveLaterCandidate() {
        let engine = RouteEngine(conflictTopology())
        #expect(
            rows(engine, .vpc("vpc-c")).filter { $0.hasPrefix("10.1.0.0/24") } == [
                "10.1.0.0/24 CEN VPC vpc-a Active conflict",
                "10.1.0.0/24 CEN VPC vpc-b Candidate conflict",
            ])
        // A keeps its own vSwitch route; B's identical one is rejected there; both flagged.
        #expect(
            rows(engine, .vpc("vpc-a")).filter { $0.hasPrefix("10.1.0.0/24") } == [
                "10.1.0.0/24 System local vsw-a Active conflict",
                "10.1.0.0/24 CEN VPC vpc-b Rejected conflict",
            ])
        #expect(engine.lookup(a("10.1.0.7"), at: .vpc("vpc-c"))?.nextHop == .network(.vpc("vpc-a"), region: .hangzhou))
        #expect(engine.lookup(a("10.1.0.7"), at: .vpc("vpc-b"))?.nextHop == .local("vsw-b"))
    }

    @Test func aVPCNeverAcceptsALearnedRouteAsSpecificAsItsVSwitch() throws {
        let engine = RouteEngine(conflictTopology())
        // B's 10.2.5.0/24 lies inside A's vSwitch 10.2.0.0/16: A rejects it; B's 10.8.0.0/16 is accepted.
        let entry = try #require(engine.routeTable(for: .vpc("vpc-a"))?.entries.first { $0.destination == p("10.2.5.0/24") })
        #expect(entry.status == .rejected)
        #expect(entry.reason.contains("vSwitch block 10.2.0.0/16"))
        #expect(engine.lookup(a("10.2.5.9"), at: .vpc("vpc-a"))?.nextHop == .local("vsw-a2"))
        #expect(engine.lookup(a("10.8.1.1"), at: .vpc("vpc-a"))?.nextHop == .network(.vpc("vpc-b"), region: .hangzhou))
        // A less specific learned route is accepted and LPM decides: C sees 10.2.0.0/16 from A and 10.2.5.0/24 from B.
        #expect(engine.lookup(a("10.2.5.9"), at: .vpc("vpc-c"))?.nextHop == .network(.vpc("vpc-b"), region: .hangzhou))
        #expect(engine.lookup(a("10.2.6.9"), at: .vpc("vpc-c"))?.nextHop == .network(.vpc("vpc-a"), region: .hangzhou))
    }

    @Test func withdrawingTheActiveDuplicatePromotesTheCandidate() throws {
        var engine = RouteEngine(conflictTopology())
        try engine.apply(.withdrawRoute("cen-1", CENRouteReference(network: .vpc("vpc-a"), destination: p("10.1.0.0/24"))))
        // Only B advertises it now: no conflict left in CEN.
        #expect(rows(engine, .vpc("vpc-c")).filter { $0.hasPrefix("10.1.0.0/24") } == ["10.1.0.0/24 CEN VPC vpc-b Active"])
    }

    // MARK: VPN gateway routes

    @Test func policyRoutesComeBeforeDestinationRoutesAndStandbyTakesOver() throws {
        var topology = SeedTopologies.seed002()
        // A second line for office 1 (standby), and a policy route that sends VPC traffic for office 2 via vco-1.
        topology.sites["site-office1"]!.standbyGatewayIPs = [a("1.1.1.2")]
        topology.sites["site-office1"]!.ipsecConfigurations.append(
            SiteIPsecConfiguration(peerIP: a("5.5.5.5"), localIP: a("1.1.1.2"), preSharedKey: "standby", localSubnet: [p("10.10.10.0/24")], remoteSubnet: [p("172.16.0.0/16")]))
        topology.add(CustomerGateway(id: "cgw-1b", region: .siliconValley, ipAddress: a("1.1.1.2")))
        topology.add(
            VPNConnection(
                id: "vco-1b", vpnGateway: "vpn-1", customerGateway: "cgw-1b", localSubnet: [p("172.16.0.0/16")],
                remoteSubnet: [p("10.10.10.0/24")], effectImmediately: true, ikeConfig: IKEConfig(preSharedKey: "standby")))
        topology.vpnGateways["vpn-1"]!.routes = [
            VPNRoute(destination: p("10.10.10.0/24"), nextHop: "vco-1", weight: 100, publishToVPC: true),
            VPNRoute(destination: p("10.10.10.0/24"), nextHop: "vco-1b", weight: 0, publishToVPC: true),
            VPNRoute(destination: p("10.10.20.0/24"), nextHop: "vco-2", weight: 100, publishToVPC: true),
        ]
        topology.vpnGateways["vpn-1"]!.policyRoutes = [
            VPNPolicyRoute(source: p("172.16.1.0/24"), destination: p("10.10.20.0/24"), nextHop: "vco-1", weight: 100)
        ]
        #expect(topology.validate() == [])
        var engine = RouteEngine(topology)
        #expect(engine.lookup(a("10.10.20.5"), source: a("172.16.1.10"), at: .vpnGateway("vpn-1"))?.type == .vpnPolicy)
        #expect(engine.lookup(a("10.10.20.5"), source: a("172.16.9.10"), at: .vpnGateway("vpn-1"))?.nextHop == .vpnConnection("vco-2"))
        #expect(engine.lookup(a("10.10.10.5"), source: a("172.16.1.10"), at: .vpnGateway("vpn-1"))?.nextHop == .vpnConnection("vco-1"))
        #expect(
            rows(engine, .vpnGateway("vpn-1")).filter { $0.hasPrefix("10.10.10.0/24") } == [
                "10.10.10.0/24 DestinationBased IPsecConnection vco-1 Active w100",
                "10.10.10.0/24 DestinationBased IPsecConnection vco-1b Candidate w0",
            ])
        // The active tunnel goes down (wrong key on the device): the standby takes over.
        var site = engine.topology.sites["site-office1"]!
        site.ipsecConfigurations[0].preSharedKey = "wrong"
        try engine.apply(.upsertSite(site))
        #expect(engine.tunnelStatus("vco-1")?.cause == .preSharedKeyMismatch)
        let chosen = try #require(engine.lookup(a("10.10.10.5"), source: a("172.16.1.10"), at: .vpnGateway("vpn-1")))
        #expect(chosen.nextHop == .vpnConnection("vco-1b"))
        #expect(chosen.reason.contains("standby"))
    }

    @Test func sameDestinationAndWeightIsRejected() {
        var engine = RouteEngine(SeedTopologies.seed002())
        #expect(throws: RouteEngineError.self) {
            try engine.apply(.addVPNRoute("vpn-1", VPNRoute(destination: p("10.10.10.0/24"), nextHop: "vco-2", weight: 0)))
        }
        var topology = SeedTopologies.seed002()
        topology.vpnGateways["vpn-1"]!.routes.append(VPNRoute(destination: p("10.10.10.0/24"), nextHop: "vco-2", weight: 0))
        #expect(topology.validate().map(\.path) == [#"vpnGateways["vpn-1"].routes[2].weight"#])
    }

    // MARK: Incremental changes

    @Test func incrementalChangesMatchAFullRecomputation() throws {
        var engine = RouteEngine(SyntheticNetwork.make(vpcs: 40, vSwitchesPerVPC: 2, publishedRoutesPerVPC: 3, sites: 5))
        let changes: [TopologyChange] = [
            .addRouteEntry(.vpc("vpc-s3"), RouteEntry(id: "rte-new", destination: p("30.0.0.0/16"), nextHop: .instance("i-s3"))),
            .publishRoute("cen-synthetic", CENRouteReference(network: .vpc("vpc-s3"), destination: p("30.0.0.0/16"))),
            .withdrawRoute("cen-synthetic", CENRouteReference(network: .vpc("vpc-s7"), destination: p("10.1.192.0/24"))),
            .addVPNRoute("vpn-s1", VPNRoute(destination: p("31.0.0.0/24"), nextHop: "vco-s1", weight: 100, publishToVPC: true)),
            .detach("cen-synthetic", .vpc("vpc-s9")),
            .attach("cen-synthetic", .vpc("vpc-s9")),
            .removeRouteEntry(.vpc("vpc-s2"), "rte-s2-1"),
        ]
        for change in changes { try engine.apply(change) }
        let fresh = RouteEngine(engine.topology)
        for node in [NodeID.vpc("vpc-s3"), .vpc("vpc-s7"), .vpc("vpc-s9"), .vpc("vpc-s20"), .vpc("vpc-s1"), .cen("cen-synthetic")] {
            let incremental = engine.routeTable(for: node)?.entries.map(row) ?? []
            let full = fresh.routeTable(for: node)?.entries.map(row) ?? []
            #expect(incremental.filter { !full.contains($0) } == [], "\(node) has rows a full recomputation does not")
            #expect(full.filter { !incremental.contains($0) } == [], "\(node) lacks rows a full recomputation has")
        }
        #expect(engine.lookup(a("30.0.1.1"), at: .vpc("vpc-s20"))?.nextHop == .network(.vpc("vpc-s3"), region: SyntheticNetwork.regions[3]))
        #expect(engine.lookup(a("10.1.192.9"), at: .vpc("vpc-s20")) == nil)
    }

    @Test func invalidChangesThrowAndLeaveTheEngineUnchanged() {
        var engine = RouteEngine(SeedTopologies.seed002())
        let before = engine.topology
        #expect(throws: RouteEngineError.self) {
            try engine.apply(.addRouteEntry(.vpc("vpc-1"), RouteEntry(id: "rte-x", destination: p("172.16.1.0/25"), nextHop: .vpnGateway("vpn-1"))))
        }
        #expect(throws: RouteEngineError.self) {
            try engine.apply(.publishRoute("cen-1", CENRouteReference(network: .vpc("vpc-1"), destination: p("10.99.0.0/16"))))
        }
        #expect(throws: RouteEngineError.self) { try engine.apply(.setRouterInterfaceStatus("ri-none", .active)) }
        #expect(engine.topology == before)
    }

    @Test func largeNetworkSharesTheLearnedTable() {
        let topology = SyntheticNetwork.make()
        let clock = ContinuousClock()
        var engine: RouteEngine?
        let build = clock.measure { engine = RouteEngine(topology) }
        guard var engine else { return }
        let ref = CENRouteReference(network: .vpc("vpc-s500"), destination: p("40.0.0.0/24"))
        let add = clock.measure {
            try? engine.apply(.addRouteEntry(.vpc("vpc-s500"), RouteEntry(id: "rte-bench", destination: ref.destination, nextHop: .instance("i-s500"))))
            try? engine.apply(.publishRoute("cen-synthetic", ref))
        }
        print("synthetic network (1,000 VPCs, 4,000 vSwitches, 10,100 published routes, 100 sites): build \(build), add+publish one route \(add)")
        #expect(engine.lookup(a("40.0.0.1"), at: .vpc("vpc-s999"))?.nextHop == .network(.vpc("vpc-s500"), region: SyntheticNetwork.regions[0]))
        #expect(engine.lookup(a("172.16.42.1"), at: .vpc("vpc-s999"))?.nextHop == .network(.vpc("vpc-s42"), region: SyntheticNetwork.regions[2]))
    }
}
