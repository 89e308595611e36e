import ControlPlane
import Foundation
import IPAddressing
import MeridianTestSupport
import NetworkModel
import Persistence
import Reachability
import RouteEngine
import Testing

/// Router interfaces, VBRs and CEN bandwidth, driven only through the control plane; the route tables and
/// reachability come from the route engine over `CloudState.topology`.
struct ExpressConnectTests {
    typealias Make = ControlPlaneTests

    struct Pair {
        var vpc1: APIVPC
        var vpc2: APIVPC
        var initiator: APIRouterInterface
        var acceptor: APIRouterInterface
    }

    /// Two VPCs in cn-hangzhou (10.0.0.0/16 and 172.16.0.0/16, one vSwitch each) and a router interface pair
    /// between their vRouters with each side's opposite filled in, still `Idle`.
    static func pair(_ cp: ControlPlane) async throws -> Pair {
        let vpc1 = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16"), c)
        }
        let vpc2 = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "172.16.0.0/16"), c)
        }
        for (vpc, cidr) in [(vpc1, "10.0.1.0/24"), (vpc2, "172.16.1.0/24")] {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVSwitch(.init(regionId: nil, vpcId: vpc.id, zoneId: "cn-hangzhou-b", cidrBlock: cidr), c)
            }
        }
        let initiator = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VRouter",
                    routerId: vpc1.vRouterId,
                    role: "InitiatingSide",
                    spec: "Small.1",
                    oppositeRegionId: "cn-hangzhou"
                ),
                c
            )
        }
        let acceptor = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VRouter",
                    routerId: vpc2.vRouterId,
                    role: "AcceptingSide",
                    spec: "Negative",
                    oppositeRegionId: "cn-hangzhou"
                ),
                c
            )
        }
        _ = try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.modifyRouterInterface(
                initiator.id,
                region: "cn-hangzhou",
                .init(oppositeInterfaceId: acceptor.id, oppositeRouterId: vpc2.vRouterId, oppositeRouterType: "VRouter")
            )
        }
        _ = try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.modifyRouterInterface(
                acceptor.id,
                region: "cn-hangzhou",
                .init(
                    oppositeInterfaceId: initiator.id,
                    oppositeRouterId: vpc1.vRouterId,
                    oppositeRouterType: "VRouter"
                )
            )
        }
        return Pair(vpc1: vpc1, vpc2: vpc2, initiator: initiator, acceptor: acceptor)
    }

    /// Another mutually configured `Idle` pair between the VPCs of `p`.
    static func pair(_ cp: ControlPlane, reusing p: Pair) async throws -> Pair {
        let initiator = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VRouter",
                    routerId: p.vpc1.vRouterId,
                    role: "InitiatingSide",
                    spec: "Small.2",
                    oppositeRegionId: "cn-hangzhou"
                ),
                c
            )
        }
        let acceptor = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VRouter",
                    routerId: p.vpc2.vRouterId,
                    role: "AcceptingSide",
                    spec: "Negative",
                    oppositeRegionId: "cn-hangzhou",
                    oppositeRouterId: p.vpc1.vRouterId,
                    oppositeInterfaceId: initiator.id
                ),
                c
            )
        }
        _ = try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.modifyRouterInterface(
                initiator.id,
                region: "cn-hangzhou",
                .init(oppositeInterfaceId: acceptor.id, oppositeRouterId: p.vpc2.vRouterId)
            )
        }
        return Pair(vpc1: p.vpc1, vpc2: p.vpc2, initiator: initiator, acceptor: acceptor)
    }

    static func route(
        _ cp: ControlPlane,
        table: String,
        _ destination: String,
        via ri: String
    ) async throws
        -> APIRouteEntry
    {
        try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouteEntry(
                .init(
                    regionId: nil,
                    routeTableId: table,
                    destinationCidrBlock: destination,
                    nextHopType: "RouterInterface",
                    nextHopId: ri
                ),
                c
            )
        }
    }

    /// A trace from VPC `from`'s vRouter towards `address`.
    static func trace(_ state: CloudState, from vpc: String, to address: String) -> PathTrace {
        let engine = RouteEngine(state.topology)
        let flow = Flow(source: IPv4Address("10.0.1.10")!, destination: IPv4Address(address)!)
        return ReachabilityAnalyzer(engine).trace(flow, from: .vpc(VPCID(vpc))).forward
    }

    @Test func aRouterInterfacePairCarriesCustomRoutesOnlyWhileBothEndsAreActive() async throws {
        let cp = try await Make.make()
        let p = try await Self.pair(cp)
        let r1 = try await Self.route(cp, table: p.vpc1.routeTableId, "172.16.0.0/16", via: p.initiator.id)
        _ = try await Self.route(cp, table: p.vpc2.routeTableId, "10.0.0.0/16", via: p.acceptor.id)

        // The engine's table of VPC1 has the custom route to the interface.
        var state = await cp.snapshot
        let engine = RouteEngine(state.topology)
        let entry = try #require(engine.lookup(IPv4Address("172.16.1.10")!, at: .vpc(VPCID(p.vpc1.id))))
        #expect(entry.nextHop == .routerInterface(RouterInterfaceID(p.initiator.id)))
        #expect(entry.routeEntryID == RouteEntryID(r1.id))
        #expect(
            state.topology.routerInterfaces[RouterInterfaceID(p.initiator.id)]?.oppositeInterface
                == RouterInterfaceID(p.acceptor.id)
        )

        // Idle: the route exists but the pair carries nothing.
        var path = Self.trace(state, from: p.vpc1.id, to: "172.16.1.10")
        #expect(path.disposition == .blackhole)
        #expect(path.explanation.contains("Idle"))

        try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.connectRouterInterface(p.initiator.id, region: "cn-hangzhou", c)
        }
        state = await cp.snapshot
        #expect(state.routerInterfaces[p.initiator.id]?.status == "Active")
        #expect(state.routerInterfaces[p.acceptor.id]?.status == "Active")
        #expect(state.routerInterfaces[p.acceptor.id]?.connectedTime == Make.now)
        // Both Active: the packet crosses to VPC2 and reaches its vSwitch (no instance answers there).
        path = Self.trace(state, from: p.vpc1.id, to: "172.16.1.10")
        #expect(
            path.hops.contains {
                $0.link
                    == .routerInterface(RouterInterfaceID(p.initiator.id), opposite: RouterInterfaceID(p.acceptor.id))
            }
        )
        #expect(path.finalNode == .vpc(VPCID(p.vpc2.id)))
        #expect(path.disposition == .neighborUnreachable)
        // And back: VPC2 routes 10.0.0.0/16 over its end.
        let back = Self.trace(state, from: p.vpc2.id, to: "10.0.1.10")
        #expect(back.finalNode == .vpc(VPCID(p.vpc1.id)))

        // One end Inactive: traffic stops, the route stays.
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deactivateRouterInterface(p.acceptor.id, region: "cn-hangzhou")
        }
        state = await cp.snapshot
        #expect(state.routerInterfaces[p.acceptor.id]?.status == "Inactive")
        path = Self.trace(state, from: p.vpc1.id, to: "172.16.1.10")
        #expect(path.disposition == .blackhole)
        #expect(path.explanation.contains("\(p.acceptor.id) is Inactive"))
        #expect(RouteEngine(state.topology).lookup(IPv4Address("172.16.1.10")!, at: .vpc(VPCID(p.vpc1.id))) != nil)

        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.activateRouterInterface(p.acceptor.id, region: "cn-hangzhou")
        }
        state = await cp.snapshot
        #expect(Self.trace(state, from: p.vpc1.id, to: "172.16.1.10").finalNode == .vpc(VPCID(p.vpc2.id)))

        // A second, correctly paired couple between the same two routers: only one connected pair is allowed.
        let second = try await Self.pair(cp, reusing: p)
        let twice = await Make.error {
            try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.connectRouterInterface(second.initiator.id, region: "cn-hangzhou", c)
            }
        }
        #expect(twice?.code == "Forbidden.OnlyOneConnection")
    }

    @Test func routerInterfaceStateRulesAnswerTheCloudsCodes() async throws {
        let cp = try await Make.make()
        let p = try await Self.pair(cp)
        func code(
            _ body: @escaping @Sendable (inout CloudState, MutationContext) throws(ControlPlaneError) -> Void
        )
            async -> String?
        {
            await Make.error { try await cp.mutate(body) }?.code
        }
        // Acceptor cannot connect; activating an Idle interface is a status error.
        #expect(
            await code { s, c throws(ControlPlaneError) in
                try s.connectRouterInterface(p.acceptor.id, region: "cn-hangzhou", c)
            }
                == "IncorrectRole.NotInitiatingSide"
        )
        #expect(
            await code { s, _ throws(ControlPlaneError) in
                try s.activateRouterInterface(p.initiator.id, region: "cn-hangzhou")
            }
                == "IncorrectRIStatus"
        )
        // A third interface on VPC1 naming the acceptor, which names someone else: not each other's opposite.
        let stray = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VRouter",
                    routerId: p.vpc1.vRouterId,
                    role: "InitiatingSide",
                    spec: "Middle.1",
                    oppositeRegionId: "cn-hangzhou",
                    oppositeRouterType: "VRouter",
                    oppositeRouterId: p.vpc2.vRouterId,
                    oppositeInterfaceId: p.acceptor.id
                ),
                c
            )
        }
        let mismatch = await Make.error {
            try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.connectRouterInterface(stray.id, region: "cn-hangzhou", c)
            }
        }
        #expect(mismatch?.code == "IncorrectOppositeInterfaceInfo")
        #expect(mismatch?.message.contains("not each other's opposite") == true)
        // No opposite set at all.
        let lonely = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VRouter",
                    routerId: p.vpc1.vRouterId,
                    role: "InitiatingSide",
                    spec: "Small.1",
                    oppositeRegionId: "cn-hangzhou"
                ),
                c
            )
        }
        #expect(
            await code { s, c throws(ControlPlaneError) in
                try s.connectRouterInterface(lonely.id, region: "cn-hangzhou", c)
            }
                == "IncorrectOppositeInterfaceInfo.NotSet"
        )
        // Same router on both sides.
        _ = try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.modifyRouterInterface(
                lonely.id,
                region: "cn-hangzhou",
                .init(oppositeInterfaceId: stray.id, oppositeRouterId: p.vpc1.vRouterId)
            )
        }
        let same = await Make.error {
            try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.connectRouterInterface(lonely.id, region: "cn-hangzhou", c)
            }
        }
        #expect(same?.code == "IncorrectOppositeInterfaceInfo" && same?.message.contains("same router") == true)
        // Bad spec for the role, and the per-router quota (5).
        #expect(
            await code { s, c throws(ControlPlaneError) in
                _ = try s.createRouterInterface(
                    .init(
                        regionId: "cn-hangzhou",
                        routerType: "VRouter",
                        routerId: p.vpc2.vRouterId,
                        role: "AcceptingSide",
                        spec: "Small.1",
                        oppositeRegionId: "cn-hangzhou"
                    ),
                    c
                )
            } == "InvalidSpec"
        )
        for _ in 0..<2 {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createRouterInterface(
                    .init(
                        regionId: "cn-hangzhou",
                        routerType: "VRouter",
                        routerId: p.vpc1.vRouterId,
                        role: "InitiatingSide",
                        spec: "Small.1",
                        oppositeRegionId: "cn-hangzhou"
                    ),
                    c
                )
            }
        }
        #expect(
            await code { s, c throws(ControlPlaneError) in
                _ = try s.createRouterInterface(
                    .init(
                        regionId: "cn-hangzhou",
                        routerType: "VRouter",
                        routerId: p.vpc1.vRouterId,
                        role: "InitiatingSide",
                        spec: "Small.1",
                        oppositeRegionId: "cn-hangzhou"
                    ),
                    c
                )
            } == "QuotaExceeded.RouterInterface"
        )

        // Connect the real pair; then a second connect, deleting while Active, changing the peer while Active.
        try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.connectRouterInterface(p.initiator.id, region: "cn-hangzhou", c)
        }
        #expect(
            await code { s, c throws(ControlPlaneError) in
                try s.connectRouterInterface(p.initiator.id, region: "cn-hangzhou", c)
            }
                == "IncorrectRIStatus"
        )
        #expect(
            await code { s, _ throws(ControlPlaneError) in
                try s.deleteRouterInterface(p.initiator.id, region: "cn-hangzhou")
            }
                == "IncorrectRIStatus"
        )
        #expect(
            await code { s, _ throws(ControlPlaneError) in
                _ = try s.modifyRouterInterface(
                    p.initiator.id,
                    region: "cn-hangzhou",
                    .init(oppositeInterfaceId: stray.id)
                )
            } == "IncorrectRIStatus"
        )
        // A route keeps an Inactive interface from being deleted; the VPC cannot go while it has interfaces.
        let route = try await Self.route(cp, table: p.vpc1.routeTableId, "172.16.0.0/16", via: p.initiator.id)
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deactivateRouterInterface(p.initiator.id, region: "cn-hangzhou")
        }
        #expect(
            await code { s, _ throws(ControlPlaneError) in
                try s.deleteRouterInterface(p.initiator.id, region: "cn-hangzhou")
            }
                == "DependencyViolation.RouteEntry"
        )
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteRouteEntry(id: route.id, routeTableId: nil, destination: nil, nextHopId: nil, region: nil)
            try s.deleteRouterInterface(p.initiator.id, region: "cn-hangzhou")
        }
        #expect(await cp.snapshot.routerInterfaces[p.initiator.id] == nil)
        let vpc3 = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "192.168.0.0/16"), c)
        }
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VRouter",
                    routerId: vpc3.vRouterId,
                    role: "AcceptingSide",
                    spec: "Negative",
                    oppositeRegionId: "cn-hangzhou"
                ),
                c
            )
        }
        #expect(
            await code { s, _ throws(ControlPlaneError) in try s.deleteVPC(vpc3.id, region: "cn-hangzhou") }
                == "DependencyViolation.RouterInterface"
        )
        // A route may only point at an interface of the table's own router.
        #expect(
            await code { s, c throws(ControlPlaneError) in
                _ = try s.createRouteEntry(
                    .init(
                        regionId: nil,
                        routeTableId: p.vpc1.routeTableId,
                        destinationCidrBlock: "192.168.0.0/16",
                        nextHopType: "RouterInterface",
                        nextHopId: p.acceptor.id
                    ),
                    c
                )
            } == "InvalidNextHopId.NotFound"
        )
    }

    @Test func aVBRHasItsOwnRouteTableProjectedForTheEngine() async throws {
        let cp = try await Make.make()
        let p = try await Self.pair(cp)
        let vbr = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVBR(
                .init(
                    regionId: "cn-hangzhou",
                    physicalConnectionId: "pc-bp1test",
                    vlanId: 100,
                    localGatewayIp: "10.100.0.1",
                    peerGatewayIp: "10.100.0.2",
                    peeringSubnetMask: "255.255.255.252"
                ),
                c
            )
        }
        #expect(vbr.routeTableId.hasPrefix("vtb-") && vbr.status == "active")
        let duplicateVLAN = await Make.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVBR(.init(regionId: "cn-hangzhou", physicalConnectionId: "pc-bp1test", vlanId: 100), c)
            }
        }
        #expect(duplicateVLAN?.code == "InvalidVlanId.Used")
        let onAcceptingVBR = await Make.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createRouterInterface(
                    .init(
                        regionId: "cn-hangzhou",
                        routerType: "VBR",
                        routerId: vbr.id,
                        role: "AcceptingSide",
                        spec: "Negative",
                        oppositeRegionId: "cn-hangzhou"
                    ),
                    c
                )
            }
        }
        #expect(onAcceptingVBR?.code == "InvalidRole")
        let vbrSide = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createRouterInterface(
                .init(
                    regionId: "cn-hangzhou",
                    routerType: "VBR",
                    routerId: vbr.id,
                    role: "InitiatingSide",
                    spec: "Large.1",
                    oppositeRegionId: "cn-hangzhou",
                    oppositeRouterType: "VRouter",
                    oppositeRouterId: p.vpc1.vRouterId
                ),
                c
            )
        }
        let route = try await Self.route(cp, table: vbr.routeTableId, "10.0.0.0/16", via: vbrSide.id)
        // A VBR route must name one of the VBR's own interfaces.
        let foreign = await Make.error {
            _ = try await Self.route(cp, table: vbr.routeTableId, "172.16.0.0/16", via: p.initiator.id)
        }
        #expect(foreign?.code == "InvalidNextHopId.NotFound")
        let state = await cp.snapshot
        let projected = try #require(state.topology.vbrs[VBRID(vbr.id)])
        #expect(projected.routes.map(\.destination) == [IPv4Prefix("10.0.0.0/16")!])
        #expect(projected.localGatewayIP == IPv4Address("10.100.0.1"))
        let table = try #require(RouteEngine(state.topology).routeTable(for: .vbr(VBRID(vbr.id))))
        #expect(table.entries.map(\.routeEntryID) == [RouteEntryID(route.id)])
        #expect(table.entries.first?.status == .active)
        // Deleting needs the route and the interface gone first.
        let busy = await Make.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteVBR(vbr.id, region: "cn-hangzhou") }
        }
        #expect(busy?.code == "DependencyViolation.RouterInterface")
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteRouteEntry(
                id: nil,
                routeTableId: vbr.routeTableId,
                destination: "10.0.0.0/16",
                nextHopId: nil,
                region: nil
            )
            try s.deleteRouterInterface(vbrSide.id, region: "cn-hangzhou")
            try s.deleteVBR(vbr.id, region: "cn-hangzhou")
        }
        #expect(await cp.snapshot.vbrs.isEmpty)
    }

    @Test func aCrossRegionCENPairNeedsABandwidthPackageAndALimit() async throws {
        // Seed 001: VPC1 in US (Virginia), VPC2 in China (Shanghai), connected by CEN.
        let cp = try await Make.make()
        let virginia = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "us-east-1", cidrBlock: "172.16.0.0/16"), c)
        }
        let shanghai = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-shanghai", cidrBlock: "10.0.0.0/16"), c)
        }
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVSwitch(
                .init(regionId: nil, vpcId: virginia.id, zoneId: "us-east-1-a", cidrBlock: "172.16.1.0/24"),
                c
            )
        }
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVSwitch(
                .init(regionId: nil, vpcId: shanghai.id, zoneId: "cn-shanghai-b", cidrBlock: "10.0.1.0/24"),
                c
            )
        }
        let cen = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCEN(name: "global", description: nil, protectionLevel: nil, c)
        }
        for vpc in [virginia, shanghai] {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.attachCENChild(cenId: cen.id, childId: vpc.id, childType: "VPC", childRegion: vpc.regionId, c)
            }
        }
        func warnings() async -> [TraceWarning.Kind] {
            Self.trace(await cp.snapshot, from: shanghai.id, to: "172.16.1.10").warnings.map(\.kind)
        }
        // Routes are learned either way; without bandwidth only the 1 Kbit/s test allowance carries traffic.
        let path = Self.trace(await cp.snapshot, from: shanghai.id, to: "172.16.1.10")
        #expect(path.finalNode == .vpc(VPCID(virginia.id)))
        #expect(await warnings() == [.noCrossRegionBandwidth])

        func setLimit(_ mbps: Int) async -> ControlPlaneError? {
            await Make.error {
                try await cp.mutate { s, _ throws(ControlPlaneError) in
                    _ = try s.setCENInterRegionBandwidthLimit(
                        cenId: cen.id,
                        localRegionId: "cn-shanghai",
                        oppositeRegionId: "us-east-1",
                        bandwidthLimit: mbps
                    )
                }
            }
        }
        #expect(await setLimit(5)?.code == "InvalidOperation.NoBandwidthPackage")
        let wrongAreas = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCENBandwidthPackage(
                .init(bandwidth: 10, geographicRegionAId: "China", geographicRegionBId: "Europe"),
                c
            )
        }
        let package = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCENBandwidthPackage(
                .init(bandwidth: 10, geographicRegionAId: "North-America", geographicRegionBId: "China"),
                c
            )
        }
        #expect(package.status == "Idle" && package.id.hasPrefix("cenbwp-"))
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.associateCENBandwidthPackage(cenId: cen.id, packageId: wrongAreas.id)
        }
        // A package for other areas does not help; an Idle one is not used.
        #expect(await setLimit(5)?.code == "InvalidOperation.NoBandwidthPackage")
        #expect(await warnings() == [.noCrossRegionBandwidth])
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.associateCENBandwidthPackage(cenId: cen.id, packageId: package.id)
        }
        #expect(await cp.snapshot.cenBandwidthPackages[package.id]?.status == "InUse")
        // The package alone is not enough: the regions need an allocation.
        #expect(await warnings() == [.noCrossRegionBandwidth])
        #expect(await setLimit(11)?.code == "InvalidOperation.BandwidthLimitExceeded")
        #expect(await setLimit(10) == nil)
        #expect(await warnings() == [])
        let cenInModel = try #require(await cp.snapshot.topology.cens[CENID(cen.id)])
        #expect(
            cenInModel.interRegionBandwidths == [
                InterRegionBandwidth(localRegion: "cn-shanghai", oppositeRegion: "us-east-1", bandwidth: 10)
            ]
        )

        let inUse = await Make.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in
                try s.unassociateCENBandwidthPackage(cenId: cen.id, packageId: package.id)
            }
        }
        #expect(inUse?.code == "DependencyViolation.BandwidthLimit")
        let deleteInUse = await Make.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteCENBandwidthPackage(package.id) }
        }
        #expect(deleteInUse?.code == "InvalidOperation.BandwidthPackageInUse")
        #expect(await setLimit(0) == nil)
        #expect(await warnings() == [.noCrossRegionBandwidth])
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.unassociateCENBandwidthPackage(cenId: cen.id, packageId: package.id)
            try s.deleteCENBandwidthPackage(package.id)
        }
        #expect(await cp.snapshot.cenBandwidthPackages[package.id] == nil)
        let cenBusy = await Make.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in
                for a in s.attachments(of: cen.id) { try s.detachCENChild(cenId: cen.id, childId: a.childInstanceId) }
                try s.deleteCEN(cen.id)
            }
        }
        #expect(cenBusy?.code == "DependencyViolation.BandwidthPackage")
    }

    @Test func aVBRCanBeAttachedToACEN() async throws {
        let cp = try await Make.make()
        let vbr = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVBR(.init(regionId: "cn-hangzhou", physicalConnectionId: "pc-bp1idc", vlanId: 7), c)
        }
        let cen = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCEN(name: nil, description: nil, protectionLevel: nil, c)
        }
        let attachment = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.attachCENChild(cenId: cen.id, childId: vbr.id, childType: "VBR", childRegion: "cn-hangzhou", c)
        }
        #expect(attachment.childInstanceType == "VBR")
        let state = await cp.snapshot
        #expect(state.topology.cens[CENID(cen.id)]?.attachments == [.vbr(VBRID(vbr.id))])
        #expect(RouteEngine(state.topology).cen(of: .vbr(VBRID(vbr.id))) == CENID(cen.id))
        let busy = await Make.error {
            try await cp.mutate { s, _ throws(ControlPlaneError) in try s.deleteVBR(vbr.id, region: "cn-hangzhou") }
        }
        #expect(busy?.code == "DependencyViolation.Cen")
    }

    /// The control plane's kept engine (updated change by change where it can) equals a fresh one after each
    /// Express Connect, bandwidth and route change, including a CEN publication after an inter-region limit.
    @Test func theKeptEngineFollowsExpressConnectAndBandwidthChanges() async throws {
        let cp = try await Make.make()
        let p = try await Self.pair(cp)
        func check(_ step: String) async {
            let problems = CloudViewTests.differences(await cp.view)
            #expect(problems.isEmpty, "after \(step): \(problems)")
        }
        await check("the pair")
        try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.connectRouterInterface(p.initiator.id, region: "cn-hangzhou", c)
        }
        await check("connect")
        let route = try await Self.route(cp, table: p.vpc1.routeTableId, "172.16.0.0/16", via: p.initiator.id)
        await check("a route to the interface")
        let far = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "us-east-1", cidrBlock: "192.168.0.0/16"), c)
        }
        let cen = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCEN(name: nil, description: nil, protectionLevel: nil, c)
        }
        let package = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCENBandwidthPackage(
                .init(bandwidth: 10, geographicRegionAId: "China", geographicRegionBId: "North-America"),
                c
            )
        }
        try await cp.mutate { s, c throws(ControlPlaneError) in
            _ = try s.attachCENChild(cenId: cen.id, childId: p.vpc1.id, childType: "VPC", childRegion: "cn-hangzhou", c)
            _ = try s.attachCENChild(cenId: cen.id, childId: far.id, childType: "VPC", childRegion: "us-east-1", c)
            try s.associateCENBandwidthPackage(cenId: cen.id, packageId: package.id)
            _ = try s.setCENInterRegionBandwidthLimit(
                cenId: cen.id,
                localRegionId: "cn-hangzhou",
                oppositeRegionId: "us-east-1",
                bandwidthLimit: 5
            )
        }
        await check("CEN with bandwidth")
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.publishCENRoute(
                cenId: cen.id,
                childId: p.vpc1.id,
                routeTableId: p.vpc1.routeTableId,
                destination: "172.16.0.0/16"
            )
        }
        await check("publishing the route to the interface")
        #expect(await cp.view.topology.cens[CENID(cen.id)]?.interRegionBandwidths.map(\.bandwidth) == [5])
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deactivateRouterInterface(p.acceptor.id, region: "cn-hangzhou")
            try s.deleteRouteEntry(id: route.id, routeTableId: nil, destination: nil, nextHopId: nil, region: nil)
        }
        await check("deactivate and delete the route")
    }

    @Test func aStateFileWrittenBeforeExpressConnectStillLoads() async throws {
        let cp = try await Make.make()
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in try s.createVPC(.init(regionId: "cn-hangzhou"), c) }
        let old = try JSONEncoder().encode(await cp.snapshot)
        // A state without router interfaces, VBRs or bandwidth has no `expressConnect` key, as files written before.
        #expect(!String(decoding: old, as: UTF8.self).contains("expressConnect"))
        let decoded = try JSONDecoder().decode(CloudState.self, from: old)
        #expect(decoded == (await cp.snapshot) && decoded.routerInterfaces.isEmpty)
    }

    @Test func expressConnectAndBandwidthSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-\(UUID().uuidString).db")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try await ControlPlane(
            store: ResourceStoreStateStore(store: try SQLiteStore(path: path)),
            now: { Make.now },
            random: SeededGenerator(seed: 3)
        )
        let p = try await Self.pair(first)
        try await first.mutate { s, c throws(ControlPlaneError) in
            try s.connectRouterInterface(p.initiator.id, region: "cn-hangzhou", c)
        }
        _ = try await Self.route(first, table: p.vpc1.routeTableId, "172.16.0.0/16", via: p.initiator.id)
        let vbr = try await first.mutate { s, c throws(ControlPlaneError) in
            try s.createVBR(.init(regionId: "cn-hangzhou", physicalConnectionId: "pc-bp1x", vlanId: 1), c)
        }
        let cen = try await first.mutate { s, c throws(ControlPlaneError) in
            try s.createCEN(name: nil, description: nil, protectionLevel: nil, c)
        }
        let package = try await first.mutate { s, c throws(ControlPlaneError) in
            try s.createCENBandwidthPackage(
                .init(bandwidth: 20, geographicRegionAId: "China", geographicRegionBId: "China"),
                c
            )
        }
        try await first.mutate { s, _ throws(ControlPlaneError) in
            try s.associateCENBandwidthPackage(cenId: cen.id, packageId: package.id)
            try s.setCENInterRegionBandwidthLimit(
                cenId: cen.id,
                localRegionId: "cn-hangzhou",
                oppositeRegionId: "cn-beijing",
                bandwidthLimit: 20
            )
        }
        let before = await first.snapshot

        let second = try await ControlPlane(
            store: ResourceStoreStateStore(store: try SQLiteStore(path: path)),
            now: { Make.now },
            random: SeededGenerator(seed: 4)
        )
        let after = await second.snapshot
        #expect(after.routerInterfaces == before.routerInterfaces)
        #expect(after.vbrs == before.vbrs && after.vbrs[vbr.id] != nil)
        #expect(after.cenBandwidthPackages == before.cenBandwidthPackages)
        #expect(after.cenBandwidthLimits == before.cenBandwidthLimits && after.cenBandwidthLimits.count == 1)
        #expect(after.routeEntries == before.routeEntries)
        #expect(after.topology == before.topology)
        // Changes after the restart are stored as updates and deletes.
        try await second.mutate { s, _ throws(ControlPlaneError) in
            try s.deactivateRouterInterface(p.acceptor.id, region: "cn-hangzhou")
            try s.setCENInterRegionBandwidthLimit(
                cenId: cen.id,
                localRegionId: "cn-beijing",
                oppositeRegionId: "cn-hangzhou",
                bandwidthLimit: 0
            )
            try s.deleteVBR(vbr.id, region: "cn-hangzhou")
        }
        let third = await
            (try ControlPlane(
                store: ResourceStoreStateStore(store: try SQLiteStore(path: path)),
                random: SeededGenerator(seed: 5)
            )).snapshot
        #expect(third.routerInterfaces[p.acceptor.id]?.status == "Inactive")
        #expect(third.cenBandwidthLimits.isEmpty && third.vbrs.isEmpty)
    }
}
