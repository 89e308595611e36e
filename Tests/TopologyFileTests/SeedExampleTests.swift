import Foundation
import IPAddressing
import NetworkModel
import Reachability
import RouteEngine
import Testing
import TopologyFile

/// The repository's root, found from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func examplePath(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("examples/\(name)").path
}

/// The five seeds as example files: they load, their route tables are the ones the seeds print, and every
/// site and instance reaches every other one.
struct SeedExampleTests {
    static let examples = [
        "seed-000-express-connect.yaml", "seed-001-cen.yaml", "seed-002-ipsec-cen.yaml", "seed-003-idc-cen.yaml",
        "seed-004-vpn-hub.yaml",
    ]

    /// A loaded example with its engine.
    struct Loaded {
        let document: TopologyDocument
        let engine: RouteEngine

        init(_ name: String) throws {
            document = try TopologyFile.load(path: examplePath(name))
            engine = RouteEngine(document.topology)
        }

        func node(_ name: String) throws -> NodeID {
            let t = document.topology
            if let vpc = t.vpcs.values.first(where: { $0.name == name }) { return .vpc(vpc.id) }
            if let gateway = t.vpnGateways.values.first(where: { $0.name == name }) { return .vpnGateway(gateway.id) }
            if let cen = t.cens.values.first(where: { $0.name == name }) { return .cen(cen.id) }
            if let site = t.sites.values.first(where: { $0.name == name }) { return .site(site.id) }
            throw LookupError(name: name)
        }

        /// `destination | NextHopType | next hop's name` of the active entries of a given type.
        func rows(_ router: String, types: Set<RouteEntryType>) throws -> [String] {
            let table = try #require(engine.routeTable(for: try node(router)))
            return table.entries.filter { types.contains($0.type) && $0.status == .active }.map { entry in
                "\(entry.destination) | \(entry.nextHop.typeName) | \(hopName(entry.nextHop))"
            }
        }

        func hopName(_ hop: NextHop) -> String {
            switch hop {
            case .routerInterface(let id):
                // The console shows a router interface route as "VPC <the VPC at the other end>" (seed 000).
                let t = document.topology
                guard let opposite = t.routerInterfaces[id]?.oppositeInterface,
                    let router = t.routerInterfaces[opposite]?.router
                else { return id.rawValue }
                return "VPC " + document.name(of: router.description)
            case .network(let network, _): return document.name(of: network.description)
            default: return document.name(of: hop.idText)
            }
        }
    }

    struct LookupError: Error {
        var name: String
    }

    @Test(arguments: examples)
    func exampleLoadsAndValidates(_ name: String) throws {
        let document = try TopologyFile.load(path: examplePath(name))
        #expect(document.topology.validate().isEmpty)
        #expect(document.title == String(name.dropLast(".yaml".count)))
        #expect(!document.topology.instances.isEmpty)
        #expect(!document.topology.sites.isEmpty)
    }

