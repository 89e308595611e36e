import Foundation
import IPAddressing
import MeridianTestSupport
import NetworkModel
import Testing

private func p(_ text: String) -> IPv4Prefix { TopologyBuilder.prefix(text) }
private func a(_ text: String) -> IPv4Address { TopologyBuilder.address(text) }

struct NetworkModelTests {
    @Test func seedTopologiesAreValid() {
        for topology in [SeedTopologies.seed000(), SeedTopologies.seed001(), SeedTopologies.seed002(), SeedTopologies.seed003(), SeedTopologies.seed004()] {
            #expect(topology.validate() == [])
        }
        #expect(SyntheticNetwork.make(vpcs: 30, sites: 5).validate() == [])
    }

    @Test func topologyRoundTripsThroughJSON() throws {
        let topology = SeedTopologies.seed002()
        let data = try JSONEncoder().encode(topology)
        let decoded = try JSONDecoder().decode(Topology.self, from: data)
        #expect(decoded == topology)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains(#""vpc-1":{"#))
        #expect(text.contains(#""nextHop":"vco-1""#))
    }
}

struct ValidationTests {
    @Test func eleventhIPsecConnectionOnOneGatewayIsRejected() {
        var topology = SeedTopologies.seed004()
        for n in 4...11 {
            let ip = a("198.51.100.\(n)")
            topology.add(CustomerGateway(id: CustomerGatewayID("cgw-extra\(n)"), region: .shanghai, ipAddress: ip))
            topology.add(
                VPNConnection(
                    id: VPNConnectionID("vco-extra\(n)"), vpnGateway: "vpn-1", customerGateway: CustomerGatewayID("cgw-extra\(n)"),
                    localSubnet: [.defaultRoute], remoteSubnet: [p("10.10.\(100 + n).0/24")], ikeConfig: IKEConfig(preSharedKey: "k\(n)")))
        }
        let issues = topology.validate()
        #expect(issues.count == 1)
        // Connections are counted in identifier order; the one past the quota is reported.
        #expect(issues.first?.path == #"vpnConnections["vco-shanghai"].vpnGateway"#)
        #expect(issues.first?.code == "Resource.QuotaFull")
        #expect(issues.first?.message == "VPN gateway 'vpn-1' already has 10 IPsec connections (11 given); the quota is 10 per gateway")
    }

