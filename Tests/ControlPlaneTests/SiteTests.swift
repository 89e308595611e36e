import ControlPlane
import Foundation
import IPAddressing
import MeridianTestSupport
import NetworkModel
import Persistence
import Reachability
import RouteEngine
import Testing
import TopologyFile

/// Sites, device routes, loaded configurations and connectivity tests (API version 2026-11-01).
struct SiteTests {
    static func make(store: any StateStore = InMemoryStateStore()) async throws -> ControlPlane {
        try await ControlPlane(
            store: store,
            now: { ControlPlaneTests.now },
            random: SeededGenerator(seed: 11)
        )
    }

    /// The ids of seed 004 built through the control plane.
    struct Seed004 {
        var vpc = ""
        var gateway = ""
        var gatewayIP = IPv4Address("0.0.0.0")!
        /// By office name.
        var sites: [String: String] = [:]
        var connections: [String: String] = [:]
        var customerGateways: [String: String] = [:]
    }

    static let offices: [(office: String, city: String, block: String, ip: String, psk: String)] = [
        ("Shanghai office", "Shanghai", "10.10.10.0/24", "203.0.113.41", "shanghai-key"),
        ("Hangzhou office", "Hangzhou", "10.10.20.0/24", "203.0.113.42", "hangzhou-key"),
        ("Ningbo office", "Ningbo", "10.10.30.0/24", "203.0.113.43", "ningbo-key"),
    ]

    /// Seed 004 (examples/seed-004-vpn-hub.yaml) as API calls: VPC, vSwitch, VPN gateway, customer gateways,
    /// IPsec connections, VPC routes, sites with their device routes and loaded configurations (the Shanghai
    /// office's with `shanghaiPSK` when given).
    static func buildSeed004(_ cp: ControlPlane, shanghaiPSK: String? = nil) async throws -> Seed004 {
        try await cp.mutate { s, c throws(ControlPlaneError) in
            var ids = Seed004()
            let vpc = try s.createVPC(.init(regionId: "cn-shanghai", cidrBlock: "192.168.0.0/16", name: "VPC"), c)
            ids.vpc = vpc.id
            _ = try s.createVSwitch(
                .init(
                    regionId: "cn-shanghai",
                    vpcId: vpc.id,
                    zoneId: "cn-shanghai-b",
                    cidrBlock: "192.168.1.0/24",
                    name: "VSwitch"
                ),
                c
            )
            let gateway = try s.createVPNGateway(
                .init(regionId: "cn-shanghai", vpcId: vpc.id, bandwidth: 10, name: "VPN Gateway"),
                c
            )
            ids.gateway = gateway.id
            ids.gatewayIP = gateway.internetIp
            for office in offices {
                let cgw = try s.createCustomerGateway(
                    .init(regionId: "cn-shanghai", ipAddress: office.ip, name: "\(office.city) gateway"),
                    c
                )
                ids.customerGateways[office.office] = cgw.id
                var ike = CloudState.IKEConfigInput()
                ike.Psk = office.psk
                let connection = try s.createVPNConnection(
                    .init(
                        regionId: "cn-shanghai",
                        vpnGatewayId: gateway.id,
                        customerGatewayId: cgw.id,
                        localSubnet: "0.0.0.0/0",
                        remoteSubnet: office.block,
                        name: "\(office.city) connection",
                        effectImmediately: true,
                        ikeConfig: ike
                    ),
                    c
                )
                ids.connections[office.office] = connection.id
                _ = try s.createRouteEntry(
                    .init(
                        regionId: "cn-shanghai",
                        routeTableId: vpc.routeTableId,
                        destinationCidrBlock: office.block,
                        nextHopType: "VpnGateway",
                        nextHopId: gateway.id
                    ),
                    c
                )
            }
            for office in offices {
                let site = try s.createSite(
                    .init(name: office.office, cidrBlocks: [office.block], gatewayIpAddress: office.ip),
                    c
                )
                ids.sites[office.office] = site.id
                for destination in ["192.168.0.0/16"] + offices.map(\.block) where destination != office.block {
                    _ = try s.createSiteRouteEntry(
                        .init(
                            siteId: site.id,
                            destinationCidrBlock: destination,
                            nextHopIp: gateway.internetIp.description
                        ),
                        c
                    )
                }
                _ = try s.loadVPNConnectionConfig(
                    .init(
                        siteId: site.id,
                        vpnConnectionId: ids.connections[office.office]!,
                        psk: office.office == "Shanghai office" ? shanghaiPSK : nil
                    ),
                    c
                )
            }
            return ids
        }
    }

