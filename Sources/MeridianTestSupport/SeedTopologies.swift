public import NetworkModel

/// The five seed networks, built with the seeds' names, addresses and keys, plus one instance per VPC whose
/// security group admits the offices and the other VPCs.
///
/// Where a seed gives no value (public IPs in seeds 000/001/003/004, vSwitch blocks, instance addresses) the
/// builders use documentation addresses (203.0.113.0/24 for VPN gateways, 198.51.100.0/24 for offices) and the
/// first /24 of the VPC.
public enum SeedTopologies {
    static let everyone = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]

    /// Seed 000: two VPCs (US East 172.16.0.0/16, Shanghai 172.17.0.0/16) joined by an Express Connect router
    /// interface pair; two offices per region over IPsec with local network 0.0.0.0/0 (VPN-Hub, no gateway routes);
    /// the routes of step 4.
    public static func seed000() -> Topology {
        var b = TopologyBuilder()
        b.vpc("vpc-us", name: "VPC 1", region: .virginia, cidr: "172.16.0.0/16", vSwitches: [("vsw-us", "172.16.1.0/24")])
        b.vpc("vpc-sh", name: "VPC 2", region: .shanghai, cidr: "172.17.0.0/16", vSwitches: [("vsw-sh", "172.17.1.0/24")])
        b.instance("i-us", name: "app US", vSwitch: "vsw-us", ip: "172.16.1.10", admitting: everyone)
        b.instance("i-sh", name: "app Shanghai", vSwitch: "vsw-sh", ip: "172.17.1.10", admitting: everyone)
        b.vpnGateway("vpn-us", name: "VPN Gateway for VPC 1", vpc: "vpc-us", publicIP: "203.0.113.1")
        b.vpnGateway("vpn-sh", name: "VPN Gateway for VPC 2", vpc: "vpc-sh", publicIP: "203.0.113.2")
        let offices: [(String, String, RegionID, String, String, String)] = [
            ("1", "US office 1", .virginia, "10.10.10.0/24", "198.51.100.1", "vpn-us"),
            ("2", "US office 2", .virginia, "10.10.20.0/24", "198.51.100.2", "vpn-us"),
            ("3", "Shanghai office 3", .shanghai, "10.20.10.0/24", "198.51.100.3", "vpn-sh"),
            ("4", "Shanghai office 4", .shanghai, "10.20.20.0/24", "198.51.100.4", "vpn-sh"),
        ]
        for (n, name, region, cidr, ip, gateway) in offices {
            let gatewayIP = gateway == "vpn-us" ? "203.0.113.1" : "203.0.113.2"
            b.connection(
                "vco-\(n)", name: "IPsec connection \(n)", gateway: gateway, customerGateway: "cgw-\(n)",
                customerGatewayName: "\(name) gateway", ip: ip, region: region, local: ["0.0.0.0/0"], remote: [cidr],
                psk: "office\(n)key")
            b.office(
                "site-office\(n)", name: name, region: region, cidr: cidr, ip: ip, peer: gatewayIP, psk: "office\(n)key",
                local: [cidr], remote: ["0.0.0.0/0"])
        }
        b.topology.add(RouterInterface(id: "ri-us", name: "VPC1 to VPC2", router: .vpc("vpc-us"), role: .initiatingSide, spec: "Large.1", oppositeInterface: "ri-sh"))
        b.topology.add(RouterInterface(id: "ri-sh", name: "VPC2 to VPC1", router: .vpc("vpc-sh"), role: .acceptingSide, oppositeInterface: "ri-us"))
        b.route("rte-us-1", in: "vpc-us", "10.10.10.0/24", .vpnGateway("vpn-us"))
        b.route("rte-us-2", in: "vpc-us", "10.10.20.0/24", .vpnGateway("vpn-us"))
        b.route("rte-us-3", in: "vpc-us", "172.17.0.0/16", .routerInterface("ri-us"))
        b.route("rte-us-4", in: "vpc-us", "10.20.10.0/24", .routerInterface("ri-us"))
        b.route("rte-us-5", in: "vpc-us", "10.20.20.0/24", .routerInterface("ri-us"))
        b.route("rte-sh-1", in: "vpc-sh", "10.20.10.0/24", .vpnGateway("vpn-sh"))
        b.route("rte-sh-2", in: "vpc-sh", "10.20.20.0/24", .vpnGateway("vpn-sh"))
        b.route("rte-sh-3", in: "vpc-sh", "172.16.0.0/16", .routerInterface("ri-sh"))
        b.route("rte-sh-4", in: "vpc-sh", "10.10.10.0/24", .routerInterface("ri-sh"))
        b.route("rte-sh-5", in: "vpc-sh", "10.10.20.0/24", .routerInterface("ri-sh"))
        return b.topology
    }

    /// Seed 001: the same shape as seed 000 with CEN instead of Express Connect (Virginia and Shanghai); the VPC
    /// routes to the VPN gateways are published to CEN (step 4). No bandwidth plan is mentioned.
    public static func seed001() -> Topology {
        var b = TopologyBuilder()
        b.vpc("vpc-va", name: "VPC1", region: .virginia, cidr: "172.16.0.0/16", vSwitches: [("vsw-va", "172.16.1.0/24")])
        b.vpc("vpc-sh", name: "VPC2", region: .shanghai, cidr: "172.17.0.0/16", vSwitches: [("vsw-sh", "172.17.1.0/24")])
        b.instance("i-va", name: "app Virginia", vSwitch: "vsw-va", ip: "172.16.1.10", admitting: everyone)
        b.instance("i-sh", name: "app Shanghai", vSwitch: "vsw-sh", ip: "172.17.1.10", admitting: everyone)
        b.vpnGateway("vpn-va", name: "VPN Gateway VPC1", vpc: "vpc-va", publicIP: "203.0.113.1")
        b.vpnGateway("vpn-sh", name: "VPN Gateway VPC2", vpc: "vpc-sh", publicIP: "203.0.113.2")
        let offices: [(String, RegionID, String, String, String, String)] = [
            ("1", .virginia, "10.10.10.0/24", "198.51.100.1", "vpn-va", "vpc-va"),
            ("2", .virginia, "10.10.20.0/24", "198.51.100.2", "vpn-va", "vpc-va"),
            ("3", .shanghai, "10.20.10.0/24", "198.51.100.3", "vpn-sh", "vpc-sh"),
            ("4", .shanghai, "10.20.20.0/24", "198.51.100.4", "vpn-sh", "vpc-sh"),
        ]
        var publish: [CENRouteReference] = []
        for (n, region, cidr, ip, gateway, vpc) in offices {
            let gatewayIP = gateway == "vpn-va" ? "203.0.113.1" : "203.0.113.2"
            b.connection(
                "vco-\(n)", name: "IPsec-VPN connection \(n)", gateway: gateway, customerGateway: "cgw-\(n)",
                customerGatewayName: "Office \(n)", ip: ip, region: region, local: ["0.0.0.0/0"], remote: [cidr], psk: "office\(n)key")
            b.office(
                "site-office\(n)", name: "Office \(n)", region: region, cidr: cidr, ip: ip, peer: gatewayIP, psk: "office\(n)key",
                local: [cidr], remote: ["0.0.0.0/0"])
            b.route("rte-\(n)", in: vpc, cidr, .vpnGateway(VPNGatewayID(gateway)))
            publish.append(CENRouteReference(network: .vpc(VPCID(vpc)), destination: TopologyBuilder.prefix(cidr)))
        }
        b.cen("cen-global", name: "global network", attach: [.vpc("vpc-va"), .vpc("vpc-sh")], publish: publish)
        return b.topology
    }

    /// Seed 002 after step 6: Silicon Valley VPC 1 172.16.0.0/16 and Shanghai VPC 2 192.168.0.0/16 on one CEN
    /// with a bandwidth plan; VPN gateways 5.5.5.5 and 6.6.6.6; offices 1–4 behind customer gateways 1.1.1.1–4.4.4.4
    /// with keys 123456/654321, effective immediately; gateway routes with weight 0 published to the VPCs;
    /// the routes advertised to CEN (step 4); the offices' static routes (step 5).
    ///
    /// - Parameter officeStaticRoutes: `false` skips step 5.
    public static func seed002(officeStaticRoutes: Bool = true) -> Topology {
        var b = TopologyBuilder()
        b.vpc("vpc-1", name: "VPC 1", region: .siliconValley, cidr: "172.16.0.0/16", vSwitches: [("vsw-1", "172.16.1.0/24")])
        b.vpc("vpc-2", name: "VPC 2", region: .shanghai, cidr: "192.168.0.0/16", vSwitches: [("vsw-2", "192.168.1.0/24")])
        b.instance("i-1", name: "application 1", vSwitch: "vsw-1", ip: "172.16.1.10", admitting: everyone)
        b.instance("i-2", name: "application 2", vSwitch: "vsw-2", ip: "192.168.1.10", admitting: everyone)
        b.vpnGateway(
            "vpn-1", name: "VPN gateway 1", vpc: "vpc-1", publicIP: "5.5.5.5",
            routes: [
                VPNRoute(destination: TopologyBuilder.prefix("10.10.10.0/24"), nextHop: "vco-1", weight: 0, publishToVPC: true),
                VPNRoute(destination: TopologyBuilder.prefix("10.10.20.0/24"), nextHop: "vco-2", weight: 0, publishToVPC: true),
            ])
        b.vpnGateway(
            "vpn-2", name: "VPN gateway 2", vpc: "vpc-2", publicIP: "6.6.6.6",
            routes: [
                VPNRoute(destination: TopologyBuilder.prefix("10.20.10.0/24"), nextHop: "vco-3", weight: 0, publishToVPC: true),
                VPNRoute(destination: TopologyBuilder.prefix("10.20.20.0/24"), nextHop: "vco-4", weight: 0, publishToVPC: true),
            ])
        let offices: [(String, RegionID, String, String, String, String, String)] = [
            ("1", .siliconValley, "10.10.10.0/24", "1.1.1.1", "vpn-1", "172.16.0.0/16", "123456"),
            ("2", .siliconValley, "10.10.20.0/24", "2.2.2.2", "vpn-1", "172.16.0.0/16", "654321"),
            ("3", .shanghai, "10.20.10.0/24", "3.3.3.3", "vpn-2", "192.168.0.0/16", "123456"),
            ("4", .shanghai, "10.20.20.0/24", "4.4.4.4", "vpn-2", "192.168.0.0/16", "654321"),
        ]
        let allOffices = offices.map(\.2)
        for (n, region, cidr, ip, gateway, vpcBlock, psk) in offices {
            let peer = gateway == "vpn-1" ? "5.5.5.5" : "6.6.6.6"
            b.connection(
                "vco-\(n)", name: "IPsec-VPN connection \(n)", gateway: gateway, customerGateway: "cgw-\(n)",
                customerGatewayName: "Customer gateway \(n)", ip: ip, region: region, local: [vpcBlock], remote: [cidr], psk: psk)
            // Step 5: the other VPC and every other office, through this office's VPN gateway.
            let otherVPC = gateway == "vpn-1" ? "192.168.0.0/16" : "172.16.0.0/16"
            let statics = officeStaticRoutes ? [otherVPC] + allOffices.filter { $0 != cidr } : []
            b.office(
                "site-office\(n)", name: "Office \(n)", region: region, cidr: cidr, ip: ip, peer: peer, psk: psk,
                local: [cidr], remote: [vpcBlock], staticRoutes: statics)
        }
        b.cen(
            "cen-1", name: "CEN", attach: [.vpc("vpc-1"), .vpc("vpc-2")],
            publish: [
                CENRouteReference(network: .vpc("vpc-1"), destination: TopologyBuilder.prefix("10.10.10.0/24")),
                CENRouteReference(network: .vpc("vpc-1"), destination: TopologyBuilder.prefix("10.10.20.0/24")),
                CENRouteReference(network: .vpc("vpc-2"), destination: TopologyBuilder.prefix("10.20.10.0/24")),
                CENRouteReference(network: .vpc("vpc-2"), destination: TopologyBuilder.prefix("10.20.20.0/24")),
            ])
        b.topology.add(
            CENBandwidthPackage(id: "cenbwp-1", name: "China to North America", bandwidth: 10, geographicRegionA: .china, geographicRegionB: .northAmerica, cen: "cen-1"))
        b.topology.cens["cen-1"]!.interRegionBandwidths = [InterRegionBandwidth(localRegion: .siliconValley, oppositeRegion: .shanghai, bandwidth: 10)]
        return b.topology
    }

    /// Seed 003: an IDC 10.1.1.0/24 over IPsec to the Hangzhou VPC; four VPCs (Beijing, Shanghai, Hong Kong,
    /// Hangzhou 192.168.1–4.0/24) on one CEN; the Hangzhou route to the IDC (next hop the VPN gateway) published.
    /// The IDC's table is built without the seed's typos (the duplicated rows and `0.5.0.0/0`).
    ///
    /// - Parameter publishIDCRoute: `false` stops before "Publish the route entry to CEN".
    public static func seed003(publishIDCRoute: Bool = true) -> Topology {
        var b = TopologyBuilder()
        let vpcs: [(String, String, RegionID, String)] = [
            ("bj", "Beijing VPC", .beijing, "192.168.1.0/24"),
            ("sh", "Shanghai VPC", .shanghai, "192.168.2.0/24"),
            ("hk", "Hong Kong VPC", .hongKong, "192.168.3.0/24"),
            ("hz", "Hangzhou VPC", .hangzhou, "192.168.4.0/24"),
        ]
        for (key, name, region, cidr) in vpcs {
            b.vpc("vpc-\(key)", name: name, region: region, cidr: cidr, vSwitches: [("vsw-\(key)", cidr)])
            let host = String(cidr.dropLast(4)) + "10"
            b.instance("i-\(key)", name: "\(name) server", vSwitch: "vsw-\(key)", ip: host, admitting: everyone)
        }
        b.vpnGateway("vpn-hz", name: "Hangzhou VPN Gateway", vpc: "vpc-hz", publicIP: "203.0.113.4")
        b.connection(
            "vco-idc", name: "IDC connection", gateway: "vpn-hz", customerGateway: "cgw-idc", customerGatewayName: "IDC gateway",
            ip: "198.51.100.10", region: .hangzhou, local: ["0.0.0.0/0"], remote: ["10.1.1.0/24"], psk: "idckey")
        b.office(
            "site-idc", name: "Local data center", region: .hangzhou, cidr: "10.1.1.0/24", ip: "198.51.100.10", peer: "203.0.113.4",
            psk: "idckey", local: ["10.1.1.0/24"], remote: ["0.0.0.0/0"],
            staticRoutes: ["192.168.1.0/24", "192.168.2.0/24", "192.168.3.0/24", "0.0.0.0/0"], kind: .idc)
        b.route("rte-hz-idc", in: "vpc-hz", "10.1.1.0/24", .vpnGateway("vpn-hz"))
        b.cen(
            "cen-1", name: "CEN", attach: [.vpc("vpc-hz"), .vpc("vpc-bj"), .vpc("vpc-sh"), .vpc("vpc-hk")],
            publish: publishIDCRoute ? [CENRouteReference(network: .vpc("vpc-hz"), destination: TopologyBuilder.prefix("10.1.1.0/24"))] : [])
        return b.topology
    }

    /// Seed 004: one VPN gateway and three offices (Shanghai, Hangzhou, Ningbo; 10.10.10/20/30.0/24) with local
    /// network 0.0.0.0/0 (VPN-Hub); the VPC routes of step 4.
    public static func seed004() -> Topology {
        var b = TopologyBuilder()
        b.vpc("vpc-1", name: "VPC", region: .shanghai, cidr: "172.16.0.0/16", vSwitches: [("vsw-1", "172.16.1.0/24")])
        b.instance("i-1", name: "application", vSwitch: "vsw-1", ip: "172.16.1.10", admitting: everyone)
        b.vpnGateway("vpn-1", name: "VPN Gateway", vpc: "vpc-1", publicIP: "203.0.113.1")
        let offices: [(String, String, String, String)] = [
            ("shanghai", "Shanghai office", "10.10.10.0/24", "198.51.100.1"),
            ("hangzhou", "Hangzhou office", "10.10.20.0/24", "198.51.100.2"),
            ("ningbo", "Ningbo office", "10.10.30.0/24", "198.51.100.3"),
        ]
        for (index, (key, name, cidr, ip)) in offices.enumerated() {
            b.connection(
                "vco-\(key)", name: "\(name) connection", gateway: "vpn-1", customerGateway: "cgw-\(key)", customerGatewayName: name,
                ip: ip, region: .shanghai, local: ["0.0.0.0/0"], remote: [cidr], psk: "\(key)key")
            b.office(
                "site-\(key)", name: name, region: .shanghai, cidr: cidr, ip: ip, peer: "203.0.113.1", psk: "\(key)key",
                local: [cidr], remote: ["0.0.0.0/0"])
            b.route("rte-\(index + 1)", in: "vpc-1", cidr, .vpnGateway("vpn-1"))
        }
        return b.topology
    }
}
