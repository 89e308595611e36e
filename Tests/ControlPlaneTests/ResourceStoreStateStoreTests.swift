import ControlPlane
import Foundation
import MeridianTestSupport
import Persistence
import Testing

struct ResourceStoreStateStoreTests {
    static func make(_ store: any ResourceStore) async throws -> ControlPlane {
        try await ControlPlane(store: ResourceStoreStateStore(store: store), random: SeededGenerator(seed: 7))
    }

    @Test func stateRoundTripsThroughSQLiteWithOrderAndDeletes() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-\(UUID().uuidString).db")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try await Self.make(try SQLiteStore(path: path))
        var ids: [String] = []
        for i in 0..<3 {
            let vpc = try await first.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "r-1", cidrBlock: "10.\(i).0.0/16"), c)
            }
            ids.append(vpc.id)
        }
        let last = ids[2]
        let middle = ids[1]
        let vsw = try await first.mutate { s, c throws(ControlPlaneError) in
            try s.createVSwitch(.init(regionId: nil, vpcId: last, zoneId: "r-1-a", cidrBlock: "10.2.1.0/24"), c)
        }
        try await first.mutate { s, _ throws(ControlPlaneError) in try s.deleteVPC(middle, region: "r-1") }

        let second = try await Self.make(try SQLiteStore(path: path))
        let state = await second.snapshot
        #expect(state.ordered(state.vpcs).map(\.id) == [ids[0], ids[2]])
        #expect(state.vSwitches[vsw.id] == vsw)
        let before = await first.snapshot
        #expect(
            state.vpcs == before.vpcs && state.vSwitches == before.vSwitches
                && state.routeEntries == before.routeEntries
        )
        // The reloaded control plane keeps writing: a change after restart is stored as an update/delete.
        try await second.mutate { s, _ throws(ControlPlaneError) in try s.deleteVSwitch(vsw.id, region: nil) }
        let third = try await Self.make(try SQLiteStore(path: path))
        #expect(await third.snapshot.vSwitches.isEmpty)
    }

    @Test func aConcurrentWriterIsDetectedNotOverwritten() async throws {
        let store = MemoryStore()
        let a = try await Self.make(store)
        let vpc = try await a.mutate { s, c throws(ControlPlaneError) in try s.createVPC(.init(regionId: "r-1"), c) }
        let b = try await Self.make(store)
        try await b.mutate { s, _ throws(ControlPlaneError) in try s.deleteVPC(vpc.id, region: "r-1") }
        // `a` still believes the VPC exists; its delete conflicts in the store, `a` takes in b's change and runs
        // the delete again on it, which now finds no such VPC (nothing is overwritten, nothing half-written).
        let error = await ControlPlaneTests.error {
            try await a.mutate { s, _ throws(ControlPlaneError) in try s.deleteVPC(vpc.id, region: "r-1") }
        }
        #expect(error?.kind == .notFound)
        #expect(await a.snapshot.vpcs[vpc.id] == nil)
    }
}

extension ResourceStoreStateStoreTests {
    /// A store that takes its time, so concurrent changes overlap at `save`.
    actor SlowStore: StateStore {
        let inner: ResourceStoreStateStore
        init(_ inner: ResourceStoreStateStore) { self.inner = inner }
        func load() async throws -> CloudState? { try await inner.load() }
        func save(_ state: CloudState) async throws {
            try await Task.sleep(for: .milliseconds(2))
            try await inner.save(state)
        }
    }

    @Test func concurrentChangesAreAllKept() async throws {
        let store = MemoryStore()
        let cp = try await ControlPlane(store: SlowStore(ResourceStoreStateStore(store: store)), random: SeededGenerator(seed: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask {
                    _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                        try s.createVPC(.init(regionId: "r-\(i)"), c)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await cp.snapshot.vpcs.count == 8)
        let reloaded = try await Self.make(store)
        #expect(await reloaded.snapshot.vpcs.count == 8)
    }
}
