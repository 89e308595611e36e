import Foundation
import Persistence
import Testing

/// The one contract every ``ResourceStore`` keeps, run against each implementation.
@Suite
struct ResourceStoreContractTests {
    /// Every backend, or those named in MERIDIAN_STORE_BACKENDS (comma-separated), for debugging one of them.
    static let backends: [StoreBackend] = {
        guard let names = ProcessInfo.processInfo.environment["MERIDIAN_STORE_BACKENDS"] else {
            return StoreBackend.allCases
        }
        return names.split(separator: ",").compactMap { StoreBackend(rawValue: String($0)) }
    }()

    // MARK: CRUD

    @Test(arguments: backends)
    func createReadUpdateDelete(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var batch = WriteBatch()
            batch.create(
                kind: "Vpc",
                id: "vpc-1",
                regionID: "cn-hangzhou",
                document: document(["CidrBlock": "10.0.0.0/8"])
            )
            let created = try await store.commit(batch)
            #expect(created.records.count == 1)
            #expect(created.records.first?.version == 1)

            let read = try #require(try await store.get(kind: "Vpc", id: "vpc-1"))
            #expect(read.kind == "Vpc" && read.id == "vpc-1" && read.regionID == "cn-hangzhou")
            #expect(read.version == 1)
            #expect(fields(of: read)["CidrBlock"] as? String == "10.0.0.0/8")
            #expect(read == created.records.first)
            #expect(read.createdAt == read.updatedAt)

            let updated = try await store.commit(
                WriteBatch([
                    .update(
                        kind: "Vpc",
                        id: "vpc-1",
                        document: document(["CidrBlock": "10.0.0.0/16"]),
                        expectedVersion: 1
                    )
                ])
            )
            let afterUpdate = try #require(try await store.get(kind: "Vpc", id: "vpc-1"))
            #expect(afterUpdate.version == 2)
            #expect(afterUpdate == updated.records.first)
            #expect(fields(of: afterUpdate)["CidrBlock"] as? String == "10.0.0.0/16")
            #expect(afterUpdate.createdAt == read.createdAt)
            #expect(afterUpdate.updatedAt > read.updatedAt)

            let deleted = try await store.commit(WriteBatch([.delete(kind: "Vpc", id: "vpc-1", expectedVersion: 2)]))
            #expect(deleted.deleted == [ResourceKey(kind: "Vpc", id: "vpc-1")])
            #expect(try await store.get(kind: "Vpc", id: "vpc-1") == nil)
            await #expect(throws: StoreError.notFound(kind: "Vpc", id: "vpc-1")) {
                try await store.require(kind: "Vpc", id: "vpc-1")
            }

