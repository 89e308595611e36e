import ControlPlane
import Foundation
import IPAddressing
import MeridianTestSupport
import Persistence
import PostgresTestSupport
import Testing

/// Several control planes on one real PostgreSQL database, as `meridian serve` replicas run.
struct ReplicatedControlPlaneTests {
    /// Runs `body` with `count` control planes, each on its own `PostgresStore` connection to one fresh
    /// database; the stores are closed afterwards, also when `body` throws.
    static func withReplicas<T: Sendable>(
        _ count: Int,
        _ body: ([ControlPlane], _ openStore: @Sendable () async throws -> PostgresStore) async throws -> T
    ) async throws -> T {
        try await PostgresTestServer.withDatabase { configuration in
            var stores: [PostgresStore] = []
            do {
                var planes: [ControlPlane] = []
                for index in 0..<count {
                    let store = try await PostgresStore(configuration: configuration)
                    stores.append(store)
                    planes.append(try await replica(store, seed: UInt64(index + 1)))
                }
                let result = try await body(planes, { try await PostgresStore(configuration: configuration) })
                for store in stores { await store.close() }
                return result
            } catch {
                for store in stores { await store.close() }
                throw error
            }
        }
    }

    static func replica(_ store: any ResourceStore, seed: UInt64) async throws -> ControlPlane {
        try await ControlPlane(store: ResourceStoreStateStore(store: store), random: SeededGenerator(seed: seed))
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
    static func eventually(within seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    @Test func aVPCCreatedOnOneReplicaIsSeenByTheOtherWithinASecond() async throws {
        try await Self.withReplicas(2) { planes, _ in
            let (a, b) = (planes[0], planes[1])
            let follower = Task { await b.followChanges() }
            defer { follower.cancel() }
            // Let B's follower start waiting on the signal before A writes.
            try await Task.sleep(for: .milliseconds(100))
            let vpc = try await a.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16"), c)
            }
            let seen = await Self.eventually(within: 1) { await b.snapshot.vpcs[vpc.id] == vpc }
            #expect(seen, "replica B did not list VPC \(vpc.id) within a second")
            #expect(try await b.snapshot.vpc(routeTable: vpc.routeTableId).id == vpc.id)

            try await a.mutate { s, _ throws(ControlPlaneError) in try s.deleteVPC(vpc.id, region: "cn-hangzhou") }
            let gone = await Self.eventually(within: 1) { await b.snapshot.vpcs[vpc.id] == nil }
            #expect(gone, "replica B still lists the deleted VPC \(vpc.id)")
        }
    }

    @Test func concurrentRouteEntryCreatesOnBothReplicasAllLand() async throws {
        try await Self.withReplicas(2) { planes, openStore in
            let (a, b) = (planes[0], planes[1])
            let followers = planes.map { plane in Task { await plane.followChanges() } }
            defer { for follower in followers { follower.cancel() } }
            let vpc = try await a.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "r-1", cidrBlock: "10.0.0.0/16"), c)
            }
            let gateway = try await a.mutate { s, c throws(ControlPlaneError) in
                try s.createVPNGateway(.init(regionId: "r-1", vpcId: vpc.id, bandwidth: 10), c)
            }
            #expect(await Self.eventually(within: 1) { await b.snapshot.vpnGateways[gateway.id] != nil })

