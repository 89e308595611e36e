import ControlPlane
import Foundation
import IPAddressing
import MeridianTestSupport
import NetworkModel
import RouteEngine
import Testing

/// The control plane's route engine, kept up to date change by change, against one built fresh.
struct CloudViewTests {
    static let region = "cn-hangzhou"

    /// What a random step did, and whether the control plane should have followed it without a rebuild.
    enum Step: String, CaseIterable {
        case addRoute, deleteRoute, addVPNRoute, addPolicyRoute, deleteVPNRoute, deletePolicyRoute
        case publishVPNRoute, withdrawVPNRoute, publishPolicyRoute, attach, detach, publishCEN, withdrawCEN
        case modifyConnection, addVSwitch

        /// Steps that map to a `TopologyChange` (the rest rebuild the engine on the next read).
        var isIncremental: Bool {
            switch self {
            case .deletePolicyRoute, .publishPolicyRoute, .addVSwitch: false
            default: true
            }
        }
    }

    /// Three VPCs with vSwitches, VPN gateways with two connections each on two of them, one CEN.
    struct Fixture {
        var vpcs: [(id: String, table: String, vSwitches: [IPv4Prefix], gateway: String?)] = []
        var connections: [String: [String]] = [:]
        var cen = ""
    }

    static func fixture(_ cp: ControlPlane) async throws -> Fixture {
        try await cp.mutate { s, c throws(ControlPlaneError) in
            var f = Fixture()
            for (i, hasGateway) in [true, true, false].enumerated() {
                let vpc = try s.createVPC(.init(regionId: region, cidrBlock: "10.\(i).0.0/16"), c)
                var blocks: [IPv4Prefix] = []
                var firstVSwitch = ""
                for j in 0..<2 {
                    let vs = try s.createVSwitch(
                        .init(regionId: region, vpcId: vpc.id, zoneId: region + "-b", cidrBlock: "10.\(i).\(j).0/24"),
                        c
                    )
                    blocks.append(vs.cidrBlock)
                    if firstVSwitch.isEmpty { firstVSwitch = vs.id }
                }
                var gatewayId: String?
                if hasGateway {
                    let gw = try s.createVPNGateway(
                        .init(regionId: region, vpcId: vpc.id, bandwidth: 10, vSwitchId: firstVSwitch),
                        c
                    )
                    gatewayId = gw.id
                    for k in 0..<2 {
                        let cgw = try s.createCustomerGateway(
                            .init(regionId: region, ipAddress: "198.51.100.\(10 * i + k + 1)"),
                            c
                        )
                        let connection = try s.createVPNConnection(
                            .init(
                                regionId: region,
                                vpnGatewayId: gw.id,
                                customerGatewayId: cgw.id,
                                localSubnet: "10.\(i).0.0/16",
                                remoteSubnet: "192.168.\(10 * i + k).0/24"
                            ),
                            c
                        )
                        f.connections[gw.id, default: []].append(connection.id)
                    }
                }
                f.vpcs.append((vpc.id, vpc.routeTableId, blocks, gatewayId))
            }
            f.cen = try s.createCEN(name: nil, description: nil, protectionLevel: nil, c).id
            return f
        }
    }

    /// Destinations the steps draw from: some shared between VPCs, some equal to another VPC's vSwitch block (CEN
    /// conflicts between a published and a default-advertised route), some nested (longest match).
    static let destinations = [
        "172.16.0.0/16", "172.16.1.0/24", "172.17.0.0/16", "192.168.0.0/24", "192.168.1.0/24", "192.168.10.0/24",
        "192.168.11.0/24", "192.168.0.0/16", "10.9.0.0/16", "10.0.5.0/24", "10.1.1.0/24", "10.2.0.0/24",
        "10.2.1.0/24", "10.0.0.0/24",
    ].map { IPv4Prefix($0)! }

