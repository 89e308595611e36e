import CloudAPI
import ControlPlane
import Foundation
import Persistence
import Testing

/// A store that keeps every committed batch and can refuse commits that carry only an idempotency record,
/// as if the process died right after committing the change and before a separate token transaction.
final class RecordingStore: ResourceStore, @unchecked Sendable {
    let base: any ResourceStore
    let refuseTokenOnlyCommits: Bool
    private let lock = NSLock()
    private var committed: [WriteBatch] = []
    /// How many more idempotency look-ups answer "none" (as if they ran before another replica committed).
    private var blindLookups: Int

    init(_ base: any ResourceStore, refuseTokenOnlyCommits: Bool = false, blindLookups: Int = 0) {
        self.base = base
        self.refuseTokenOnlyCommits = refuseTokenOnlyCommits
        self.blindLookups = blindLookups
    }

    var batches: [WriteBatch] { lock.withLock { committed } }

    func commit(_ batch: WriteBatch) async throws(StoreError) -> CommitResult {
        if refuseTokenOnlyCommits && batch.operations.isEmpty && batch.idempotency != nil {
            throw .storageFailure("simulated crash before the ClientToken record was written")
        }
        let result = try await base.commit(batch)
        lock.withLock { committed.append(batch) }
        return result
    }

    func get(kind: String, id: String) async throws(StoreError) -> ResourceRecord? {
        try await base.get(kind: kind, id: id)
    }
    func list(_ query: ResourceQuery, page: PageRequest) async throws(StoreError) -> ResourcePage {
        try await base.list(query, page: page)
    }
    func list(_ query: ResourceQuery, after cursor: String?, limit: Int) async throws(StoreError) -> ResourceSlice {
        try await base.list(query, after: cursor, limit: limit)
    }
    func idempotencyRecord(
        clientToken: String,
        action: String,
        caller: String
    ) async throws(StoreError) -> IdempotencyRecord? {
        let blind = lock.withLock {
            defer { blindLookups = max(0, blindLookups - 1) }
            return blindLookups > 0
        }
        if blind { return nil }
        return try await base.idempotencyRecord(clientToken: clientToken, action: action, caller: caller)
    }
    func purgeExpiredIdempotencyRecords() async throws(StoreError) -> Int {
        try await base.purgeExpiredIdempotencyRecords()
    }
    func createAccessKey(_ key: Persistence.AccessKey) async throws(StoreError) { try await base.createAccessKey(key) }
    func accessKey(id: String) async throws(StoreError) -> Persistence.AccessKey? { try await base.accessKey(id: id) }
    func accessKeys() async throws(StoreError) -> [Persistence.AccessKey] { try await base.accessKeys() }
    func deleteAccessKey(id: String) async throws(StoreError) -> Bool { try await base.deleteAccessKey(id: id) }
    func changes(after sequence: Int64, limit: Int) async throws(StoreError) -> [ChangeRecord] {
        try await base.changes(after: sequence, limit: limit)
    }
    func latestChangeSequence() async throws(StoreError) -> Int64 { try await base.latestChangeSequence() }
    var changeSignal: ChangeSignal { base.changeSignal }
}

struct IdempotencyTransactionTests {
    /// A server (control plane and RPC service) on `store`, as `meridian serve` builds it.
    static func server(on store: any ResourceStore, clock: TestClock) async throws -> RPCService {
        let controlPlane = try await ControlPlane(store: ResourceStoreStateStore(store: store), now: { clock.now })
        var registry = ActionRegistry()
        CloudActions.register(into: &registry, controlPlane: controlPlane)
        return RPCService(
            registry: registry,
            accessKeys: StaticAccessKeyStore([CloudAPI.AccessKey(id: "testAK", secret: "testSecret")]),
            now: { clock.now },
            // Records expire by the store's clock (the real one), so they are dated by it too.
            idempotencyRecords: StoreIdempotencyRecords(store)
        )
    }

