import Foundation
import Testing

@testable import meridian

/// The repository's root, found from this file's place in it.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func example(_ name: String) -> String { root.appendingPathComponent("examples/\(name)").path }
private func fixture(_ name: String) -> String {
    root.appendingPathComponent("Tests/MeridianCLITests/Fixtures/\(name)").path
}

/// Runs a command line the way the executable does and returns its status and output.
private func meridian(_ arguments: String...) async -> CommandResult {
    await Meridian.run(arguments: arguments)
}

/// The `meridian` command line, compared by exact output.
struct MeridianCLITests {
    @Test func checkReportsAValidExample() async {
        let file = example("seed-002-ipsec-cen.yaml")
        #expect(
            await meridian("check", file)
                == CommandResult(
                    status: 0,
                    standardOutput:
                        "\(file): valid (2 VPCs, 2 vSwitches, 2 VPN gateways, 4 IPsec connections, 4 customer gateways, 1 CEN, 2 security groups, 2 instances, 4 sites)\n",
                    standardError: ""))
    }

    @Test func routesPrintsTheSeed004TableAligned() async {
        let file = example("seed-004-vpn-hub.yaml")
        #expect(
            await meridian("routes", file, "VPC")
                == CommandResult(
                    status: 0,
                    standardOutput: """
                        VPC VPC (vpc-1), route table vtb-1:
                        Destination CIDR block  Next hop type  Next hop        Type    Status  Reason
                        10.10.10.0/24           VpnGateway     VPN Gateway     Custom  Active
                        10.10.20.0/24           VpnGateway     VPN Gateway     Custom  Active
                        10.10.30.0/24           VpnGateway     VPN Gateway     Custom  Active
                        100.64.0.0/10           service        cloud services  System  Active
                        192.168.1.0/24          local          VSwitch         System  Active

                        """,
                    standardError: ""))
    }

    @Test func routesPrintsTheSeed002GatewayTable() async {
        let file = example("seed-002-ipsec-cen.yaml")
        #expect(
            await meridian("routes", file, "VPN gateway 1").standardOutput == """
                VPN gateway VPN gateway 1 (vpn-gateway-1):
                Destination CIDR block  Next hop type    Next hop                Type              Status  Reason
                10.10.10.0/24           IPsecConnection  IPsec-VPN connection 1  DestinationBased  Active  weight 0
                10.10.20.0/24           IPsecConnection  IPsec-VPN connection 2  DestinationBased  Active  weight 0

                """)
    }

    /// Seed 000 step 4, VPC 2: the routes to the other VPC go to the router interface.
    @Test func routesPrintsTheSeed000Table() async {
        #expect(
            await meridian("routes", example("seed-000-express-connect.yaml"), "VPC2").standardOutput == """
                VPC VPC2 (vpc-vpc2), route table vtb-vpc2:
                Destination CIDR block  Next hop type    Next hop                Type    Status  Reason
                10.10.10.0/24           RouterInterface  VPC2 to VPC1 (to VPC1)  Custom  Active
                10.10.20.0/24           RouterInterface  VPC2 to VPC1 (to VPC1)  Custom  Active
                10.20.10.0/24           VpnGateway       VPN Gateway for VPC 2   Custom  Active
                10.20.20.0/24           VpnGateway       VPN Gateway for VPC 2   Custom  Active
                100.64.0.0/10           service          cloud services          System  Active
                172.16.0.0/16           RouterInterface  VPC2 to VPC1 (to VPC1)  Custom  Active
                172.17.1.0/24           local            VSwitch Shanghai        System  Active

                """)
    }

    /// Seed 003: CEN has every VPC's vSwitch route by default and the published route to the IDC.
    @Test func routesPrintsTheSeed003CENTable() async {
        #expect(
            await meridian("routes", example("seed-003-idc-cen.yaml"), "CEN").standardOutput == """
                CEN CEN (cen-1):
                Destination CIDR block  Next hop type  Next hop                     Type  Status  Reason
                10.1.1.0/24             VPC            Hangzhou VPC (cn-hangzhou)   CEN   Active
                192.168.1.0/24          VPC            Beijing VPC (cn-beijing)     CEN   Active
                192.168.2.0/24          VPC            Shanghai VPC (cn-shanghai)   CEN   Active
                192.168.3.0/24          VPC            Hong Kong VPC (cn-hongkong)  CEN   Active
                192.168.4.0/24          VPC            Hangzhou VPC (cn-hangzhou)   CEN   Active

                """)
    }

    @Test func routesJSONNamesEveryEntry() async throws {
        let result = await meridian("routes", example("seed-000-express-connect.yaml"), "VPC1", "--json")
        #expect(result.status == 0)
        let tables = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
        #expect(tables.count == 1)
        #expect(tables[0]["name"] as? String == "VPC1")
        let entries = try #require(tables[0]["entries"] as? [[String: Any]])
        let custom = entries.filter { $0["type"] as? String == "Custom" }.map {
            "\($0["destination"]!) \($0["nextHopType"]!) \($0["nextHop"]!)"
        }
        #expect(
            custom == [
                "10.10.10.0/24 VpnGateway VPN Gateway for VPC 1",
                "10.10.20.0/24 VpnGateway VPN Gateway for VPC 1",
                "10.20.10.0/24 RouterInterface VPC1 to VPC2 (to VPC2)",
                "10.20.20.0/24 RouterInterface VPC1 to VPC2 (to VPC2)",
                "172.17.0.0/16 RouterInterface VPC1 to VPC2 (to VPC2)",
            ])
    }

    @Test func pingBetweenOfficesOfSeed002Succeeds() async {
        #expect(
            await meridian("ping", example("seed-002-ipsec-cen.yaml"), "Office 1", "App in VPC 1")
                == CommandResult(
                    status: 0, standardOutput: "Office 1 (10.10.10.10) → App in VPC 1 (172.16.1.10): reachable both ways\n",
                    standardError: ""))
    }

    /// Seed 002 without step 5: the office has no route to the other region's offices.
    @Test func pingWithoutStep5ExplainsNoRoute() async {
        #expect(
            await meridian("ping", fixture("seed-002-without-step-5.yaml"), "Office 1", "Office 3")
                == CommandResult(
                    status: 1,
                    standardOutput: """
                        Office 1 (10.10.10.10) → Office 3 (10.20.10.10): not reachable: NO_ROUTE on the forward path
                          why: the gateway device of Office 1 (site-office-1) has no route to 10.20.10.10
                          fix: add a static route on the device: ip route 10.20.10.0/24 5.5.5.5

                        """,
                    standardError: ""))
    }

    /// An office that loaded a different pre-shared key: the tunnel is down and the reason is the key.
    @Test func pingWithDifferentOfficeKeyIsTunnelDown() async {
        #expect(
            await meridian("ping", fixture("seed-002-psk-mismatch.yaml"), "App in VPC 1", "Office 1")
                == CommandResult(
                    status: 1,
                    standardOutput: """
                        App in VPC 1 (172.16.1.10) → Office 1 (10.10.10.10): not reachable: TUNNEL_DOWN on the forward path
                          why: IPsec connection IPsec-VPN connection 1 (vco-ipsec-vpn-connection-1) is down (ike_sa_not_established): the pre-shared keys differ (key mismatch)
                          fix: set the same pre-shared key on both sides (ModifyVpnConnectionAttribute IkeConfig.Psk, or on the device)

                        """,
                    standardError: ""))
    }

    @Test func pingJSONHasTheOutcomeAndTheHops() async throws {
        let result = await meridian("ping", fixture("seed-002-without-step-5.yaml"), "Office 1", "Office 3", "--json")
        #expect(result.status == 1)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(report["reachable"] as? Bool == false)
        #expect(report["disposition"] as? String == "NO_ROUTE")
        #expect(report["fix"] as? String == "add a static route on the device: ip route 10.20.10.0/24 5.5.5.5")
        let source = try #require(report["source"] as? [String: Any])
        #expect(source["name"] as? String == "Office 1")
        #expect(source["address"] as? String == "10.10.10.10")
        let forward = try #require(report["forward"] as? [String: Any])
        let hops = try #require(forward["hops"] as? [[String: Any]])
        #expect(hops.first?["name"] as? String == "Office 1")
    }

    @Test func traceShowsEveryHopBothWays() async {
        let result = await meridian("trace", example("seed-004-vpn-hub.yaml"), "Shanghai office", "App in VPC")
        #expect(result.status == 0)
        #expect(
            result.standardOutput == """
                Shanghai office (10.10.10.10) → App in VPC (192.168.1.10), icmp

                forward: ACCEPTED
                #  Node                     Route                    Next hop       Via                        Note
                1  office Shanghai office   192.168.0.0/16 (Static)  198.51.100.40  IPsec Shanghai connection  routed into the tunnel to 198.51.100.40
                2  VPN gateway VPN Gateway                                          into VPC VPC               no gateway route matches: handed to the VPC
                3  VPC VPC                  192.168.1.0/24 (System)  VSwitch        vSwitch VSwitch            delivered on the vSwitch
                4  instance App in VPC                                                                         accepted

                return: ACCEPTED
                #  Node                     Route                   Next hop             Via                         Note
                1  instance App in VPC                                                   vSwitch VSwitch             replies
                2  VPC VPC                  10.10.10.0/24 (Custom)  VPN Gateway          to VPN gateway VPN Gateway  to the VPN gateway
                3  VPN gateway VPN Gateway  10.10.10.0/24 (Hub)     Shanghai connection  IPsec Shanghai connection   routed into the tunnel
                4  office Shanghai office                                                                            delivered to a PC in the site

                reachable both ways

                """)
    }

    @Test func matrixOfEveryExampleIsAllReachable() async {
        for name in [
            "seed-000-express-connect.yaml", "seed-001-cen.yaml", "seed-002-ipsec-cen.yaml", "seed-003-idc-cen.yaml",
            "seed-004-vpn-hub.yaml",
        ] {
            let result = await meridian("matrix", example(name))
            #expect(result.status == 0, "\(name): \(result.standardOutput)")
            #expect(!result.standardOutput.contains("not reachable"))
        }
    }

    @Test func matrixOfSeed004() async {
        #expect(
            await meridian("matrix", example("seed-004-vpn-hub.yaml")).standardOutput == """
                From \\ To        App in VPC  Hangzhou office  Ningbo office  Shanghai office
                App in VPC       -           ok               ok             ok
                Hangzhou office  ok          -                ok             ok
                Ningbo office    ok          ok               -              ok
                Shanghai office  ok          ok               ok             -

                12 of 12 pairs reachable both ways

                """)
    }

    @Test func matrixWithAFailureExitsOne() async {
        let result = await meridian("matrix", fixture("seed-002-without-step-5.yaml"))
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("Office 1 (10.10.10.10) → Office 3 (10.20.10.10): not reachable: NO_ROUTE"))
    }

    // MARK: Bad input: exit status 2 and a clear message

    @Test func badCIDRFileIsReportedWithLineAndField() async {
        let file = fixture("bad-cidr.yaml")
        #expect(
            await meridian("check", file)
                == CommandResult(
                    status: 2, standardOutput: "",
                    standardError: """
                        \(file):14: vpcs[1].vswitches[0].cidr: invalid CIDR block '10.0.0.0/33': prefix length 33 is out of range; allowed: 0...32
                        \(file):19: vpcs[2].cidr: invalid CIDR block '0.5.0.0/0': host bits are set beyond the prefix length; the canonical form is '0.0.0.0/0'
                        \(file): 2 problems

                        """))
    }

    @Test func malformedYAMLIsReported() async {
        let file = fixture("malformed.yaml")
        #expect(
            await meridian("check", file).standardError == """
                \(file):8: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 7, column 16) at column 3
                \(file): 1 problem

                """)
    }

    @Test func unknownReferenceIsReported() async {
        let file = fixture("unknown-reference.yaml")
        #expect(
            await meridian("check", file)
                == CommandResult(
                    status: 2, standardOutput: "",
                    standardError: """
                        \(file):14: vpcs[0].vpn_gateways[0].connections[0].customer_gateway: unknown customer gateway 'Customer gateway 7' (did you mean 'Customer gateway 1'?); declared: 'Customer gateway 1'
                        \(file): 1 problem

                        """))
    }

    @Test func eleventhConnectionIsOverTheQuota() async {
        let file = fixture("eleven-connections.yaml")
        #expect(
            await meridian("check", file).standardError == """
                \(file):35: vpcs[0].vpn_gateways[0].connections[10]: VPN gateway 'VPN Gateway' already has 10 IPsec connections (11 given); the quota is 10 per gateway
                \(file): 1 problem

                """)
    }

    @Test func analysisOfABadFileExitsTwo() async {
        let file = fixture("unknown-reference.yaml")
        let result = await meridian("ping", file, "a", "b")
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("error: \(file) has 1 problem:\n  \(file):14: "))
    }

    @Test func checkJSONListsProblems() async throws {
        let result = await meridian("check", fixture("bad-cidr.yaml"), "--json")
        #expect(result.status == 2)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == false)
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.map { $0["line"] as? Int } == [14, 19])
        #expect(problems.first?["path"] as? String == "vpcs[1].vswitches[0].cidr")
    }

    @Test func missingFileExitsTwo() async {
        #expect(
            await meridian("routes", "no-such-file.yaml")
                == CommandResult(
                    status: 2, standardOutput: "", standardError: "error: no-such-file.yaml has 1 problem:\n  no-such-file.yaml: no such file\n"))
    }

    @Test func unknownRouterListsTheRouters() async {
        let file = example("seed-004-vpn-hub.yaml")
        #expect(
            await meridian("routes", file, "Nowhere").standardError
                == "error: unknown router 'Nowhere'; routers in \(file): 'VPC', 'VPN Gateway', 'Hangzhou office', 'Ningbo office', 'Shanghai office'\n")
    }

    @Test func unknownEndpointExitsTwo() async {
        let file = example("seed-004-vpn-hub.yaml")
        #expect(
            await meridian("ping", file, "Shanghai office", "8.8.8.8")
                == CommandResult(
                    status: 2, standardOutput: "",
                    standardError:
                        "error: destination 8.8.8.8 is neither an instance's private IP nor inside a site's CIDR block or a vSwitch in \(file)\n"))
    }

    @Test func addressWithoutAnInstanceIsNeighborUnreachable() async {
        #expect(
            await meridian("ping", example("seed-004-vpn-hub.yaml"), "10.10.10.77", "192.168.1.99")
                == CommandResult(
                    status: 1,
                    standardOutput: """
                        Shanghai office (10.10.10.77) → no instance in VPC (192.168.1.99): not reachable: NEIGHBOR_UNREACHABLE on the forward path
                          why: no instance in VPC (vpc-1) has the address 192.168.1.99 (vSwitch vsw-vswitch)
                          fix: trace to an instance's private IP

                        """,
                    standardError: ""))
    }

    @Test func portWithoutProtocolIsAUsageError() async {
        let result = await meridian("trace", example("seed-004-vpn-hub.yaml"), "a", "b", "--port", "80")
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: --port 80 needs --protocol tcp or udp; ICMP has no ports.\n"))
    }

    @Test func unknownDurabilityIsAUsageErrorNamingTheChoices() async {
        let result = await meridian("serve", "--db", ":memory:", "--durability", "eventual")
        #expect(result.status == 2)
        #expect(
            result.standardError.hasPrefix(
                "Error: The value 'eventual' is invalid for '--durability <durability>'. Please provide one of 'process' and 'disk'."
            )
        )
    }

    @Test func badProtocolIsAUsageError() async {
        let result = await meridian("trace", example("seed-004-vpn-hub.yaml"), "a", "b", "--protocol", "sctp")
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: The value 'sctp' is invalid for '--protocol <protocol>'"))
    }

    @Test func missingArgumentsAreAUsageError() async {
        let result = await meridian("ping")
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: Missing expected argument '<file>'\n"))
    }

    @Test func noSubcommandIsAUsageError() async {
        let result = await meridian()
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: missing a subcommand\n\nOVERVIEW: "))
    }

    @Test func helpExitsZero() async {
        let result = await meridian("ping", "--help")
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("OVERVIEW: Check that SRC can ping DST (forward and return path)."))
    }
}