    /// Runs one random step; a step the control plane rejects changes nothing (and that is fine here).
    static func step<G: RandomNumberGenerator>(
        _ cp: ControlPlane,
        _ f: inout Fixture,
        _ random: inout G
    ) async -> (Step, succeeded: Bool) {
        let step = Step.allCases.randomElement(using: &random)!
        let vpc = f.vpcs.randomElement(using: &random)!
        let withGateway = f.vpcs.filter { $0.gateway != nil }.randomElement(using: &random)!
        let gateway = withGateway.gateway!
        let connection = f.connections[gateway]!.randomElement(using: &random)!
        let destination = destinations.randomElement(using: &random)!
        let weight = Bool.random(using: &random) ? 100 : 0
        let flag = Bool.random(using: &random)
        let state = await cp.snapshot
        let vpnRoutes = state.ordered(state.vpnRouteEntries)
        let pick = Int.random(in: 0..<1000, using: &random)
        func run(_ body: @Sendable (inout CloudState, MutationContext) throws(ControlPlaneError) -> Void) async -> Bool
        {
            do {
                try await cp.mutate(body)
                return true
            } catch {
                return false
            }
        }
        switch step {
        case .addRoute:
            return (
                step,
                await run { s, c throws(ControlPlaneError) in
                    _ = try s.createRouteEntry(
                        .init(
                            regionId: region,
                            routeTableId: withGateway.table,
                            destinationCidrBlock: destination.description,
                            nextHopType: "VpnGateway",
                            nextHopId: gateway
                        ),
                        c
                    )
                }
            )
        case .deleteRoute:
            let routes = state.ordered(state.routeEntries)
            guard !routes.isEmpty else { return (step, false) }
            let id = routes[pick % routes.count].id
            return (
                step,
                await run { s, _ throws(ControlPlaneError) in
                    try s.deleteRouteEntry(id: id, routeTableId: nil, destination: nil, nextHopId: nil, region: nil)
                }
            )
        case .addVPNRoute, .addPolicyRoute:
            let source = step == .addPolicyRoute ? withGateway.vSwitches[pick % 2].description : nil
            return (
                step,
                await run { s, c throws(ControlPlaneError) in
                    _ = try s.createVPNRoute(
                        .init(
                            regionId: region,
                            vpnGatewayId: gateway,
                            routeSource: source,
                            routeDest: destination.description,
                            nextHop: connection,
                            weight: weight,
                            priority: source == nil ? nil : 1 + pick % 20,
                            publishVpc: flag
                        ),
                        c
                    )
                }
            )
        case .deleteVPNRoute, .deletePolicyRoute:
            let candidates = vpnRoutes.filter { $0.isPolicyBased == (step == .deletePolicyRoute) }
            guard !candidates.isEmpty else { return (step, false) }
            let r = candidates[pick % candidates.count]
            return (
                step,
                await run { s, _ throws(ControlPlaneError) in
                    try s.deleteVPNRoute(
                        gateway: r.vpnGatewayId,
                        source: r.routeSource?.description,
                        dest: r.routeDest.description,
                        nextHop: r.nextHop,
                        weight: r.weight,
                        region: region
                    )
                }
            )
        case .publishVPNRoute, .withdrawVPNRoute, .publishPolicyRoute:
            let policy = step == .publishPolicyRoute
            let candidates = vpnRoutes.filter { $0.isPolicyBased == policy }
            guard !candidates.isEmpty else { return (step, false) }
            let r = candidates[pick % candidates.count]
            let publish = step != .withdrawVPNRoute
            return (
                step,
                await run { s, _ throws(ControlPlaneError) in
                    try s.publishVPNRoute(
                        gateway: r.vpnGatewayId,
                        dest: r.routeDest,
                        nextHop: r.nextHop,
                        policyBased: policy,
                        publish: publish,
                        region: region
                    )
                }
            )
        case .attach:
            let cen = f.cen
            return (
                step,
                await run { s, c throws(ControlPlaneError) in
                    _ = try s.attachCENChild(cenId: cen, childId: vpc.id, childType: "VPC", childRegion: region, c)
                }
            )
        case .detach:
            let cen = f.cen
            return (
                step, await run { s, _ throws(ControlPlaneError) in try s.detachCENChild(cenId: cen, childId: vpc.id) }
            )
        case .publishCEN, .withdrawCEN:
            // A vSwitch block, a custom route or a published VPN route of the VPC.
            let own =
                vpc.vSwitches + state.customRoutes(in: vpc.table).map(\.destination)
                + vpnRoutes.filter { $0.published && $0.vpnGatewayId == vpc.gateway }.map(\.routeDest)
            let target = own[pick % own.count].description
            let cen = f.cen
            let publish = step == .publishCEN
            return (
                step,
                await run { s, _ throws(ControlPlaneError) in
                    if publish {
                        try s.publishCENRoute(cenId: cen, childId: vpc.id, routeTableId: vpc.table, destination: target)
                    } else {
                        try s.withdrawCENRoute(
                            cenId: cen,
                            childId: vpc.id,
                            routeTableId: vpc.table,
                            destination: target
                        )
                    }
                }
            )
        case .modifyConnection:
            let remote = "\(destination),192.168.\(pick % 50).0/24"
            return (
                step,
                await run { s, c throws(ControlPlaneError) in
                    var ike = CloudState.IKEConfigInput()
                    ike.IkeVersion = "ikev2"
                    _ = try s.modifyVPNConnection(
                        connection,
                        region: region,
                        .init(remoteSubnet: remote, effectImmediately: flag, ikeConfig: ike),
                        c
                    )
                }
            )
        case .addVSwitch:
            let index = f.vpcs.firstIndex { $0.id == vpc.id }!
            let block = "10.\(index).\(2 + pick % 200).0/24"
            let succeeded = await run { s, c throws(ControlPlaneError) in
                _ = try s.createVSwitch(
                    .init(regionId: region, vpcId: vpc.id, zoneId: region + "-b", cidrBlock: block),
                    c
                )
            }
            if succeeded { f.vpcs[index].vSwitches.append(IPv4Prefix(block)!) }
            return (step, succeeded)
        }
    }

