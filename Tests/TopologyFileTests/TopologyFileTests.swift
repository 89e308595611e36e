import IPAddressing
import NetworkModel
import Testing
import TopologyFile

/// Bad topology files: every problem comes out at once, each with the file, line and field path.
struct TopologyFileTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try TopologyFile.parse(yaml, file: "t.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    static let minimal = """
        vpcs:
          - name: VPC 1
            region: us-west-1
            cidr: 172.16.0.0/16
            vswitches:
              - {name: VSwitch 1, cidr: 172.16.1.0/24}
        """

    @Test func minimalFileLoadsWithIdentifiersFromNames() throws {
        let document = try TopologyFile.parse(Self.minimal, file: "t.yaml")
        let vpc = try #require(document.topology.vpcs[VPCID("vpc-1")])
        #expect(vpc.name == "VPC 1")
        #expect(vpc.cidrBlock.description == "172.16.0.0/16")
        #expect(document.topology.vSwitches[VSwitchID("vsw-vswitch-1")]?.vpc == vpc.id)
        #expect(document.name(of: "vpc-1") == "VPC 1")
    }

    @Test func badCIDRIsReportedWithLineAndField() {
        let yaml = """
            vpcs:
              - name: VPC 1
                region: us-west-1
                cidr: 10.0.0.0/16
              - name: VPC 2
                region: cn-shanghai
                cidr: 10.1.0.0/16
                vswitches:
                  - name: VSwitch 2
                    cidr: 10.0.0.0/33
            """
        #expect(
            problems(yaml) == [
                "t.yaml:10: vpcs[1].vswitches[0].cidr: invalid CIDR block '10.0.0.0/33': prefix length 33 is out of range; allowed: 0...32"
            ])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let yaml = """
            name: several
            vpcs:
              - name: VPC 1
                region: mars-north-1
                cidr: 172.16.0.0/16
                colour: blue
                vswitches:
                  - {name: VSwitch 1, cidr: 172.16.1.0/24, zone: [a, b]}
                  - {name: VSwitch 1, cidr: 172.17.1.0/24}
                instances:
                  - {name: App, vswitch: VSwitch 9, ip: 172.16.1.300, security_groups: [Web]}
            sites:
              - name: Office
                cidrs: 10.10.10.0/24
                gateway_ip: 203.0.113.1
                routes:
                  - {destination: 0.5.0.0/0, next_hop: Nowhere}
            """
        #expect(
            problems(yaml) == [
                "t.yaml:4: vpcs[0].region: unknown region 'mars-north-1'; allowed: ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-5, cn-beijing, cn-hangzhou, cn-hongkong, cn-huhehaote, cn-qingdao, cn-shanghai, cn-shenzhen, cn-zhangjiakou, eu-central-1, eu-west-1, us-east-1, us-west-1",
                "t.yaml:6: vpcs[0].colour: unknown key 'colour'; allowed: name, id, description, region, cidr, vswitches, routes, vpn_gateways, security_groups, instances",
                "t.yaml:8: vpcs[0].vswitches[0].zone: expected a text value, found a list",
                "t.yaml:9: vpcs[0].vswitches[1].name: duplicate vSwitch of VPC 1 name 'VSwitch 1': already declared at vpcs[0].vswitches[0] at line 8; names must be unique",
                "t.yaml:11: vpcs[0].instances[0].vswitch: unknown vSwitch of VPC 1 'VSwitch 9' (did you mean 'VSwitch 1'?); declared: 'VSwitch 1'",
                "t.yaml:11: vpcs[0].instances[0].ip: invalid IPv4 address '172.16.1.300': octet 4 is greater than 255; expected four decimal octets a.b.c.d, each 0...255",
                "t.yaml:11: vpcs[0].instances[0].security_groups[0]: unknown security group of VPC 1 'Web'; none is declared",
                "t.yaml:17: sites[0].routes[0].destination: invalid CIDR block '0.5.0.0/0': host bits are set beyond the prefix length; the canonical form is '0.0.0.0/0'",
                "t.yaml:17: sites[0].routes[0].next_hop: 'Nowhere' is neither an IPv4 address nor a VPN gateway; declared VPN gateways: ",
            ])
    }

    @Test func explicitIdentifiersMustBeUnique() {
        let yaml = """
            vpcs:
              - {name: VPC 1, id: vpc-main, region: us-west-1, cidr: 172.16.0.0/16}
              - {name: VPC 2, id: vpc-main, region: us-west-1, cidr: 172.17.0.0/16}
              - {name: VPC 3, id: main, region: us-west-1, cidr: 172.18.0.0/16}
            """
        #expect(
            problems(yaml) == [
                "t.yaml:3: vpcs[1].id: id 'vpc-main' is already used by vpcs[0]; identifiers must be unique",
                "t.yaml:4: vpcs[2].id: id 'main' does not name a VPC: expected 'vpc-' followed by letters, digits, '-' or '_'",
            ])
    }

    @Test func nextHopsNameExactlyOneReachableThing() {
        let yaml = """
            vpcs:
              - name: VPC 1
                region: us-west-1
                cidr: 172.16.0.0/16
                routes:
                  - {destination: 10.0.0.0/24, next_hop: {vpc: VPC 2}}
                  - {destination: 10.0.1.0/24, next_hop: {vpn_gateway: G, instance: I}}
                  - {destination: 10.0.2.0/24, next_hop: 10.0.0.1}
              - {name: VPC 2, region: cn-shanghai, cidr: 172.17.0.0/16}
            """
        #expect(
            problems(yaml) == [
                "t.yaml:6: vpcs[0].routes[0].next_hop.vpc: no router interface connects VPC 1 to VPC 'VPC 2'; declare a pair under router_interfaces",
                "t.yaml:7: vpcs[0].routes[1].next_hop: a next hop names exactly one of vpn_gateway, router_interface, instance, vpc, havip, site; found vpn_gateway and instance",
                "t.yaml:8: vpcs[0].routes[2].next_hop: expected a mapping with keys vpn_gateway, router_interface, instance, vpc, havip, site, found '10.0.0.1'",
            ])
    }

    @Test func unknownKeySuggestsTheClosestOne() {
        let yaml = """
            vpcs:
              - name: VPC 1
                region: us-west-1
                cidr: 172.16.0.0/16
                vswitchs: []
            """
        #expect(
            problems(yaml) == [
                "t.yaml:5: vpcs[0].vswitchs: unknown key 'vswitchs' (did you mean 'vswitches'?); allowed: name, id, description, region, cidr, vswitches, routes, vpn_gateways, security_groups, instances"
            ])
    }

    @Test func wrongTypesSayWhatWasExpected() {
        let yaml = """
            vpcs:
              name: VPC 1
            cens:
              - name: CEN
                bandwidth:
                  - {regions: [us-west-1], bandwidth: lots}
            """
        #expect(
            problems(yaml) == [
                "t.yaml:2: vpcs: expected a list, found a mapping",
                "t.yaml:6: cens[0].bandwidth[0].regions: expected two regions, found 1",
                "t.yaml:6: cens[0].bandwidth[0].bandwidth: expected a whole number in 0...10000 Mbit/s, found 'lots'",
            ])
    }

    @Test(arguments: [
        ("vpcs: [", "t.yaml:2: malformed YAML: did not find expected node content (while parsing a flow node at line 2, column 1) at column 1"),
        ("vpcs:\n  - name: a\n    name: b\n", "t.yaml:2: duplicated key 'name' in one mapping; each key may appear once"),
        ("", "t.yaml: the file is empty"),
        ("---\na: 1\n---\nb: 2\n", "t.yaml:3: a second YAML document starts here; a topology file holds exactly one"),
        ("just text", "t.yaml:1: expected a mapping with keys name, description, vpcs, customer_gateways, sites, router_interfaces, vbrs, cens, cen_bandwidth_packages, found 'just text'"),
        ("vpcs: *nothing", "t.yaml:1: malformed YAML: found undefined alias at column 7"),
    ])
    func malformedYAMLIsOneClearProblem(_ yaml: String, _ expected: String) {
        #expect(problems(yaml) == [expected])
    }

    /// Deep nesting would exhaust the stack of a recursive reader; the parser's nesting limit stops it first.
    @Test func deepNestingIsOneProblem() {
        let yaml = "vpcs: " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
        let found = problems(yaml)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("t.yaml:1: malformed YAML: Maximum nesting level reached") == true)
    }

    /// Aliases that expand to billions of values ("billion laughs") are refused, not walked.
    @Test func aliasBombIsRefused() {
        var yaml = "x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        for level in 1...8 {
            yaml += "x\(level): &x\(level) [" + Array(repeating: "*x\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        // 10^9 values if expanded: the reader only follows the shapes the format has, and never expands more
        // than 200000 values, so this ends at once with a handful of problems.
        let reported = problems(yaml + "vpcs: *x8\n")
        #expect(reported.count < 25)
        #expect(reported.contains { $0.hasSuffix("vpcs[0]: expected a mapping with keys name, id, description, region, cidr, vswitches, routes, vpn_gateways, security_groups, instances, found a list") })
    }

    /// What the model's validation finds comes out at the line that set the value.
    @Test func modelValidationIsReportedAtTheLineThatSetTheValue() {
        let yaml = """
            vpcs:
              - name: VPC 1
                region: us-west-1
                cidr: 172.16.0.0/16
                vswitches:
                  - {name: Inside, cidr: 172.16.1.0/24}
                  - name: Outside
                    cidr: 10.0.0.0/24
                  - name: Overlapping
                    cidr: 172.16.1.0/25
            """
        #expect(
            problems(yaml) == [
                "t.yaml:8: vpcs[0].vswitches[1].cidr: vSwitch CIDR block '10.0.0.0/24' is not inside the CIDR block '172.16.0.0/16' of VPC 'VPC 1'",
                "t.yaml:10: vpcs[0].vswitches[2].cidr: vSwitch CIDR block '172.16.1.0/25' overlaps '172.16.1.0/24' of vSwitch 'Inside' in the same VPC; vSwitch blocks must not overlap",
            ])
    }

    @Test func missingFileSaysSo() {
        #expect(throws: TopologyFileError(diagnostics: [
            TopologyDiagnostic(file: "no/such/file.yaml", line: nil, path: "", message: "no such file")
        ])) {
            try TopologyFile.load(path: "no/such/file.yaml")
        }
    }
}
