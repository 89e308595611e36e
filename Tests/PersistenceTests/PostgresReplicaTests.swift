import Foundation
import Persistence
import PostgresTestSupport
import Testing

/// Several `meridian serve` replicas on one PostgreSQL database: two (or three) ``PostgresStore`` instances,
/// each with its own connection pool and LISTEN connection, as separate processes would have.
struct PostgresReplicaTests {
    /// Opens `count` stores on one fresh database and closes them afterwards, also on failure.
    func withReplicas<T: Sendable>(_ count: Int, _ body: ([PostgresStore]) async throws -> T) async throws -> T {
        try await PostgresTestServer.withDatabase { configuration in
            var stores: [PostgresStore] = []
            do {
                for _ in 0..<count { stores.append(try await PostgresStore(configuration: configuration)) }
                let result = try await body(stores)
                for store in stores { await store.close() }
                return result
            } catch {
                for store in stores { await store.close() }
                throw error
            }
        }
    }

    @Test func replicasSeeEachOthersWritesWithinASecondThroughNotifications() async throws {
        try await withReplicas(2) { replicas in
            // Migrations ran once although two replicas started.
            #expect(try await replicas[0].appliedMigrations() == replicas[1].appliedMigrations())
            #expect(try await replicas[1].appliedMigrations().count == 1)

            var latencies: [Duration] = []
            for round in 0..<6 {
                let writer = replicas[round % 2]
                let reader = replicas[(round + 1) % 2]
                let start = try await reader.latestChangeSequence()
                // Polling is set far beyond the deadline, so only a notification can wake the reader in time.
                let changes = reader.watchChanges(after: start, pollInterval: .seconds(60))
                let id = "vpc-round-\(round)"
                let clock = ContinuousClock()
                let seen = Task { () async throws -> (ChangeRecord, ContinuousClock.Instant)? in
                    for try await change in changes where change.id == id { return (change, clock.now) }
                    return nil
                }
                try await Task.sleep(for: .milliseconds(50))  // the watcher has read the log once and waits
                try await writer.commit(
                    WriteBatch([.create(kind: "Vpc", id: id, regionID: "r", document: document([:]))])
                )
                // From the writer's acknowledgement to the other replica's watcher yielding the change.
                let acknowledged = clock.now
                let result = try await withTimeout(seconds: 5) { try await seen.value }
                seen.cancel()
                let (change, seenAt) = try #require(result)
                let latency = max(.zero, seenAt - acknowledged)
                #expect(change.operation == .create)
                #expect(latency < .seconds(1))
                latencies.append(latency)
                // The reader's store now returns the other replica's write.
                #expect(try await reader.get(kind: "Vpc", id: id) != nil)
            }
            print("replica notification latencies: \(latencies.map { "\($0)" }.joined(separator: ", "))")
        }
    }

    @Test func concurrentUpdatesThroughTwoReplicasLoseNothing() async throws {
        let workersPerReplica = 3
        let incrementsEach = 6
        try await withReplicas(2) { replicas in
            try await replicas[0].commit(
                WriteBatch([.create(kind: "Counter", id: "c-1", regionID: "r", document: document(["n": 0]))])
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                for replica in replicas {
                    for _ in 0..<workersPerReplica {
                        group.addTask {
                            for _ in 0..<incrementsEach {
                                while true {
                                    let current = try await replica.require(kind: "Counter", id: "c-1")
                                    let n = try #require(fields(of: current)["n"] as? Int)
                                    do {
                                        try await replica.commit(
                                            WriteBatch([
                                                .update(
                                                    kind: "Counter",
                                                    id: "c-1",
                                                    document: document(["n": n + 1]),
                                                    expectedVersion: current.version
                                                )
                                            ])
                                        )
                                        break
                                    } catch StoreError.conflict {
                                        continue
                                    }
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = 2 * workersPerReplica * incrementsEach
            for replica in replicas {
                let final = try await replica.require(kind: "Counter", id: "c-1")
                #expect(fields(of: final)["n"] as? Int == total)
                #expect(final.version == Int64(1 + total))
            }
        }
    }

    @Test func changeLogFollowsCommitOrderWhileReplicasWriteConcurrently() async throws {
        let writesPerTask = 15
        try await withReplicas(3) { replicas in
            let observer = replicas[2]
            let expected = 2 * 2 * writesPerTask
            let collected = Task {
                var seen: [ChangeRecord] = []
                for try await change in observer.watchChanges(after: 0, pollInterval: .seconds(60)) {
                    seen.append(change)
                    if seen.count == expected { break }
                }
                return seen
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (r, replica) in replicas.prefix(2).enumerated() {
                    for t in 0..<2 {
                        group.addTask {
                            for i in 0..<writesPerTask {
                                try await replica.commit(
                                    WriteBatch([
                                        .create(
                                            kind: "Vpc",
                                            id: "vpc-\(r)-\(t)-\(i)",
                                            regionID: "r",
                                            document: document([:])
                                        )
                                    ])
                                )
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = try await withTimeout(seconds: 10) { try await collected.value }
            // Every change exactly once, in strictly increasing sequence order, although the watcher read
            // the log while other transactions were still committing.
            #expect(seen.count == expected)
            #expect(Set(seen.map(\.id)).count == expected)
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
            #expect(try await observer.changes(after: 0, limit: 1000) == seen)
        }
    }
}
