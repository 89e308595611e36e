import ControlPlane
import Foundation
import IPAddressing
import MeridianTestSupport
import Testing

/// A store whose saves can be made to fail.
actor FailingStore: StateStore {
    var failNext = false
    var saved: CloudState?
    func load() async throws -> CloudState? { saved }
    func save(_ state: CloudState) async throws {
        if failNext { throw StateStoreError(message: "disk full") }
        saved = state
    }
    func setFailNext(_ value: Bool) { failNext = value }
}

struct ControlPlaneTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func make(
        store: any StateStore = InMemoryStateStore(),
        quotas: Quotas = Quotas()
    ) async throws -> ControlPlane {
        try await ControlPlane(store: store, quotas: quotas, now: { now }, random: SeededGenerator(seed: 1))
    }

    static func error(_ body: () async throws -> Void) async -> ControlPlaneError? {
        do {
            try await body()
            return nil
        } catch let error as ControlPlaneError {
            return error
        } catch {
            return nil
        }
    }

    @Test func createVPCMakesRouterAndTableWithCloudLikeIDs() async throws {
        let cp = try await Self.make()
        let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou"), c)
        }
        #expect(vpc.cidrBlock == IPv4Prefix("172.16.0.0/12"))
        #expect(vpc.id.hasPrefix("vpc-bp1") && vpc.id.count == 27)
        #expect(vpc.vRouterId.hasPrefix("vrt-") && vpc.routeTableId.hasPrefix("vtb-"))
        #expect(await cp.snapshot.vpcs[vpc.id] == vpc)
    }

    @Test(arguments: [
        ("10.0.0.1/16", "InvalidCidrBlock.Malformed"), ("10.0.0.0/33", "InvalidCidrBlock.Malformed"),
        ("10.0.0.0/30", "InvalidParameter"), ("100.64.0.0/16", "InvalidCidrBlock"),
        ("banana", "InvalidCidrBlock.Malformed"),
    ])
    func badVPCCIDRsAreRejectedWithTheValueQuoted(cidr: String, code: String) async throws {
        let cp = try await Self.make()
        let error = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: cidr), c)
            }
        }
        #expect(error?.code == code)
        #expect(error?.message.contains(cidr) == true)
        #expect(await cp.snapshot == CloudState())
    }

    @Test func hostBitsErrorNamesTheCanonicalForm() async throws {
        let cp = try await Self.make()
        let error = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "r-1", cidrBlock: "0.5.0.0/8"), c)
            }
        }
        #expect(error?.message.contains("0.0.0.0/8") == true)
    }

    @Test func vSwitchRules() async throws {
        let cp = try await Self.make()
        let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16"), c)
        }
        let first = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVSwitch(
                .init(regionId: nil, vpcId: vpc.id, zoneId: "cn-hangzhou-b", cidrBlock: "10.0.1.0/24"),
                c
            )
        }
        #expect(first.availableIpAddressCount == 252)
        let cases: [(String, String, String)] = [
            ("10.0.1.0/25", "cn-hangzhou-b", "InvalidCidrBlock.Overlapped"),
            ("10.1.0.0/24", "cn-hangzhou-b", "InvalidCidrBlock"),
            ("10.0.0.0/30", "cn-hangzhou-b", "InvalidCidrBlock.Malformed"),
            ("10.0.2.0/24", "cn-beijing-a", "InvalidZoneId.NotFound"),
        ]
        for (cidr, zone, code) in cases {
            let error = await Self.error {
                _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                    try s.createVSwitch(.init(regionId: nil, vpcId: vpc.id, zoneId: zone, cidrBlock: cidr), c)
                }
            }
            #expect(error?.code == code, "\(cidr) in \(zone)")
        }
        let error = await Self.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteVPC(vpc.id, region: "cn-hangzhou") }
        }
        #expect(error?.code == "DependencyViolation.VSwitch")
    }

    @Test func quotasAreEnforced() async throws {
        var quotas = Quotas()
        quotas.vpcsPerRegion = 2
        let cp = try await Self.make(quotas: quotas)
        for _ in 0..<2 {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in try s.createVPC(.init(regionId: "a-1"), c) }
        }
        let error = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in try s.createVPC(.init(regionId: "a-1"), c) }
        }
        #expect(error?.code == "QuotaExceeded.Vpc")
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in try s.createVPC(.init(regionId: "b-1"), c) }
    }

    @Test func routeEntryRules() async throws {
        let cp = try await Self.make()
        let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "r-1", cidrBlock: "10.0.0.0/16"), c)
        }
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVSwitch(.init(regionId: nil, vpcId: vpc.id, zoneId: "r-1-a", cidrBlock: "10.0.1.0/24"), c)
        }
        let gw = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "r-1", vpcId: vpc.id, bandwidth: 10), c)
        }
        #expect(gw.internetIp == IPv4Address("203.0.113.1"))
        func route(_ dest: String, _ type: String? = "VpnGateway", _ hop: String? = nil) async -> ControlPlaneError? {
            await Self.error {
                _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                    try s.createRouteEntry(
                        .init(
                            regionId: nil,
                            routeTableId: vpc.routeTableId,
                            destinationCidrBlock: dest,
                            nextHopType: type,
                            nextHopId: hop ?? gw.id
                        ),
                        c
                    )
                }
            }
        }
        #expect(await route("192.168.0.0/16") == nil)
        #expect(await route("192.168.0.0/16")?.code == "InvalidCIDRBlock.Duplicate")
        #expect(await route("10.0.1.0/25")?.code == "InvalidCidrBlock")
        #expect(await route("10.0.0.0/8") == nil)  // may contain a vSwitch CIDR (2020+ rule)
        #expect(await route("100.64.1.0/24")?.code == "InvalidCidrBlock")
        #expect(await route("172.16.0.0/12", "Bogus")?.code == "InvalidNextHopType")
        #expect(await route("172.16.0.0/12", "VpnGateway", "vpn-nope")?.code == "InvalidNextHopId.NotFound")
        #expect(await route("172.16.0.0/12", "Instance", "i-1")?.code == "InvalidNextHopId.NotFound")
        #expect(await route("8.8.8.8") == nil)  // a host address means /32
        #expect(
            await cp.snapshot.customRoutes(in: vpc.routeTableId).map(\.destination.description) == [
                "192.168.0.0/16", "10.0.0.0/8", "8.8.8.8/32",
            ]
        )
        let error = await Self.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteVPNGateway(gw.id, region: "r-1") }
        }
        #expect(error?.code == "DependencyViolation.RouteEntry")
    }

    @Test func dryRunAndFailedSavesChangeNothing() async throws {
        let store = FailingStore()
        let cp = try await Self.make(store: store)
        let dry = await Self.error {
            _ = try await cp.mutate(dryRun: true) { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "r-1"), c)
            }
        }
        #expect(dry?.kind == .dryRunPassed)
        await store.setFailNext(true)
        let failed = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in try s.createVPC(.init(regionId: "r-1"), c) }
        }
        #expect(failed?.kind == .storage)
        #expect(await cp.snapshot == CloudState())
        #expect(await store.saved == nil)
    }

    @Test func stateSurvivesARestartThroughTheFileStore() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-cp-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let first = try await Self.make(store: JSONFileStateStore(url: url))
        let vpc = try await first.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "r-1", name: "kept"), c)
        }
        let second = try await Self.make(store: JSONFileStateStore(url: url))
        #expect(await second.snapshot.vpcs[vpc.id] == vpc)
        try Data("not json".utf8).write(to: url)
        await #expect(throws: StateStoreError.self) { _ = try await Self.make(store: JSONFileStateStore(url: url)) }
    }

    @Test func vpnConnectionDefaultsAndRules() async throws {
        let cp = try await Self.make()
        let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "r-1", cidrBlock: "10.0.0.0/16"), c)
        }
        let gw = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "r-1", vpcId: vpc.id, bandwidth: 5), c)
        }
        let cgw = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCustomerGateway(.init(regionId: "r-1", ipAddress: "198.51.100.7"), c)
        }
        let bad = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createCustomerGateway(.init(regionId: "r-1", ipAddress: "127.0.0.1"), c)
            }
        }
        #expect(bad?.code == "InvalidIpAddress.WrongFormat")
        let multi = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVPNConnection(
                    .init(
                        regionId: "r-1",
                        vpnGatewayId: gw.id,
                        customerGatewayId: cgw.id,
                        localSubnet: "10.0.0.0/16,10.1.0.0/16",
                        remoteSubnet: "192.168.1.0/24"
                    ),
                    c
                )
            }
        }
        #expect(multi?.message.contains("ikev2") == true)
        let connection = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNConnection(
                .init(
                    regionId: "r-1",
                    vpnGatewayId: gw.id,
                    customerGatewayId: cgw.id,
                    localSubnet: "10.0.0.0/16",
                    remoteSubnet: "192.168.1.0/24"
                ),
                c
            )
        }
        #expect(
            connection.ikeConfig.ikeVersion == "ikev1" && connection.ikeConfig.ikeAuthAlg == "md5"
                && connection.ikeConfig.ikePfs == "group2"
        )
        #expect(connection.ikeConfig.psk.count == 16)
        #expect(connection.ikeConfig.localId == "203.0.113.1" && connection.ikeConfig.remoteId == "198.51.100.7")
        #expect(await cp.view.status(ofConnection: connection.id) == "ike_sa_not_established")
        let error = await Self.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteCustomerGateway(cgw.id, region: "r-1") }
        }
        #expect(error?.code == "DependencyViolation.VpnConnection")
    }
}