    @Test func overlappingOfficeCIDRsOnOneGatewayAreReported() {
        var topology = SeedTopologies.seed004()
        topology.sites["site-ningbo"]!.cidrs = [p("10.10.0.0/16")]
        topology.vpnConnections["vco-ningbo"]!.remoteSubnet = [p("10.10.0.0/16")]
        let issues = topology.validate()
        #expect(
            issues.map(\.description) == [
                #"sites["site-ningbo"].cidrs[0]: office block '10.10.0.0/16' overlaps '10.10.20.0/24' of site 'site-hangzhou'; both connect to VPN gateway 'vpn-1', whose sites must not overlap"#,
                #"sites["site-shanghai"].cidrs[0]: office block '10.10.10.0/24' overlaps '10.10.0.0/16' of site 'site-ningbo'; both connect to VPN gateway 'vpn-1', whose sites must not overlap"#,
                #"vpnConnections["vco-ningbo"].remoteSubnet[0]: remote network '10.10.0.0/16' overlaps '10.10.20.0/24' of IPsec connection 'vco-hangzhou' on the same VPN gateway 'vpn-1'; the sites of one gateway must not overlap"#,
                #"vpnConnections["vco-shanghai"].remoteSubnet[0]: remote network '10.10.10.0/24' overlaps '10.10.0.0/16' of IPsec connection 'vco-ningbo' on the same VPN gateway 'vpn-1'; the sites of one gateway must not overlap"#,
            ])
    }

    @Test func contradictoryTopologyReportsEveryProblemAtOnce() {
        var topology = SeedTopologies.seed002()
        topology.add(VSwitch(id: "vsw-overlap", vpc: "vpc-1", cidrBlock: p("172.16.1.128/25")))  // overlaps vsw-1
        topology.add(VSwitch(id: "vsw-outside", vpc: "vpc-1", cidrBlock: p("10.99.0.0/24")))  // outside the VPC
        topology.add(VSwitch(id: "vsw-orphan", vpc: "vpc-none", cidrBlock: p("10.98.0.0/24")))  // dangling VPC
        topology.vpnConnections["vco-1"]!.remoteSubnet = [p("10.10.10.0/24"), p("10.10.10.0/24")]  // duplicated row, IKEv1
        topology.vpnConnections["vco-2"]!.customerGateway = "cgw-missing"
        topology.vpnGateways["vpn-1"]!.bandwidth = 7
        topology.vpcs["vpc-2"]!.routes.append(RouteEntry(id: "rte-bad", destination: p("192.168.1.0/24"), nextHop: .vpnGateway("vpn-1")))
        topology.securityGroups["sg-1"]!.rules.append(SecurityGroupRule(direction: .ingress, ipProtocol: .tcp, portRange: .any, cidr: p("10.0.0.0/8"), priority: 101))
        topology.instances["i-1"]!.privateIP = a("172.16.9.9")
        topology.cens["cen-1"]!.publishedRoutes.append(CENRouteReference(network: .vpc("vpc-2"), destination: p("10.77.0.0/16")))
        topology.vpcs["vpc-1"]!.region = "mars-1"
        let paths = topology.validate().map(\.path)
        #expect(
            paths == [
                #"cens["cen-1"].publishedRoutes[4].destination"#,
                #"instances["i-1"].privateIP"#,
                #"securityGroups["sg-1"].rules[6].portRange"#,
                #"securityGroups["sg-1"].rules[6].priority"#,
                #"vSwitches["vsw-orphan"].vpc"#,
                #"vSwitches["vsw-outside"].cidrBlock"#,
                #"vSwitches["vsw-overlap"].cidrBlock"#,
                #"vpcs["vpc-1"].region"#,
                #"vpcs["vpc-2"].routes[0].destination"#,
                #"vpcs["vpc-2"].routes[0].nextHop"#,
                #"vpnConnections["vco-1"].remoteSubnet"#,
                #"vpnConnections["vco-1"].remoteSubnet[1]"#,
                #"vpnConnections["vco-2"].customerGateway"#,
                #"vpnGateways["vpn-1"].bandwidth"#,
            ])
        let messages = topology.validate().map(\.message)
        #expect(messages.contains("bandwidth 7 Mbit/s is not offered; allowed: 5, 10, 20, 50, 100, 200"))
        #expect(messages.contains("vSwitch CIDR block '172.16.1.128/25' overlaps '172.16.1.0/24' of vSwitch 'vsw-1' in the same VPC; vSwitch blocks must not overlap"))
        #expect(messages.contains("VPN gateway 'vpn-1' belongs to VPC 'vpc-1', not 'vpc-2'; a next hop must belong to the same VPC"))
        #expect(throws: TopologyValidationError.self) { try topology.validated() }
    }

    @Test func seed003TyposAreReportedNotMerged() {
        var topology = SeedTopologies.seed003()
        // The IDC table lists 192.168.1.0/24 twice.
        topology.sites["site-idc"]!.staticRoutes.append(SiteStaticRoute(destination: p("192.168.1.0/24"), nextHop: a("203.0.113.4")))
        #expect(
            topology.validate().map(\.description) == [
                #"sites["site-idc"].staticRoutes[4]: static route 'ip route 192.168.1.0/24 203.0.113.4' duplicates staticRoutes[0]; duplicated rows are not merged"#
            ])
        // `0.5.0.0/0` is not a CIDR block: the error names the canonical form.
        #expect(throws: IPAddressingError.hostBitsSet("0.5.0.0/0", canonical: "0.0.0.0/0")) { try IPv4Prefix(parsing: "0.5.0.0/0") }
    }

    @Test func identifiersWithTheWrongPrefixAreReported() {
        var topology = SeedTopologies.seed004()
        let vpc = topology.vpcs.removeValue(forKey: "vpc-1")!
        topology.vpcs["vpn-1"] = vpc
        let issues = topology.validate().filter { $0.path.hasPrefix(#"vpcs["vpn-1"]"#) }.map(\.message)
        #expect(issues.contains("VPC id 'vpn-1' is not well formed: expected 'vpc-' followed by letters, digits, '-' or '_'"))
        #expect(issues.contains("id 'vpc-1' differs from the key 'vpn-1' it is stored under"))
    }

    @Test func badNextHopTypeInJSONNamesTheAllowedValues() throws {
        let json = #"{"id":"rte-1","destination":"10.0.0.0/8","nextHop":{"type":"Router","id":"x"},"name":""}"#
        do {
            _ = try JSONDecoder().decode(RouteEntry.self, from: Data(json.utf8))
            Issue.record("decoding should fail")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "unknown next hop type 'Router'; allowed: Instance, VpnGateway, RouterInterface, HaVip, Site")
        }
        let badPrefix = #"{"id":"rte-1","destination":"10.0.0.1/8","nextHop":{"type":"Instance","id":"i-1"},"name":""}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RouteEntry.self, from: Data(badPrefix.utf8)) }
    }

    @Test func quotasOfRoutesAndRouterInterfaces() {
        var topology = SeedTopologies.seed002()
        for n in 0..<21 {
            topology.vpnGateways["vpn-1"]!.routes.append(VPNRoute(destination: p("10.200.\(n).0/24"), nextHop: "vco-1", weight: 100))
        }
        for n in 0..<5 {
            topology.add(RouterInterface(id: RouterInterfaceID("ri-q\(n)"), router: .vpc("vpc-1"), role: .initiatingSide, oppositeInterface: nil))
        }
        topology.add(RouterInterface(id: "ri-q5", router: .vpc("vpc-1"), role: .initiatingSide, oppositeInterface: nil))
        let issues = topology.validate()
        #expect(issues.contains { $0.path == #"vpnGateways["vpn-1"].routes"# && $0.message == "the gateway has 23 destination-based routes; the quota is 20" })
        #expect(issues.contains { $0.path == "routerInterfaces" && $0.message == "router 'vpc-1' has 6 router interfaces; the quota is 5" })
        #expect(issues.contains { $0.path == #"vpnConnections["vco-1"].remoteSubnet"# } == false)
    }
}