            let log = try await store.changes(after: 0, limit: 100)
            #expect(log.map(\.operation) == [.create, .update, .delete])
            #expect(log.map(\.version) == [1, 2, 2])
            #expect(log.allSatisfy { $0.kind == "Vpc" && $0.id == "vpc-1" && $0.regionID == "cn-hangzhou" })
            #expect(log == created.changes + updated.changes + deleted.changes)
        }
    }

    @Test(arguments: backends)
    func sameIDInAnotherKindIsAnotherResource(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.commit(
                WriteBatch([
                    .create(kind: "Vpc", id: "x-1", regionID: "r", document: document(["a": "vpc"])),
                    .create(kind: "VSwitch", id: "x-1", regionID: "r", document: document(["a": "vsw"])),
                ])
            )
            #expect(fields(of: try await store.get(kind: "Vpc", id: "x-1"))["a"] as? String == "vpc")
            #expect(fields(of: try await store.get(kind: "VSwitch", id: "x-1"))["a"] as? String == "vsw")
        }
    }

    @Test(arguments: backends)
    func writesToMissingOrExistingResourcesFailWithTheirNames(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.commit(
                WriteBatch([.create(kind: "Vpc", id: "vpc-1", regionID: "r", document: document([:]))])
            )
            await #expect(throws: StoreError.duplicateID(kind: "Vpc", id: "vpc-1")) {
                try await store.commit(
                    WriteBatch([.create(kind: "Vpc", id: "vpc-1", regionID: "r", document: document([:]))])
                )
            }
            await #expect(throws: StoreError.notFound(kind: "Vpc", id: "vpc-2")) {
                try await store.commit(
                    WriteBatch([.update(kind: "Vpc", id: "vpc-2", document: document([:]), expectedVersion: 1)])
                )
            }
            await #expect(throws: StoreError.notFound(kind: "Vpc", id: "vpc-2")) {
                try await store.commit(WriteBatch([.delete(kind: "Vpc", id: "vpc-2")]))
            }
            await #expect(throws: StoreError.conflict(kind: "Vpc", id: "vpc-1", expected: 7, actual: 1)) {
                try await store.commit(WriteBatch([.delete(kind: "Vpc", id: "vpc-1", expectedVersion: 7)]))
            }
            #expect(try await store.latestChangeSequence() == 1)
        }
    }

    // MARK: Optimistic concurrency

    @Test(arguments: backends)
    func staleUpdateIsAConflictNamingBothVersions(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.commit(
                WriteBatch([.create(kind: "VSwitch", id: "vsw-1", regionID: "r", document: document(["n": 0]))])
            )
            try await store.commit(
                WriteBatch([.update(kind: "VSwitch", id: "vsw-1", document: document(["n": 1]), expectedVersion: 1)])
            )
            let stale = WriteBatch([
                .update(kind: "VSwitch", id: "vsw-1", document: document(["n": 99]), expectedVersion: 1)
            ])
            do {
                try await store.commit(stale)
                Issue.record("a stale update was accepted")
            } catch let error as StoreError {
                #expect(error == .conflict(kind: "VSwitch", id: "vsw-1", expected: 1, actual: 2))
                #expect(
                    error.description
                        == "VSwitch 'vsw-1' was modified concurrently: expected version 1, but it is at version 2"
                )
            }
            #expect(fields(of: try await store.get(kind: "VSwitch", id: "vsw-1"))["n"] as? Int == 1)
        }
    }

    @Test(arguments: backends)
    func concurrentReadModifyWriteLosesNoUpdate(_ backend: StoreBackend) async throws {
        let workers = 6
        let incrementsEach = 8
        try await backend.withStore { store in
            try await store.commit(
                WriteBatch([.create(kind: "Counter", id: "c-1", regionID: "r", document: document(["n": 0]))])
            )
            let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<workers {
                    group.addTask {
                        var conflicts = 0
                        for _ in 0..<incrementsEach {
                            while true {
                                let current = try await store.require(kind: "Counter", id: "c-1")
                                let n = try #require(fields(of: current)["n"] as? Int)
                                await Task.yield()
                                do {
                                    try await store.commit(
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
                                } catch StoreError.conflict(_, _, let expected, let actual) {
                                    #expect(expected == current.version && actual > expected)
                                    conflicts += 1
                                }
                            }
                        }
                        return conflicts
                    }
                }
                return try await group.reduce(0, +)
            }
            let final = try await store.require(kind: "Counter", id: "c-1")
            #expect(fields(of: final)["n"] as? Int == workers * incrementsEach)
            #expect(final.version == Int64(1 + workers * incrementsEach))
            let updates = try await store.changes(after: 0, limit: 1000).filter { $0.operation == .update }
            #expect(updates.map(\.version) == (2...Int64(1 + workers * incrementsEach)).map { $0 })
            // Not asserted (it depends on scheduling), but printed so a run shows the contention was real.
            print("\(backend): \(conflicts) conflicts retried during \(workers * incrementsEach) concurrent increments")
        }
    }

    // MARK: Atomicity

    @Test(arguments: backends)
    func batchThatFailsMidwayWritesNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.commit(
                WriteBatch([.create(kind: "Vpc", id: "vpc-0", regionID: "r", document: document(["n": 0]))])
            )
            let before = try await store.latestChangeSequence()
            let token = IdempotencyRecord(
                clientToken: "tok-1",
                action: "CreateVpc",
                caller: "ak-1",
                resourceID: "vpc-a",
                response: Data("{}".utf8),
                createdAt: Date(timeIntervalSince1970: 1_800_000_000),
                expiresAt: Date(timeIntervalSince1970: 1_900_000_000)
            )
            let failing = WriteBatch(
                [
                    .create(kind: "Vpc", id: "vpc-a", regionID: "r", document: document([:])),
                    .create(kind: "VSwitch", id: "vsw-a", regionID: "r", document: document([:])),
                    .update(kind: "Vpc", id: "vpc-0", document: document(["n": 1]), expectedVersion: 1),
                    // Stale: this one fails.
                    .update(kind: "Vpc", id: "vpc-0", document: document(["n": 2]), expectedVersion: 1),
                    .create(kind: "VSwitch", id: "vsw-b", regionID: "r", document: document([:])),
                ],
                idempotency: token
            )
            await #expect(throws: StoreError.conflict(kind: "Vpc", id: "vpc-0", expected: 1, actual: 2)) {
                try await store.commit(failing)
            }
            #expect(try await store.get(kind: "Vpc", id: "vpc-a") == nil)
            #expect(try await store.get(kind: "VSwitch", id: "vsw-a") == nil)
            #expect(try await store.get(kind: "VSwitch", id: "vsw-b") == nil)
            #expect(try await store.require(kind: "Vpc", id: "vpc-0").version == 1)
            #expect(try await store.latestChangeSequence() == before)
            #expect(try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVpc", caller: "ak-1") == nil)

            await #expect(throws: StoreError.duplicateID(kind: "Vpc", id: "vpc-d")) {
                try await store.commit(
                    WriteBatch([
                        .create(kind: "Vpc", id: "vpc-c", regionID: "r", document: document([:])),
                        .create(kind: "Vpc", id: "vpc-d", regionID: "r", document: document([:])),
                        .create(kind: "Vpc", id: "vpc-d", regionID: "r", document: document([:])),
                    ])
                )
            }
            #expect(try await store.get(kind: "Vpc", id: "vpc-c") == nil)
            #expect(try await store.latestChangeSequence() == before)

            // The same batch without the stale update commits completely.
            var fixed = failing
            fixed.operations.remove(at: 3)
            let result = try await store.commit(fixed)
            #expect(result.changes.count == 4)
            #expect(try await store.require(kind: "Vpc", id: "vpc-0").version == 2)
        }
    }

    @Test(arguments: backends)
    func malformedInputIsRejectedWithTheValueAndNothingIsWritten(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let cases: [(WriteBatch, String)] = [
                (
                    WriteBatch([.create(kind: "Vpc", id: "vpc-1", regionID: "r", document: Data("{\"a\":".utf8))]),
                    "document of Vpc 'vpc-1' is not valid JSON ('{\"a\":')"
                ),
                (
                    WriteBatch([.create(kind: "Vpc", id: "vpc-1", regionID: "r", document: Data("[1,2]".utf8))]),
                    "document of Vpc 'vpc-1' must be a JSON object, got '[1,2]'"
                ),
                (
                    WriteBatch([
                        .create(kind: "Vpc", id: "vpc-1", regionID: "r", document: document([:])),
                        .create(kind: "Vpc", id: "", regionID: "r", document: document([:])),
                    ]),
                    "operations[1].id is empty: it must be 1 to 256 characters"
                ),
                (
                    WriteBatch([.update(kind: "Vpc", id: "vpc-1", document: document([:]), expectedVersion: 0)]),
                    "expected version 0 of Vpc 'vpc-1' is not a version: versions start at 1"
                ),
            ]
            for (batch, message) in cases {
                do {
                    try await store.commit(batch)
                    Issue.record("accepted malformed batch, expected: \(message)")
                } catch let error as StoreError {
                    guard case .invalidArgument(let text) = error else {
                        Issue.record("expected invalidArgument, got \(error)")
                        continue
                    }
                    #expect(text.hasPrefix(message), "\(text)")
                }
            }
            #expect(try await store.get(kind: "Vpc", id: "vpc-1") == nil)
            #expect(try await store.latestChangeSequence() == 0)
        }
    }

    // MARK: Idempotency records

    @Test(arguments: backends)
    func clientTokenIsRememberedUntilItExpires(_ backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let now = clock.now()
            func token(_ caller: String, response: String = "{\"VpcId\":\"vpc-1\"}") -> IdempotencyRecord {
                IdempotencyRecord(
                    clientToken: "tok-1",
                    action: "CreateVpc",
                    caller: caller,
                    resourceID: "vpc-1",
                    response: Data(response.utf8),
                    createdAt: now,
                    expiresAt: now + 3600
                )
            }
            try await store.commit(
                WriteBatch(
                    [.create(kind: "Vpc", id: "vpc-1", regionID: "r", document: document([:]))],
                    idempotency: token("ak-1")
                )
            )
            let remembered = try #require(
                try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVpc", caller: "ak-1")
            )
            #expect(remembered == token("ak-1"))
            #expect(
                try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVSwitch", caller: "ak-1") == nil
            )
            #expect(try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVpc", caller: "ak-2") == nil)

            // A second request with the same token loses the race as a whole: its resource is not written.
            await #expect(
                throws: StoreError.clientTokenInUse(clientToken: "tok-1", action: "CreateVpc", caller: "ak-1")
            ) {
                try await store.commit(
                    WriteBatch(
                        [.create(kind: "Vpc", id: "vpc-2", regionID: "r", document: document([:]))],
                        idempotency: token("ak-1")
                    )
                )
            }
            #expect(try await store.get(kind: "Vpc", id: "vpc-2") == nil)

            // Another caller may use the same token.
            try await store.commit(WriteBatch([], idempotency: token("ak-2")))
            #expect(try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVpc", caller: "ak-2") != nil)

            // After expiry the record is gone for readers, can be replaced, and is purged.
            clock.advance(by: 7200)
            #expect(try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVpc", caller: "ak-1") == nil)
            let later = clock.now()
            let replacement = IdempotencyRecord(
                clientToken: "tok-1",
                action: "CreateVpc",
                caller: "ak-1",
                resourceID: "vpc-3",
                response: Data("{\"VpcId\":\"vpc-3\"}".utf8),
                createdAt: later,
                expiresAt: later + 3600
            )
            try await store.commit(WriteBatch([], idempotency: replacement))
            #expect(
                try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVpc", caller: "ak-1")
                    == replacement
            )
            #expect(try await store.purgeExpiredIdempotencyRecords() == 1)  // ak-2's record
            #expect(try await store.purgeExpiredIdempotencyRecords() == 0)
            #expect(
                try await store.idempotencyRecord(clientToken: "tok-1", action: "CreateVpc", caller: "ak-1")
                    == replacement
            )
        }
    }

    // MARK: Listing

    @Test(arguments: backends)
    func listingPagesByNumberAndByCursorInCreationOrder(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            for i in 0..<23 {
                let region = i % 3 == 0 ? "cn-shanghai" : "cn-hangzhou"
                try await store.commit(
                    WriteBatch([
                        .create(
                            kind: "VSwitch",
                            id: "vsw-\(String(format: "%02d", 22 - i))",
                            regionID: region,
                            document: document(["VpcId": i % 2 == 0 ? "vpc-even" : "vpc-odd", "Index": i])
                        )
                    ])
                )
            }
            try await store.commit(
                WriteBatch([.create(kind: "Vpc", id: "vpc-even", regionID: "cn-hangzhou", document: document([:]))])
            )
            let expectedOrder = (0..<23).map { "vsw-\(String(format: "%02d", 22 - $0))" }

            let all = ResourceQuery(kind: "VSwitch")
            var byNumber: [String] = []
            for number in 1...3 {
                let page = try await store.list(all, page: PageRequest(number: number, size: 10))
                #expect(page.totalCount == 23 && page.pageNumber == number && page.pageSize == 10)
                byNumber += page.records.map(\.id)
            }
            #expect(byNumber == expectedOrder)
            #expect(try await store.list(all, page: PageRequest(number: 4, size: 10)).records.isEmpty)

            var byCursor: [String] = []
            var cursor: String? = nil
            var slices = 0
            repeat {
                let slice = try await store.list(all, after: cursor, limit: 7)
                byCursor += slice.records.map(\.id)
                cursor = slice.nextCursor
                slices += 1
            } while cursor != nil
            #expect(byCursor == expectedOrder)
            #expect(slices == 4)

            let shanghai = try await store.list(
                ResourceQuery(kind: "VSwitch", regionID: "cn-shanghai"),
                page: PageRequest(size: 100)
            )
            #expect(shanghai.totalCount == 8)
            #expect(shanghai.records.allSatisfy { $0.regionID == "cn-shanghai" })

            let even = try await store.list(
                ResourceQuery(kind: "VSwitch", fields: ["VpcId": "vpc-even"]),
                page: PageRequest(size: 100)
            )
            #expect(
                even.records.map(\.id)
                    == stride(from: 0, to: 23, by: 2).map { "vsw-\(String(format: "%02d", 22 - $0))" }
            )
            let evenInShanghai = try await store.list(
                ResourceQuery(kind: "VSwitch", regionID: "cn-shanghai", fields: ["VpcId": "vpc-even"]),
                after: nil,
                limit: 100
            )
            #expect(evenInShanghai.records.count == 4)  // i = 0, 6, 12, 18
            #expect(evenInShanghai.nextCursor == nil)
            // Only string fields match: Index is a number.
            #expect(
                try await store.list(ResourceQuery(kind: "VSwitch", fields: ["Index": "3"]), page: PageRequest())
                    .totalCount == 0
            )

            let chosen = try await store.list(
                ResourceQuery(kind: "VSwitch", ids: ["vsw-05", "vsw-01", "vsw-99"]),
                page: PageRequest()
            )
            #expect(chosen.records.map(\.id) == ["vsw-05", "vsw-01"])
            #expect(try await store.list(ResourceQuery(kind: "VSwitch", ids: []), page: PageRequest()).totalCount == 0)
            #expect(
                try await store.list(ResourceQuery(kind: "Vpc"), page: PageRequest()).records.map(\.id) == ["vpc-even"]
            )
        }
    }

    @Test(arguments: backends)
    func malformedListArgumentsAreRejectedWithTheValue(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let query = ResourceQuery(kind: "Vpc")
            await #expect(throws: StoreError.invalidArgument("page number 0 is out of range: page numbers start at 1"))
            {
                try await store.list(query, page: PageRequest(number: 0, size: 10))
            }
            await #expect(throws: StoreError.invalidArgument("page size 1001 is out of range: it must be 1...1000")) {
                try await store.list(query, page: PageRequest(number: 1, size: 1001))
            }
            await #expect(throws: StoreError.invalidArgument("limit 0 is out of range: it must be 1...1000")) {
                try await store.list(query, after: nil, limit: 0)
            }
            await #expect(
                throws: StoreError.invalidArgument(
                    "cursor 'not-a-cursor' was not returned by a previous list call (expected the nextCursor of a ResourceSlice)"
                )
            ) {
                try await store.list(query, after: "not-a-cursor", limit: 10)
            }
            await #expect(
                throws: StoreError.invalidArgument(
                    "query field name 'a.b' is not allowed: use 1 to 128 letters, digits or '_'"
                )
            ) {
                try await store.list(ResourceQuery(kind: "Vpc", fields: ["a.b": "x"]), page: PageRequest())
            }
        }
    }

    // MARK: Access keys

    @Test(arguments: backends)
    func accessKeysAreCreatedReadListedAndDeleted(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let created = Date(timeIntervalSince1970: 1_800_000_000.123456)
            let key = AccessKey(id: "LTAI-test-2", secret: "s3cr3t", createdAt: created)
            try await store.createAccessKey(key)
            try await store.createAccessKey(AccessKey(id: "LTAI-test-1", secret: "other", createdAt: created))
            #expect(try await store.accessKey(id: "LTAI-test-2") == key)
            #expect(try await store.accessKey(id: "LTAI-none") == nil)
            await #expect(throws: StoreError.duplicateAccessKey(id: "LTAI-test-2")) {
                try await store.createAccessKey(AccessKey(id: "LTAI-test-2", secret: "x", createdAt: created))
            }
            await #expect(
                throws: StoreError.invalidArgument(
                    "secret of access key 'LTAI-x' is empty: it must be 1 to 256 characters"
                )
            ) {
                try await store.createAccessKey(AccessKey(id: "LTAI-x", secret: "", createdAt: created))
            }
            #expect(try await store.accessKeys().map(\.id) == ["LTAI-test-1", "LTAI-test-2"])
            #expect(try await store.deleteAccessKey(id: "LTAI-test-2"))
            #expect(try await store.deleteAccessKey(id: "LTAI-test-2") == false)
            #expect(try await store.accessKeys().map(\.id) == ["LTAI-test-1"])
        }
    }

    // MARK: Change log

    @Test(arguments: backends)
    func changeLogIsOrderedAndWatchersSeeEveryChange(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.commit(
                WriteBatch([.create(kind: "Vpc", id: "vpc-0", regionID: "r", document: document([:]))])
            )
            let start = try await store.latestChangeSequence()
            let watcher = Task {
                var seen: [ChangeRecord] = []
                for try await change in store.watchChanges(after: start) {
                    seen.append(change)
                    if seen.count == 5 { break }
                }
                return seen
            }
            for i in 1...3 {
                try await store.commit(
                    WriteBatch([.create(kind: "Vpc", id: "vpc-\(i)", regionID: "r", document: document([:]))])
                )
            }
            try await store.commit(
                WriteBatch([
                    .update(kind: "Vpc", id: "vpc-1", document: document(["x": "y"]), expectedVersion: 1),
                    .delete(kind: "Vpc", id: "vpc-2"),
                ])
            )
            let seen = try await withTimeout(seconds: 10) { try await watcher.value }
            #expect(seen.map(\.id) == ["vpc-1", "vpc-2", "vpc-3", "vpc-1", "vpc-2"])
            #expect(seen.map(\.operation) == [.create, .create, .create, .update, .delete])
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
            #expect(seen.first!.sequence > start)

            let page = try await store.changes(after: start, limit: 2)
            #expect(page == Array(seen.prefix(2)))
            #expect(try await store.changes(after: seen.last!.sequence, limit: 10).isEmpty)
            #expect(try await store.latestChangeSequence() == seen.last!.sequence)
        }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "timed out after \(seconds) s" }
}

/// Runs `body`, failing with ``TimedOut`` if it takes longer than `seconds`.
func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut(seconds: seconds)
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
}