    static func call(_ service: RPCService, _ parameters: [(String, String)]) async throws -> [String: Any] {
        let response = await service.respond(
            to: RPCRequest(
                method: "GET",
                rawQuery: RPCServiceTests.signedQuery(parameters),
                headers: ["host": "localhost"],
                body: []
            )
        )
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
    }

    static let create = [
        ("Action", "CreateVpc"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou"), ("CidrBlock", "10.0.0.0/16"),
        ("ClientToken", "token-1"),
    ]

    @Test func theTokenIsCommittedInTheSameTransactionAsTheVPC() async throws {
        let store = RecordingStore(try SQLiteStore(path: SQLiteStore.inMemory))
        let service = try await Self.server(on: store, clock: TestClock(RPCServiceTests.start))
        let vpcId = try #require(try await Self.call(service, Self.create)["VpcId"] as? String)

        let batches = store.batches
        #expect(batches.count == 1, "expected one transaction, got \(batches.count)")
        let batch = try #require(batches.first)
        #expect(batch.operations.contains(where: { $0.key == ResourceKey(kind: "vpc", id: vpcId) }))
        #expect(batch.idempotency?.clientToken == "token-1")
        #expect(batch.idempotency?.action == "2016-04-28/CreateVpc")
    }

    @Test func aCrashAfterTheChangeCannotLeaveTheVPCWithoutItsToken() async throws {
        let base = try SQLiteStore(path: SQLiteStore.inMemory)
        let clock = TestClock(RPCServiceTests.start)
        // The first server "dies" at the point where a separate token transaction would have been written.
        let first = try await Self.server(on: RecordingStore(base, refuseTokenOnlyCommits: true), clock: clock)
        let created = try #require(try await Self.call(first, Self.create)["VpcId"] as? String)

        // A restarted server on the same database answers the retry with the same VPC and creates nothing.
        let second = try await Self.server(on: base, clock: clock)
        let retried = try await Self.call(second, Self.create)
        #expect(retried["VpcId"] as? String == created)
        let listed = try await Self.call(
            second,
            [("Action", "DescribeVpcs"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou")]
        )
        #expect(listed["TotalCount"] as? Int == 1)

        // The same token with other parameters is still refused.
        var other = Self.create
        other[3] = ("CidrBlock", "10.1.0.0/16")
        #expect(try await Self.call(second, other)["Code"] as? String == "IdempotentParameterMismatch")
    }

    @Test func aFailedChangeStoresNoToken() async throws {
        let store = RecordingStore(try SQLiteStore(path: SQLiteStore.inMemory))
        let service = try await Self.server(on: store, clock: TestClock(RPCServiceTests.start))
        var bad = Self.create
        bad[3] = ("CidrBlock", "10.0.0.0/33")
        #expect(try await Self.call(service, bad)["Code"] as? String != nil)
        #expect(store.batches.isEmpty)
        #expect(try await store.idempotencyRecord(clientToken: "token-1", action: "2016-04-28/CreateVpc", caller: "testAK") == nil)
    }

    @Test func aTokenAnsweredByAnotherReplicaMeanwhileIsReplayedNotDoubled() async throws {
        let shared = MemoryStore()
        let clock = TestClock(RPCServiceTests.start)
        let a = try await Self.server(on: shared, clock: clock)
        // B is started before A answers, and its first look-up misses A's record (the race window).
        let b = try await Self.server(on: RecordingStore(shared, blindLookups: 1), clock: clock)
        let first = try #require(try await Self.call(a, Self.create)["VpcId"] as? String)
        let second = try await Self.call(b, Self.create)
        #expect(second["VpcId"] as? String == first)
        let listed = try await Self.call(
            a,
            [("Action", "DescribeVpcs"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou")]
        )
        #expect(listed["TotalCount"] as? Int == 1)
        var other = Self.create
        other[3] = ("CidrBlock", "10.1.0.0/16")
        let c = try await Self.server(on: RecordingStore(shared, blindLookups: 1), clock: clock)
        #expect(try await Self.call(c, other)["Code"] as? String == "IdempotentParameterMismatch")
    }
}
