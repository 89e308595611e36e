import ControlPlane
import Foundation
import IPAddressing
import MeridianTestSupport
import NetworkModel
import Persistence
import Reachability
import RouteEngine
import Testing

/// Security groups and instances through the control plane, and their projection into the reachability model.
struct ECSTests {
    typealias Permission = CloudState.PermissionRequest

    /// A VPC 10.0.0.0/16 with vSwitch 10.0.1.0/24 in region cn-hangzhou.
    struct Lab {
        var cp: ControlPlane
        var vpcId: String
        var vSwitchId: String

        static func make(
            store: any StateStore = InMemoryStateStore(),
            vSwitchCidr: String = "10.0.1.0/24"
        ) async throws -> Lab {
            let cp = try await ControlPlaneTests.make(store: store)
            let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16"), c)
            }
            let vSwitch = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVSwitch(
                    .init(regionId: nil, vpcId: vpc.id, zoneId: "cn-hangzhou-b", cidrBlock: vSwitchCidr),
                    c
                )
            }
            return Lab(cp: cp, vpcId: vpc.id, vSwitchId: vSwitch.id)
        }

        func group(_ name: String) async throws -> ECSSecurityGroup {
            let vpcId = self.vpcId
            return try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createSecurityGroup(.init(regionId: "cn-hangzhou", vpcId: vpcId, name: name), c)
            }
        }

        func run(_ groups: [String], ip: String? = nil, amount: Int = 1) async throws -> [ECSInstance] {
            let request = CloudState.RunInstances(
                regionId: "cn-hangzhou",
                imageId: "ubuntu_22_04_x64",
                instanceType: "ecs.g7.large",
                vSwitchId: vSwitchId,
                securityGroupIds: groups,
                privateIpAddress: ip,
                amount: amount
            )
            return try await cp.mutate { s, c throws(ControlPlaneError) in try s.runInstances(request, c) }
        }

        func authorize(_ group: String, _ permissions: [Permission], egress: Bool = false) async throws {
            try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.authorizeSecurityGroup(
                    group,
                    direction: egress ? "egress" : "ingress",
                    region: "cn-hangzhou",
                    permissions: permissions,
                    c
                )
            }
        }

        func trace(_ from: ECSInstance, _ to: ECSInstance, port: Int = 22) async -> TraceResult {
            let topology = await cp.snapshot.topology
            let analyzer = ReachabilityAnalyzer(RouteEngine(topology))
            return analyzer.trace(
                Flow(
                    source: from.privateIpAddress,
                    destination: to.privateIpAddress,
                    ipProtocol: .tcp,
                    destinationPort: port
                )
            )
        }
    }

    @Test func aTraceIsRefusedUntilAuthorizeSecurityGroupAcceptsIt() async throws {
        let lab = try await Lab.make()
        let web = try await lab.group("web")
        let clients = try await lab.group("clients")
        let server = try #require(try await lab.run([web.id]).first)
        let client = try #require(try await lab.run([clients.id]).first)

        let refused = await lab.trace(client, server)
        #expect(refused.forward.disposition == .deniedIn)
        #expect(refused.forward.securityGroup == SecurityGroupID(web.id))
        #expect(!refused.isReachable)

        try await lab.authorize(web.id, [Permission(ipProtocol: "TCP", portRange: "22/22", cidrIp: "10.0.1.0/24")])
        let allowed = await lab.trace(client, server)
        #expect(allowed.isReachable, "\(allowed.explanation)")
        // Only port 22 was opened.
        #expect(await lab.trace(client, server, port: 80).forward.disposition == .deniedIn)

        // A drop rule of a smaller priority number wins; revoking it opens the path again.
        let drop = Permission(
            ipProtocol: "tcp",
            portRange: "1/65535",
            cidrIp: client.privateIpAddress.description,
            policy: "drop",
            priority: "1"
        )
        try await lab.authorize(web.id, [drop])
        #expect(await lab.trace(client, server).forward.disposition == .deniedIn)
        try await lab.cp.mutate { s, _ throws(ControlPlaneError) in
            try s.revokeSecurityGroup(
                web.id,
                direction: "ingress",
                region: "cn-hangzhou",
                permissions: [drop],
                ruleIds: []
            )
        }
        #expect(await lab.trace(client, server).isReachable)
    }

    @Test func aSourceGroupRuleAdmitsExactlyTheGroupsMembers() async throws {
        let lab = try await Lab.make()
        let web = try await lab.group("web")
        let admins = try await lab.group("admins")
        let others = try await lab.group("others")
        let server = try #require(try await lab.run([web.id]).first)
        let admin = try #require(try await lab.run([admins.id]).first)
        let stranger = try #require(try await lab.run([others.id]).first)
        try await lab.authorize(web.id, [Permission(ipProtocol: "tcp", portRange: "22/22", groupId: admins.id)])
        #expect(await lab.trace(admin, server).isReachable)
        #expect(await lab.trace(stranger, server).forward.disposition == .deniedIn)
        // An egress drop rule of the admin's group stops the flow on its way out.
        try await lab.authorize(
            admins.id,
            [Permission(ipProtocol: "all", cidrIp: "0.0.0.0/0", policy: "drop")],
            egress: true
        )
        #expect(await lab.trace(admin, server).forward.disposition == .deniedOut)
    }

    @Test func privateAddressesSkipTheReservedOnesAndAreCheckedWhenGiven() async throws {
        let lab = try await Lab.make(vSwitchCidr: "10.0.2.0/29")
        let group = try await lab.group("g1")
        let first = try await lab.run([group.id], amount: 2)
        #expect(first.map(\.privateIpAddress.description) == ["10.0.2.1", "10.0.2.2"])
        #expect(first.allSatisfy { $0.status == "Running" && $0.vpcId == lab.vpcId })
        let chosen = try await lab.run([group.id], ip: "10.0.2.4")
        #expect(chosen.first?.privateIpAddress.description == "10.0.2.4")
        let cases: [(String, String)] = [
            ("10.0.2.0", "InvalidPrivateIpAddress"), ("10.0.2.5", "InvalidPrivateIpAddress"),
            ("10.0.2.7", "InvalidPrivateIpAddress"), ("10.0.3.1", "InvalidPrivateIpAddress"),
            ("10.0.2.300", "InvalidPrivateIpAddress.Malformed"), ("10.0.2.2", "InvalidPrivateIpAddress.Duplicated"),
        ]
        for (ip, code) in cases {
            let error = await ControlPlaneTests.error { _ = try await lab.run([group.id], ip: ip) }
            #expect(error?.code == code, "address \(ip)")
        }
        // One usable address is left (10.0.2.3): two cannot be had, and nothing is half-made.
        let before = await lab.cp.snapshot
        let error = await ControlPlaneTests.error { _ = try await lab.run([group.id], amount: 2) }
        #expect(error?.code == "InvalidVSwitchId.IpNotEnough")
        #expect(await lab.cp.snapshot == before)
        #expect(try await lab.run([group.id]).first?.privateIpAddress.description == "10.0.2.3")
        let state = await lab.cp.snapshot
        #expect(state.availableIpAddressCount(of: try #require(state.vSwitches[lab.vSwitchId])) == 0)
    }

    @Test(arguments: [
        (Permission(ipProtocol: "icmpx", portRange: "-1/-1", cidrIp: "0.0.0.0/0"), "InvalidIpProtocol.Malformed"),
        (Permission(ipProtocol: nil, portRange: "22/22", cidrIp: "0.0.0.0/0"), "MissingIpProtocol"),
        (Permission(ipProtocol: "tcp", cidrIp: "0.0.0.0/0"), "MissingPortRange"),
        (Permission(ipProtocol: "tcp", portRange: "22", cidrIp: "0.0.0.0/0"), "InvalidPortRange.Malformed"),
        (Permission(ipProtocol: "tcp", portRange: "80/22", cidrIp: "0.0.0.0/0"), "InvalidPortRange.Malformed"),
        (Permission(ipProtocol: "tcp", portRange: "-1/-1", cidrIp: "0.0.0.0/0"), "OperationDenied"),
        (Permission(ipProtocol: "icmp", portRange: "22/22", cidrIp: "0.0.0.0/0"), "OperationDenied"),
        (Permission(ipProtocol: "tcp", portRange: "22/22"), "MissingParameter.Source"),
        (Permission(ipProtocol: "tcp", portRange: "22/22", cidrIp: "10.0.0.0/33"), "InvalidSourceCidrIp.Malformed"),
        (Permission(ipProtocol: "tcp", portRange: "22/22", cidrIp: "10.0.0.1/8"), "InvalidSourceCidrIp.Malformed"),
        (Permission(ipProtocol: "tcp", portRange: "22/22", groupId: "sg-nope"), "InvalidSourceGroupId.NotFound"),
        (
            Permission(ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0", policy: "allow"),
            "InvalidPolicy.Malformed"
        ),
        (
            Permission(ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0", priority: "high"),
            "InvalidPriority.Malformed"
        ),
        (
            Permission(ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0", priority: "101"),
            "InvalidPriority.ValueNotSupported"
        ),
        (
            Permission(ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0", nicType: "wan"),
            "InvalidNicType.ValueNotSupported"
        ),
    ])
    func badRulesAreRefusedAndNoneOfTheBatchIsAdded(permission: Permission, code: String) async throws {
        let lab = try await Lab.make()
        let group = try await lab.group("g1")
        let good = Permission(ipProtocol: "tcp", portRange: "443/443", cidrIp: "0.0.0.0/0")
        let error = await ControlPlaneTests.error { try await lab.authorize(group.id, [good, permission]) }
        #expect(error?.code == code)
        #expect(await lab.cp.snapshot.securityGroups[group.id]?.permissions.isEmpty == true)
    }

    @Test func groupRulesMustNameAnotherGroupOfTheSameVPC() async throws {
        let lab = try await Lab.make()
        let group = try await lab.group("g1")
        var error = await ControlPlaneTests.error {
            try await lab.authorize(group.id, [Permission(ipProtocol: "tcp", portRange: "22/22", groupId: group.id)])
        }
        #expect(error?.code == "InvalidParamter.Conflict")
        let otherVPC = try await lab.cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.9.0.0/16"), c)
        }
        let foreign = try await lab.cp.mutate { s, c throws(ControlPlaneError) in
            try s.createSecurityGroup(.init(regionId: "cn-hangzhou", vpcId: otherVPC.id), c)
        }
        error = await ControlPlaneTests.error {
            try await lab.authorize(
                group.id,
                [Permission(ipProtocol: "tcp", portRange: "22/22", groupId: foreign.id)],
                egress: true
            )
        }
        #expect(error?.code == "InvalidDestGroupId.Mismatch")
        error = await ControlPlaneTests.error { _ = try await lab.run([foreign.id]) }
        #expect(error?.code == "InvalidSecurityGroupId.NotBelongToVpc")
    }

    @Test func authorizingTheSameRuleTwiceKeepsOneRule() async throws {
        let lab = try await Lab.make()
        let group = try await lab.group("g1")
        let rule = Permission(ipProtocol: "udp", portRange: "500/500", cidrIp: "198.51.100.0/24")
        try await lab.authorize(group.id, [rule, rule])
        try await lab.authorize(group.id, [rule])
        let rules = try #require(await lab.cp.snapshot.securityGroups[group.id]?.permissions)
        #expect(rules.count == 1)
        #expect(rules[0].id.hasPrefix("sgr-") && rules[0].priority == 1 && rules[0].policy == "accept")
        let error = await ControlPlaneTests.error {
            try await lab.cp.mutate { s, _ throws(ControlPlaneError) in
                try s.revokeSecurityGroup(
                    group.id,
                    direction: "egress",
                    region: nil,
                    permissions: [],
                    ruleIds: [rules[0].id]
                )
            }
        }
        #expect(error?.code == "InvalidSecurityGroupRuleId.NotFound")
        try await lab.cp.mutate { s, _ throws(ControlPlaneError) in
            try s.revokeSecurityGroup(
                group.id,
                direction: "ingress",
                region: nil,
                permissions: [],
                ruleIds: [rules[0].id]
            )
        }
        #expect(await lab.cp.snapshot.securityGroups[group.id]?.permissions.isEmpty == true)
    }

    @Test func resourcesInUseCannotBeDeleted() async throws {
        let lab = try await Lab.make()
        let web = try await lab.group("web")
        let admins = try await lab.group("admins")
        try await lab.authorize(web.id, [Permission(ipProtocol: "tcp", portRange: "22/22", groupId: admins.id)])
        let instance = try #require(try await lab.run([web.id]).first)
        let vpcId = lab.vpcId
        let vSwitchId = lab.vSwitchId
        func code(
            _ body: @escaping @Sendable (inout CloudState) throws(ControlPlaneError) -> Void
        ) async -> ControlPlaneError? {
            await ControlPlaneTests.error { try await lab.cp.mutate { s, _ throws(ControlPlaneError) in try body(&s) } }
        }
        var error = await code { s throws(ControlPlaneError) in try s.deleteSecurityGroup(web.id, region: "cn-hangzhou")
        }
        #expect(error?.code == "DependencyViolation" && error?.kind == .forbidden)
        error = await code { s throws(ControlPlaneError) in try s.deleteSecurityGroup(admins.id, region: "cn-hangzhou")
        }
        #expect(error?.code == "DependencyViolation" && error?.message.contains(web.id) == true)
        error = await code { s throws(ControlPlaneError) in try s.deleteVSwitch(vSwitchId, region: nil) }
        #expect(error?.code == "DependencyViolation")
        error = await code { s throws(ControlPlaneError) in try s.deleteVPC(vpcId, region: "cn-hangzhou") }
        #expect(error?.code == "DependencyViolation.Instance")
        error = await code { s throws(ControlPlaneError) in try s.deleteInstance(instance.id, force: false, region: nil)
        }
        #expect(error?.code == "IncorrectInstanceStatus")
        error = await code { s throws(ControlPlaneError) in try s.deleteInstance("i-nope", force: true, region: nil) }
        #expect(error?.code == "InvalidInstanceId.NotFound")

        try await lab.cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteInstance(instance.id, force: true, region: nil)
            try s.deleteVSwitch(vSwitchId, region: nil)
        }
        error = await code { s throws(ControlPlaneError) in try s.deleteVPC(vpcId, region: "cn-hangzhou") }
        #expect(error?.code == "DependencyViolation.SecurityGroup")
        try await lab.cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteSecurityGroup(web.id, region: "cn-hangzhou")
            try s.deleteSecurityGroup(admins.id, region: "cn-hangzhou")
            try s.deleteVPC(vpcId, region: "cn-hangzhou")
        }
        error = await code { s throws(ControlPlaneError) in try s.deleteSecurityGroup(web.id, region: nil) }
        #expect(error?.code == "InvalidSecurityGroup.NotFound")
    }

    @Test func groupsAndInstancesSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-ecs-\(UUID().uuidString).db")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lab = try await Lab.make(store: ResourceStoreStateStore(store: try SQLiteStore(path: path)))
        let web = try await lab.group("web")
        try await lab.authorize(
            web.id,
            [Permission(ipProtocol: "tcp", portRange: "22/22", cidrIp: "10.0.0.0/8", priority: "5")]
        )
        let made = try await lab.run([web.id], amount: 2)
        let before = await lab.cp.snapshot

        func reopen() async throws -> ControlPlane {
            try await ControlPlane(
                store: ResourceStoreStateStore(store: try SQLiteStore(path: path)),
                random: SeededGenerator(seed: 9)
            )
        }
        let second = try await reopen()
        let after = await second.snapshot
        #expect(after.securityGroups == before.securityGroups)
        #expect(after.instances == before.instances)
        #expect(after.ordered(after.instances).map(\.id) == made.map(\.id))
        #expect(
            after.topology.instances.count == 2
                && after.topology.securityGroups[SecurityGroupID(web.id)]?.rules.count == 1
        )

        // Changes after the restart are stored as updates and deletes.
        let gone = made[0].id
        try await second.mutate { s, _ throws(ControlPlaneError) in try s.deleteInstance(gone, force: true, region: nil)
        }
        let third = try await reopen().snapshot
        #expect(third.instances.keys.sorted() == [made[1].id])
    }
}