            let count = 20
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    let plane = index.isMultiple(of: 2) ? a : b
                    group.addTask {
                        _ = try await plane.mutate { s, c throws(ControlPlaneError) in
                            try s.createRouteEntry(
                                .init(
                                    regionId: nil,
                                    routeTableId: vpc.routeTableId,
                                    destinationCidrBlock: "192.168.\(index).0/24",
                                    nextHopType: "VpnGateway",
                                    nextHopId: gateway.id
                                ),
                                c
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            for plane in planes {
                let converged = await Self.eventually(within: 1) {
                    await plane.snapshot.customRoutes(in: vpc.routeTableId).count == count
                }
                #expect(converged)
            }
            // What a freshly started replica loads from the database.
            let store = try await openStore()
            let fresh = try await Self.replica(store, seed: 99)
            let routes = await fresh.snapshot.customRoutes(in: vpc.routeTableId)
            await store.close()
            #expect(routes.count == count)
            #expect(Set(routes.map(\.destination.description)).count == count)
        }
    }

    @Test func aStaleReplicaRerunsItsChangeInsteadOfLosingTheOther() async throws {
        try await Self.withReplicas(2) { planes, openStore in
            let (a, b) = (planes[0], planes[1])
            // B does not follow: it still holds the CEN at the version it loaded when A changes it, so its own
            // change conflicts and must be re-run on A's result.
            let vpc = try await a.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "r-1", cidrBlock: "10.0.0.0/16"), c)
            }
            let gateway = try await a.mutate { s, c throws(ControlPlaneError) in
                try s.createVPNGateway(.init(regionId: "r-1", vpcId: vpc.id, bandwidth: 10), c)
            }
            for destination in ["192.168.1.0/24", "192.168.2.0/24"] {
                _ = try await a.mutate { s, c throws(ControlPlaneError) in
                    try s.createRouteEntry(
                        .init(
                            regionId: nil,
                            routeTableId: vpc.routeTableId,
                            destinationCidrBlock: destination,
                            nextHopType: "VpnGateway",
                            nextHopId: gateway.id
                        ),
                        c
                    )
                }
            }
            let cen = try await a.mutate { s, c throws(ControlPlaneError) in
                try s.createCEN(name: "core", description: nil, protectionLevel: nil, c)
            }
            _ = try await a.mutate { s, c throws(ControlPlaneError) in
                try s.attachCENChild(cenId: cen.id, childId: vpc.id, childType: "VPC", childRegion: "r-1", c)
            }
            // B catches up once (as if it had followed until now), then stops following.
            let follower = Task { await b.followChanges(pollInterval: .milliseconds(50)) }
            #expect(await Self.eventually(within: 1) { await b.snapshot.cenAttachments.count == 1 })
            follower.cancel()
            await follower.value

            try await a.mutate { s, _ throws(ControlPlaneError) in
                try s.publishCENRoute(
                    cenId: cen.id,
                    childId: vpc.id,
                    routeTableId: vpc.routeTableId,
                    destination: "192.168.1.0/24"
                )
            }
            #expect(await b.snapshot.cens[cen.id]?.publishedRoutes.isEmpty == true)
            try await b.mutate { s, _ throws(ControlPlaneError) in
                try s.publishCENRoute(
                    cenId: cen.id,
                    childId: vpc.id,
                    routeTableId: vpc.routeTableId,
                    destination: "192.168.2.0/24"
                )
            }
            let expected: Set<String> = ["192.168.1.0/24", "192.168.2.0/24"]
            #expect(Set(await b.snapshot.cens[cen.id]?.publishedRoutes.map(\.destination.description) ?? []) == expected)
            let store = try await openStore()
            let fresh = try await Self.replica(store, seed: 99)
            let stored = await fresh.snapshot.cens[cen.id]?.publishedRoutes.map(\.destination.description) ?? []
            await store.close()
            #expect(Set(stored) == expected)
        }
    }
}

/// A store on which every save loses the race to another writer.
actor AlwaysConflictingStore: StateStore {
    private(set) var saves = 0
    private(set) var catchUps = 0
    func load() async throws -> CloudState? { nil }
    func save(_ state: CloudState) async throws {
        saves += 1
        throw StateStoreConflict(message: "vpc 'x' was modified concurrently")
    }
    func changesFromOthers() async throws -> StateUpdate? {
        catchUps += 1
        return nil
    }
}

struct ConflictRetryTests {
    @Test func aChangeThatKeepsConflictingGivesUpWithTaskConflict() async throws {
        let store = AlwaysConflictingStore()
        let cp = try await ControlPlane(store: store, random: SeededGenerator(seed: 3))
        let error = await ControlPlaneTests.error {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in try s.createVPC(.init(regionId: "r-1"), c) }
        }
        #expect(error?.code == "TaskConflict")
        #expect(await store.saves == ControlPlane.maximumAttempts)
        #expect(await store.catchUps == ControlPlane.maximumAttempts)
        #expect(await cp.snapshot.vpcs.isEmpty)
    }
}
