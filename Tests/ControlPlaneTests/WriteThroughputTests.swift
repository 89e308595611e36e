import ControlPlane
import Foundation
import MeridianTestSupport
import Persistence
import Testing

/// Saves the way the adapter did before changes recorded what they touched: by comparing every resource
/// of the state on each save (the `save(_:)` path), to measure against.
actor FullDiffStateStore: StateStore {
    let inner: ResourceStoreStateStore
    init(_ inner: ResourceStoreStateStore) { self.inner = inner }
    func load() async throws -> CloudState? { try await inner.load() }
    func save(_ state: CloudState) async throws { try await inner.save(state) }
}

/// Creates per second through the actor with many existing resources: run with
/// `MERIDIAN_MEASURE=1 swift test --filter WriteThroughputTests` (a release build gives the real figures).
struct WriteThroughputTests {
    static let existing = 10_000
    static let measured = 500

    static func createVPCs(_ cp: ControlPlane, count: Int, from first: Int) async throws -> Double {
        let started = ContinuousClock.now
        for index in first..<(first + count) {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "r-\(index / 10)", cidrBlock: "10.0.0.0/16"), c)
            }
        }
        let elapsed = ContinuousClock.now - started
        return Double(count) / (Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["MERIDIAN_MEASURE"] != nil))
    func vpcCreatesPerSecondWithTenThousandExistingResources() async throws {
        var quotas = Quotas()
        quotas.vpcsPerRegion = 10
        let store = try SQLiteStore(path: SQLiteStore.inMemory)
        let seeding = try await ControlPlane(
            store: ResourceStoreStateStore(store: store, checksJournal: false),
            quotas: quotas,
            random: SeededGenerator(seed: 11)
        )
        let seedRate = try await Self.createVPCs(seeding, count: Self.existing, from: 0)

        let touched = try await ControlPlane(
            store: ResourceStoreStateStore(store: store, checksJournal: false),
            quotas: quotas,
            random: SeededGenerator(seed: 12)
        )
        let after = try await Self.createVPCs(touched, count: Self.measured, from: Self.existing)

        let fullDiff = try await ControlPlane(
            store: FullDiffStateStore(ResourceStoreStateStore(store: store, checksJournal: false)),
            quotas: quotas,
            random: SeededGenerator(seed: 13)
        )
        let before = try await Self.createVPCs(fullDiff, count: Self.measured, from: Self.existing + Self.measured)
        print(
            String(
                format: "VPC creates/s with %d+ existing VPCs (SQLite in memory): whole-state diff %.0f, touched ids %.0f (seeding 0→%d: %.0f/s)",
                Self.existing, before, after, Self.existing, seedRate
            )
        )
        #expect(await fullDiff.snapshot.vpcs.count == Self.existing + 2 * Self.measured)
    }
}