    /// Every table and tunnel of `view` against an engine built fresh from `view.state.topology`.
    static func differences(_ view: CloudView) -> [String] {
        let expected = view.state.topology
        let fresh = RouteEngine(expected)
        var problems: [String] = []
        if view.topology != expected { problems.append("the engine's topology differs from the projection") }
        var nodes: [NodeID] = expected.vpcs.keys.map { .vpc($0) } + expected.vpnGateways.keys.map { .vpnGateway($0) }
        nodes += expected.cens.keys.map { .cen($0) }
        for node in nodes.sorted() where view.engine.routeTable(for: node) != fresh.routeTable(for: node) {
            let kept = view.engine.routeTable(for: node)?.entries.map(\.description) ?? []
            let built = fresh.routeTable(for: node)?.entries.map(\.description) ?? []
            problems.append("\(node): kept \(kept), fresh \(built)")
        }
        for id in expected.vpnConnections.keys.sorted() where view.engine.tunnelStatus(id) != fresh.tunnelStatus(id) {
            problems.append("tunnel \(id) differs")
        }
        return problems
    }

    @Test func theKeptEngineEqualsAFreshOneAfterEveryStep() async throws {
        let seed: UInt64 = 20_261_121
        print("CloudViewTests: seed \(seed)")
        var random = SeededGenerator(seed: seed)
        let cp = try await ControlPlaneTests.make()
        var f = try await Self.fixture(cp)
        _ = await cp.view
        var followed: [Step: Int] = [:]
        for number in 1...600 {
            let builds = await cp.engineBuilds
            let (step, succeeded) = await Self.step(cp, &f, &random)
            let view = await cp.view
            let rebuilt = await cp.engineBuilds > builds
            let problems = Self.differences(view)
            #expect(problems.isEmpty, "seed \(seed), step \(number) (\(step)): \(problems.joined(separator: "; "))")
            if succeeded && step.isIncremental {
                #expect(!rebuilt, "seed \(seed), step \(number) (\(step)) rebuilt the engine")
            }
            if succeeded && !rebuilt { followed[step, default: 0] += 1 }
        }
        print(
            "CloudViewTests: followed without a rebuild:",
            followed.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", ")
        )
        // Every kind of incremental step happened and was followed without a rebuild.
        for step in Step.allCases where step.isIncremental {
            #expect((followed[step] ?? 0) > 0, "seed \(seed): no successful \(step) step")
        }
    }

    /// A route published before a network attaches outranks that network's default-advertised routes in a
    /// fresh engine only if attachments rank first: the kept engine must agree.
    @Test func anAttachmentAfterAPublicationRanksAsInAFreshEngine() async throws {
        let cp = try await ControlPlaneTests.make()
        let f = try await Self.fixture(cp)
        let (a, b, c) = (f.vpcs[0], f.vpcs[1], f.vpcs[2])
        let cen = f.cen
        _ = await cp.view
        try await cp.mutate { s, ctx throws(ControlPlaneError) in
            for vpc in [a, b] {
                _ = try s.attachCENChild(cenId: cen, childId: vpc.id, childType: "VPC", childRegion: Self.region, ctx)
            }
            // A routes C's vSwitch block 10.2.0.0/24 to its VPN gateway and publishes it.
            _ = try s.createRouteEntry(
                .init(
                    regionId: Self.region,
                    routeTableId: a.table,
                    destinationCidrBlock: "10.2.0.0/24",
                    nextHopType: "VpnGateway",
                    nextHopId: a.gateway!
                ),
                ctx
            )
        }
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.publishCENRoute(cenId: cen, childId: a.id, routeTableId: a.table, destination: "10.2.0.0/24")
        }
        try await cp.mutate { s, ctx throws(ControlPlaneError) in
            _ = try s.attachCENChild(cenId: cen, childId: c.id, childType: "VPC", childRegion: Self.region, ctx)
        }
        let view = await cp.view
        #expect(await cp.engineBuilds == 1)
        #expect(Self.differences(view).isEmpty, "\(Self.differences(view))")
        // Both advertise 10.2.0.0/24: a conflict; B uses exactly one of them.
        let learned = view.routes(of: b.id).filter { $0.destination == IPv4Prefix("10.2.0.0/24") }
        #expect(learned.count == 2 && learned.allSatisfy(\.isConflict))
        #expect(learned.filter { $0.status == "Active" }.count == 1)
    }

    @Test func aReadBeforeAnyChangeBuildsOnceAndChangesWithoutAMappingRebuildLazily() async throws {
        let cp = try await ControlPlaneTests.make()
        let f = try await Self.fixture(cp)
        #expect(await cp.engineBuilds == 0)
        _ = await cp.view
        _ = await cp.view
        #expect(await cp.engineBuilds == 1)
        let vpc = f.vpcs[2]
        try await cp.mutate { s, c throws(ControlPlaneError) in
            _ = try s.createVSwitch(
                .init(regionId: Self.region, vpcId: vpc.id, zoneId: Self.region + "-b", cidrBlock: "10.2.9.0/24"),
                c
            )
        }
        #expect(await cp.engineBuilds == 1)
        let view = await cp.view
        #expect(await cp.engineBuilds == 2)
        #expect(view.routes(of: vpc.id).contains { $0.destination == IPv4Prefix("10.2.9.0/24") && $0.type == "System" })
    }
}