    @Test(arguments: examples)
    func everyPairInTheMatrixIsReachable(_ name: String) throws {
        let loaded = try Loaded(name)
        let analyzer = ReachabilityAnalyzer(loaded.engine)
        let endpoints = analyzer.endpoints()
        // Every VPC has an instance and every site a PC.
        #expect(endpoints.count == loaded.document.topology.instances.count + loaded.document.topology.sites.count)
        #expect(endpoints.count >= 4)
        for pair in analyzer.matrix(endpoints) {
            #expect(
                pair.result.isReachable,
                "\(pair.source) → \(pair.destination): \(pair.result.disposition.rawValue): \(pair.result.explanation)")
        }
    }

    /// Seed 000 step 4: the custom routes of both VPCs.
    @Test func seed000RouteTablesAreStep4() throws {
        let loaded = try Loaded("seed-000-express-connect.yaml")
        #expect(
            try loaded.rows("VPC1", types: [.custom]) == [
                "10.10.10.0/24 | VpnGateway | VPN Gateway for VPC 1",
                "10.10.20.0/24 | VpnGateway | VPN Gateway for VPC 1",
                "10.20.10.0/24 | RouterInterface | VPC VPC2",
                "10.20.20.0/24 | RouterInterface | VPC VPC2",
                "172.17.0.0/16 | RouterInterface | VPC VPC2",
            ])
        #expect(
            try loaded.rows("VPC2", types: [.custom]) == [
                "10.10.10.0/24 | RouterInterface | VPC VPC1",
                "10.10.20.0/24 | RouterInterface | VPC VPC1",
                "10.20.10.0/24 | VpnGateway | VPN Gateway for VPC 2",
                "10.20.20.0/24 | VpnGateway | VPN Gateway for VPC 2",
                "172.16.0.0/16 | RouterInterface | VPC VPC1",
            ])
    }

    /// Seed 002: the VPN gateways' routes (steps 1.5 and 2.5), the routes they publish to their VPCs, the CEN
    /// table after step 4, and the offices' static routes of step 5.
    @Test func seed002RouteTablesAreTheSeeds() throws {
        let loaded = try Loaded("seed-002-ipsec-cen.yaml")
        #expect(
            try loaded.rows("VPN gateway 1", types: [.vpnDestination]) == [
                "10.10.10.0/24 | IPsecConnection | IPsec-VPN connection 1",
                "10.10.20.0/24 | IPsecConnection | IPsec-VPN connection 2",
            ])
        #expect(
            try loaded.rows("VPN gateway 2", types: [.vpnDestination]) == [
                "10.20.10.0/24 | IPsecConnection | IPsec-VPN connection 3",
                "10.20.20.0/24 | IPsecConnection | IPsec-VPN connection 4",
            ])
        let gateway1 = try #require(loaded.engine.routeTable(for: try loaded.node("VPN gateway 1")))
        #expect(gateway1.entries.map(\.weight) == [0, 0])
        #expect(
            try loaded.rows("VPC 1", types: [.custom, .cen]) == [
                "10.10.10.0/24 | VpnGateway | VPN gateway 1",
                "10.10.20.0/24 | VpnGateway | VPN gateway 1",
                "10.20.10.0/24 | VPC | VPC 2",
                "10.20.20.0/24 | VPC | VPC 2",
                "192.168.1.0/24 | VPC | VPC 2",
            ])
        #expect(
            try loaded.rows("VPC 2", types: [.custom, .cen]) == [
                "10.10.10.0/24 | VPC | VPC 1",
                "10.10.20.0/24 | VPC | VPC 1",
                "10.20.10.0/24 | VpnGateway | VPN gateway 2",
                "10.20.20.0/24 | VpnGateway | VPN gateway 2",
                "172.16.1.0/24 | VPC | VPC 1",
            ])
        #expect(
            try loaded.rows("CEN", types: [.cen]) == [
                "10.10.10.0/24 | VPC | VPC 1",
                "10.10.20.0/24 | VPC | VPC 1",
                "10.20.10.0/24 | VPC | VPC 2",
                "10.20.20.0/24 | VPC | VPC 2",
                "172.16.1.0/24 | VPC | VPC 1",
                "192.168.1.0/24 | VPC | VPC 2",
            ])
        #expect(
            try loaded.rows("Office 1", types: [.staticRoute]) == [
                "10.10.20.0/24 | IP | 5.5.5.5",
                "10.20.10.0/24 | IP | 5.5.5.5",
                "10.20.20.0/24 | IP | 5.5.5.5",
                "192.168.0.0/16 | IP | 5.5.5.5",
            ])
        #expect(
            try loaded.rows("Office 4", types: [.staticRoute]) == [
                "10.10.10.0/24 | IP | 6.6.6.6",
                "10.10.20.0/24 | IP | 6.6.6.6",
                "10.20.10.0/24 | IP | 6.6.6.6",
                "172.16.0.0/16 | IP | 6.6.6.6",
            ])
    }

    /// Seed 003's publish table: a VPC's system routes go to CEN by default, its route to a VPN gateway only
    /// once published; other VPCs then learn the route to the IDC.
    @Test func seed003PublishTable() throws {
        let loaded = try Loaded("seed-003-idc-cen.yaml")
        #expect(
            try loaded.rows("CEN", types: [.cen]) == [
                "10.1.1.0/24 | VPC | Hangzhou VPC",
                "192.168.1.0/24 | VPC | Beijing VPC",
                "192.168.2.0/24 | VPC | Shanghai VPC",
                "192.168.3.0/24 | VPC | Hong Kong VPC",
                "192.168.4.0/24 | VPC | Hangzhou VPC",
            ])
        #expect(try loaded.rows("Hangzhou VPC", types: [.custom]) == ["10.1.1.0/24 | VpnGateway | VPN Gateway"])
        for vpc in ["Beijing VPC", "Shanghai VPC", "Hong Kong VPC"] {
            #expect(try loaded.rows(vpc, types: [.cen]).first == "10.1.1.0/24 | VPC | Hangzhou VPC")
        }
        #expect(
            try loaded.rows("IDC", types: [.staticRoute]) == [
                "0.0.0.0/0 | IP | 198.51.100.30",
                "192.168.1.0/24 | IP | 198.51.100.30",
                "192.168.3.0/24 | IP | 198.51.100.30",
            ])

        // Before publishing, CEN has only the system routes and the Beijing VPC does not learn the IDC.
        var unpublished = loaded.document.topology
        let cenID = try #require(unpublished.cens.keys.first)
        unpublished.cens[cenID]?.publishedRoutes = []
        let engine = RouteEngine(unpublished)
        let cen = try #require(engine.routeTable(for: .cen(cenID)))
        #expect(cen.entries.filter { $0.status == .active }.map(\.destination.description) == [
            "192.168.1.0/24", "192.168.2.0/24", "192.168.3.0/24", "192.168.4.0/24",
        ])
        let beijing = try loaded.node("Beijing VPC")
        #expect(engine.lookup(IPv4Address(10, 1, 1, 10), at: beijing) == nil)
    }

    /// Seed 004 step 4: three routes to the VPN gateway, one per office.
    @Test func seed004RouteTableIsStep4() throws {
        let loaded = try Loaded("seed-004-vpn-hub.yaml")
        #expect(
            try loaded.rows("VPC", types: [.custom]) == [
                "10.10.10.0/24 | VpnGateway | VPN Gateway",
                "10.10.20.0/24 | VpnGateway | VPN Gateway",
                "10.10.30.0/24 | VpnGateway | VPN Gateway",
            ])
        #expect(loaded.document.topology.vpnConnections.count == 3)
    }
}