    static func error(_ body: () async throws -> Void) async -> ControlPlaneError? {
        await ControlPlaneTests.error(body)
    }

    // MARK: Sites

    @Test func createSiteKeepsBlocksRoutesAndDefaults() async throws {
        let cp = try await Self.make()
        let site = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createSite(.init(cidrBlocks: ["10.1.0.0/16", "10.2.0.0/16"], gatewayIpAddress: "198.51.100.7"), c)
        }
        #expect(site.id.hasPrefix("site-bp1"))
        #expect(site.name == site.id)
        #expect(site.cidrBlocks == [IPv4Prefix("10.1.0.0/16")!, IPv4Prefix("10.2.0.0/16")!])
        #expect(site.gatewayIpAddress == IPv4Address("198.51.100.7")!)
        let topology = await cp.snapshot.topology
        let projected = try #require(topology.sites[SiteID(site.id)])
        #expect(projected.cidrs == site.cidrBlocks && projected.gatewayIP == site.gatewayIpAddress)
    }

    @Test(arguments: [
        (["10.1.0.0/33"], "198.51.100.7", "InvalidCidrBlock.Malformed"),
        (["10.1.0.1/16"], "198.51.100.7", "InvalidCidrBlock.Malformed"),
        (["10.1.0.0/16", "10.1.128.0/17"], "198.51.100.7", "InvalidCidrBlock.Overlapped"),
        (["10.20.1.0/24"], "198.51.100.7", "InvalidCidrBlock.Overlapped"),
        (["100.64.1.0/24"], "198.51.100.7", "InvalidCidrBlock.Reserved"),
        ([], "198.51.100.7", "MissingCidrBlock"),
        (["10.1.0.0/16"], "198.51.100", "InvalidGatewayIpAddress.Malformed"),
        (["10.1.0.0/16"], "192.168.1.1", "InvalidGatewayIpAddress.NotPublic"),
        (["10.1.0.0/16"], "100.64.0.1", "InvalidGatewayIpAddress.NotPublic"),
        (["10.1.0.0/16"], "203.0.113.9", "InvalidGatewayIpAddress.AlreadyExist"),
        (["10.1.0.0/16"], "203.0.113.1", "InvalidGatewayIpAddress.Conflict"),
        (["198.51.100.0/24"], "198.51.100.7", "InvalidGatewayIpAddress.InsideSite"),
    ])
    func badSitesAreRejectedWithoutChange(blocks: [String], gatewayIP: String, code: String) async throws {
        let cp = try await Self.make()
        try await cp.mutate { s, c throws(ControlPlaneError) in
            _ = try s.createSite(
                .init(name: "Existing", cidrBlocks: ["10.20.0.0/16"], gatewayIpAddress: "203.0.113.9"),
                c
            )
            let vpc = try s.createVPC(.init(regionId: "cn-hangzhou"), c)
            _ = try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 5), c)
        }
        let before = await cp.snapshot
        #expect(before.vpnGateways.values.first?.internetIp == IPv4Address("203.0.113.1"))
        let error = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createSite(.init(cidrBlocks: blocks, gatewayIpAddress: gatewayIP), c)
            }
        }
        #expect(error?.code == code)
        if code != "MissingCidrBlock" {
            // The message quotes the offending value.
            #expect(
                blocks.contains { error?.message.contains($0) == true } || error?.message.contains(gatewayIP) == true
            )
        }
        #expect(await cp.snapshot == before)
    }

    @Test func deleteSiteRemovesItAndUnknownSitesAreNotFound() async throws {
        let cp = try await Self.make()
        let site = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createSite(.init(cidrBlocks: ["10.1.0.0/16"], gatewayIpAddress: "198.51.100.7"), c)
        }
        try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteSite(site.id) }
        #expect(await cp.snapshot.sites.isEmpty)
        let error = await Self.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteSite(site.id) }
        }
        #expect(error?.code == "InvalidSiteId.NotFound" && error?.kind == .notFound)
    }

    // MARK: Device routes

    @Test func routeEntriesNeedAReachableNextHopOutsideTheSite() async throws {
        let cp = try await Self.make()
        let (site, gatewayIP) = try await cp.mutate { s, c throws(ControlPlaneError) in
            let vpc = try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "192.168.0.0/16"), c)
            let gateway = try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 5), c)
            let site = try s.createSite(.init(cidrBlocks: ["10.1.0.0/16"], gatewayIpAddress: "198.51.100.7"), c)
            return (site, gateway.internetIp.description)
        }
        let before = await cp.snapshot
        for (destination, nextHop, code) in [
            ("192.168.0.0/33", gatewayIP, "InvalidDestinationCidrBlock.Malformed"),
            ("192.168.0.0/16", "203.0.113", "InvalidNextHopIp.Malformed"),
            ("192.168.0.0/16", "10.1.0.1", "InvalidNextHopIp.InsideSite"),
            ("192.168.0.0/16", "198.51.100.99", "InvalidNextHopIp.Unreachable"),
            ("10.1.0.0/16", gatewayIP, "InvalidDestinationCidrBlock.SiteNetwork"),
        ] {
            let error = await Self.error {
                _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                    try s.createSiteRouteEntry(
                        .init(siteId: site.id, destinationCidrBlock: destination, nextHopIp: nextHop),
                        c
                    )
                }
            }
            #expect(error?.code == code, "\(destination) via \(nextHop)")
            #expect(await cp.snapshot == before)
        }
        let unknown = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createSiteRouteEntry(
                    .init(siteId: "site-nope", destinationCidrBlock: "192.168.0.0/16", nextHopIp: gatewayIP),
                    c
                )
            }
        }
        #expect(unknown?.code == "InvalidSiteId.NotFound" && unknown?.message.contains("site-nope") == true)

        try await cp.mutate { s, c throws(ControlPlaneError) in
            _ = try s.createSiteRouteEntry(
                .init(siteId: site.id, destinationCidrBlock: "192.168.0.0/16", nextHopIp: gatewayIP),
                c
            )
        }
        let duplicate = await Self.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createSiteRouteEntry(
                    .init(siteId: site.id, destinationCidrBlock: "192.168.0.0/16", nextHopIp: gatewayIP),
                    c
                )
            }
        }
        #expect(duplicate?.code == "InvalidDestinationCidrBlock.Duplicate")
        let projected = await cp.snapshot.topology.sites[SiteID(site.id)]
        #expect(projected?.staticRoutes.map(\.description) == ["ip route 192.168.0.0/16 \(gatewayIP)"])

        let missing = await Self.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in
                try s.deleteSiteRouteEntry(siteId: site.id, destinationCidrBlock: "172.16.0.0/12", nextHopIp: nil)
            }
        }
        #expect(missing?.code == "InvalidSiteRouteEntry.NotFound")
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteSiteRouteEntry(siteId: site.id, destinationCidrBlock: "192.168.0.0/16", nextHopIp: gatewayIP)
        }
        #expect(await cp.snapshot.sites[site.id]?.routeEntries.isEmpty == true)
    }

    // MARK: Loaded configurations

    @Test func loadedConfigurationMirrorsTheConnectionAndTakesOverrides() async throws {
        let cp = try await Self.make()
        let ids = try await Self.buildSeed004(cp)
        let shanghai = try #require(ids.sites["Shanghai office"])
        let connection = try #require(ids.connections["Shanghai office"])
        let state = await cp.snapshot
        let loaded = try #require(state.sites[shanghai]?.connectionConfigs.first)
        #expect(loaded.vpnConnectionId == connection)
        #expect(loaded.peerIp == ids.gatewayIP && loaded.localIp == IPv4Address("203.0.113.41"))
        #expect(loaded.ikeConfig.psk == "shanghai-key")
        #expect(
            loaded.localSubnet == [IPv4Prefix("10.10.10.0/24")!] && loaded.remoteSubnet == [IPv4Prefix("0.0.0.0/0")!]
        )
        #expect(loaded.ikeConfig.localId == "203.0.113.41" && loaded.ikeConfig.remoteId == ids.gatewayIP.description)

        // Loading again replaces; overrides apply.
        var pfsDisabled = CloudState.IPsecConfigInput()
        pfsDisabled.IpsecPfs = "disabled"
        let ipsec = pfsDisabled
        let reloaded = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.loadVPNConnectionConfig(
                .init(
                    siteId: shanghai,
                    vpnConnectionId: connection,
                    psk: "other-key",
                    ipsecConfig: ipsec,
                    remoteSubnet: "192.168.0.0/16"
                ),
                c
            )
        }
        let configs = await cp.snapshot.sites[shanghai]?.connectionConfigs
        #expect(configs == [reloaded])
        #expect(reloaded.ikeConfig.psk == "other-key" && reloaded.ipsecConfig.ipsecPfs == "disabled")
        #expect(reloaded.remoteSubnet == [IPv4Prefix("192.168.0.0/16")!])

        // The device keeps what it loaded when the cloud side changes; unloading removes it.
        var ike = CloudState.IKEConfigInput()
        ike.Psk = "rotated-key"
        let rotated = ike
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.modifyVPNConnection(connection, region: "cn-shanghai", .init(ikeConfig: rotated), c)
        }
        #expect(await cp.snapshot.sites[shanghai]?.connectionConfigs.first?.ikeConfig.psk == "other-key")
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.unloadVPNConnectionConfig(siteId: shanghai, vpnConnectionId: connection)
        }
        #expect(await cp.snapshot.sites[shanghai]?.connectionConfigs.isEmpty == true)
        #expect(await cp.snapshot.topology.sites[SiteID(shanghai)]?.ipsecConfigurations.isEmpty == true)
    }

    @Test func badLoadsAreRejectedWithoutChange() async throws {
        let cp = try await Self.make()
        let ids = try await Self.buildSeed004(cp)
        let shanghai = ids.sites["Shanghai office"]!
        let ningboConnection = ids.connections["Ningbo office"]!
        let before = await cp.snapshot
        var badGroup = CloudState.IKEConfigInput()
        badGroup.IkePfs = "group99"
        var twoKeys = CloudState.IKEConfigInput()
        twoKeys.Psk = "a-key"
        let cases: [(CloudState.LoadVPNConnectionConfig, String)] = [
            (.init(siteId: "site-nope", vpnConnectionId: ningboConnection), "InvalidSiteId.NotFound"),
            (.init(siteId: shanghai, vpnConnectionId: "vco-nope"), "InvalidVpnConnectionInstanceId.NotFound"),
            (.init(siteId: shanghai, vpnConnectionId: ningboConnection), "InvalidVpnConnection.SiteMismatch"),
            (
                .init(siteId: shanghai, vpnConnectionId: ids.connections["Shanghai office"]!, psk: "has space"),
                "InvalidParameter"
            ),
            (
                .init(siteId: shanghai, vpnConnectionId: ids.connections["Shanghai office"]!, ikeConfig: badGroup),
                "InvalidParameter"
            ),
            (
                .init(
                    siteId: shanghai,
                    vpnConnectionId: ids.connections["Shanghai office"]!,
                    psk: "b-key",
                    ikeConfig: twoKeys
                ), "InvalidParameter"
            ),
            (
                .init(
                    siteId: shanghai,
                    vpnConnectionId: ids.connections["Shanghai office"]!,
                    localSubnet: "10.10.10.0/33"
                ), "InvalidParameter"
            ),
            (
                .init(
                    siteId: shanghai,
                    vpnConnectionId: ids.connections["Shanghai office"]!,
                    localSubnet: "10.10.10.0/24,10.10.11.0/24"
                ), "InvalidParameter"
            ),
        ]
        for (request, code) in cases {
            let error = await Self.error {
                _ = try await cp.mutate { s, c throws(ControlPlaneError) in try s.loadVPNConnectionConfig(request, c) }
            }
            #expect(error?.code == code, "\(request)")
            #expect(await cp.snapshot == before)
        }
        let unload = await Self.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in
                try s.unloadVPNConnectionConfig(siteId: shanghai, vpnConnectionId: ningboConnection)
            }
        }
        #expect(unload?.code == "InvalidVpnConnectionConfig.NotFound")
    }

    // MARK: Storage

    @Test func sitesSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-\(UUID().uuidString).db")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try await Self.make(store: ResourceStoreStateStore(store: try SQLiteStore(path: path)))
        let ids = try await Self.buildSeed004(first)
        let before = await first.snapshot
        let second = try await Self.make(store: ResourceStoreStateStore(store: try SQLiteStore(path: path)))
        let after = await second.snapshot
        #expect(after.sites == before.sites)
        #expect(after.ordered(after.sites).map(\.name) == Self.offices.map(\.office))
        // The reloaded plane keeps writing sites: a delete after restart is stored.
        try await second.mutate { s, _ throws(ControlPlaneError) in try s.deleteSite(ids.sites["Ningbo office"]!) }
        let third = try await Self.make(store: ResourceStoreStateStore(store: try SQLiteStore(path: path)))
        #expect(await third.snapshot.sites.count == 2)
    }

    // MARK: Connectivity

    @Test func badConnectivityRequestsAreErrors() async throws {
        let cp = try await Self.make()
        _ = try await Self.buildSeed004(cp)
        let state = await cp.snapshot
        for (request, code) in [
            (ConnectivityRequest(sourceIp: "10.10.10.300", destinationIp: "10.10.30.10"), "InvalidSourceIp.Malformed"),
            (ConnectivityRequest(sourceIp: "10.10.10.10", destinationIp: "x"), "InvalidDestinationIp.Malformed"),
            (
                ConnectivityRequest(sourceIp: "10.10.10.10", destinationIp: "10.10.30.10", ipProtocol: "gre"),
                "InvalidProtocol"
            ),
            (
                ConnectivityRequest(sourceIp: "10.10.10.10", destinationIp: "10.10.30.10", ipProtocol: "tcp"),
                "MissingDestinationPort"
            ),
            (
                ConnectivityRequest(
                    sourceIp: "10.10.10.10",
                    destinationIp: "10.10.30.10",
                    ipProtocol: "tcp",
                    destinationPort: 70000
                ), "InvalidDestinationPort"
            ),
            (
                ConnectivityRequest(sourceIp: "10.10.10.10", destinationIp: "10.10.30.10", destinationPort: 80),
                "InvalidDestinationPort"
            ),
            (ConnectivityRequest(sourceIp: "172.31.0.1", destinationIp: "10.10.30.10"), "InvalidSourceIp.NotFound"),
            (
                ConnectivityRequest(sourceIp: "10.10.10.10", destinationIp: "172.31.0.1"),
                "InvalidDestinationIp.NotFound"
            ),
        ] {
            #expect(throws: ControlPlaneError.self) { try state.testConnectivity(request) }
            do {
                _ = try state.testConnectivity(request)
            } catch {
                #expect(error.code == code)
            }
        }
    }

    @Test func aFlowInsideOneSiteIsDeliveredOnItsOwnNetwork() async throws {
        let cp = try await Self.make()
        _ = try await Self.buildSeed004(cp)
        let report = try await cp.snapshot.testConnectivity(
            ConnectivityRequest(
                sourceIp: "10.10.10.10",
                destinationIp: "10.10.10.20",
                ipProtocol: "TCP",
                destinationPort: 22
            )
        )
        #expect(report.isReachable && report.outcome == "ACCEPTED")
        #expect(report.forwardHops.first?.routeType == RouteEntryType.connected.rawValue)
        #expect(report.source.name == "Shanghai office" && report.destination.node.hasPrefix("site-"))
    }

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    /// Replaces every id of `names` in `text` by `<name>`, so ids of the file and of the API compare.
    static func neutral(_ text: String, _ names: [String: String]) -> String {
        var out = text
        for (id, name) in names.sorted(by: { $0.key.count > $1.key.count }) {
            out = out.replacingOccurrences(of: id, with: "<\(name)>")
        }
        return out
    }

    static func names(_ topology: Topology) -> [String: String] {
        var names: [String: String] = [:]
        for (id, x) in topology.vpcs { names[id.rawValue] = x.name }
        for (id, x) in topology.vSwitches { names[id.rawValue] = x.name }
        for (id, x) in topology.vpnGateways { names[id.rawValue] = x.name }
        for (id, x) in topology.customerGateways { names[id.rawValue] = x.name }
        for (id, x) in topology.vpnConnections { names[id.rawValue] = x.name }
        for (id, x) in topology.sites { names[id.rawValue] = x.name }
        return names
    }

    /// TestConnectivity on seed 004 built through the control plane answers what the analyzer answers for
    /// examples/seed-004-vpn-hub.yaml (with the API's gateway IP and, when given, the same wrong PSK on the
    /// Shanghai device): outcome, explanation, fix and every hop.
    @Test(arguments: [nil, "wrong-key"] as [String?])
    func connectivityIsTheAnalyzersAnswerForTheSeedFile(shanghaiPSK: String?) async throws {
        let cp = try await Self.make()
        let ids = try await Self.buildSeed004(cp, shanghaiPSK: shanghaiPSK)
        let state = await cp.snapshot
        let report = try state.testConnectivity(
            ConnectivityRequest(sourceIp: "10.10.10.10", destinationIp: "10.10.30.10")
        )

        var text = try String(
            contentsOf: Self.examples.appendingPathComponent("seed-004-vpn-hub.yaml"),
            encoding: .utf8
        )
        text = text.replacingOccurrences(of: "198.51.100.40", with: ids.gatewayIP.description)
        if let shanghaiPSK {
            let device = "{peer: VPN Gateway, psk: shanghai-key"
            #expect(text.contains(device))
            text = text.replacingOccurrences(of: device, with: "{peer: VPN Gateway, psk: \(shanghaiPSK)")
        }
        let document = try TopologyFile.parse(text, file: "seed-004-vpn-hub.yaml")
        let result = ReachabilityAnalyzer(RouteEngine(document.topology))
            .trace(Flow(source: IPv4Address("10.10.10.10")!, destination: IPv4Address("10.10.30.10")!))
        let api = Self.names(state.topology)
        let file = Self.names(document.topology)

        #expect(report.outcome == result.disposition.rawValue)
        #expect(report.isReachable == result.isReachable)
        #expect(report.isReachable == (shanghaiPSK == nil))
        #expect(Self.neutral(report.explanation, api) == Self.neutral(result.explanation, file))
        #expect(Self.neutral(report.fix ?? "", api) == Self.neutral(result.fix ?? "", file))
        func rows(_ hops: [ConnectivityHop]) -> [String] {
            hops.map { Self.neutral("\($0.node) \($0.destination ?? "") \($0.note)", api) }
        }
        func rows(_ hops: [Hop]) -> [String] {
            hops.map { Self.neutral("\($0.node) \($0.entry?.destination.description ?? "") \($0.note)", file) }
        }
        #expect(rows(report.forwardHops) == rows(result.forward.hops))
        #expect(rows(report.returnHops) == rows(result.reverse?.hops ?? []))
        if shanghaiPSK != nil {
            #expect(report.outcome == "TUNNEL_DOWN" && report.explanation.contains("pre-shared keys differ"))
            #expect(report.forwardHops.count == 1 && report.returnHops.isEmpty)
        } else {
            // Shanghai office → VPN gateway (VPN-Hub) → Ningbo office, and back.
            #expect(report.forwardHops.map(\.kind) == ["office", "VPN gateway", "office"])
            #expect(report.returnHops.map(\.name) == ["Ningbo office", "VPN Gateway", "Shanghai office"])
        }
        let tunnels = state.siteTunnelStates()
        #expect(
            tunnels[ids.connections["Shanghai office"]!]?.status
                == (shanghaiPSK == nil ? "ipsec_sa_established" : "ike_sa_not_established")
        )
        #expect(tunnels[ids.connections["Ningbo office"]!]?.status == "ipsec_sa_established")
        // The connection's cloud-side Status (proj) agrees, through the control plane's kept engine.
        let view = await cp.view
        #expect(
            view.status(ofConnection: ids.connections["Shanghai office"]!)
                == (shanghaiPSK == nil ? "ipsec_sa_established" : "ike_sa_not_established")
        )
        #expect(
            try view.testConnectivity(ConnectivityRequest(sourceIp: "10.10.10.10", destinationIp: "10.10.30.10"))
                == report
        )
    }
}
