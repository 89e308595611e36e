import Foundation
import Persistence
import PostgresTestSupport
import Testing

/// What only the SQLite store does: files, migrations, several processes on one file.
struct SQLiteStoreTests {
    @Test func schemaIsMigratedOnceByNameAndReopenedWithoutChange() async throws {
        let directory = try TemporaryDirectory(prefix: "meridian-sqlite")
        defer { directory.remove() }
        let path = directory.path + "/meridian.db"
        let first = try SQLiteStore(path: path)
        try await first.commit(WriteBatch([.create(kind: "Vpc", id: "vpc-1", regionID: "r", document: document([:]))]))
        #expect(try await first.appliedMigrations() == ["v1 resources, change log, idempotency records, access keys"])
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.appliedMigrations() == first.appliedMigrations())
        #expect(try await reopened.get(kind: "Vpc", id: "vpc-1")?.version == 1)
    }

    @Test func twoStoresOnOneFileSeeEachOthersWrites() async throws {
        let directory = try TemporaryDirectory(prefix: "meridian-sqlite")
        defer { directory.remove() }
        let path = directory.path + "/meridian.db"
        let writer = try SQLiteStore(path: path)
        let reader = try SQLiteStore(path: path, pollInterval: .milliseconds(100))
        let start = try await reader.latestChangeSequence()
        let seen = Task { () async throws -> ChangeRecord? in
            for try await change in reader.watchChanges(after: start, pollInterval: .seconds(60)) { return change }
            return nil
        }
        try await Task.sleep(for: .milliseconds(50))
        try await writer.commit(WriteBatch([.create(kind: "Vpc", id: "vpc-1", regionID: "r", document: document([:]))]))
        let change = try await withTimeout(seconds: 1) { try await seen.value }
        #expect(change?.id == "vpc-1")
        // Optimistic concurrency holds across the two connections too.
        try await reader.commit(
            WriteBatch([.update(kind: "Vpc", id: "vpc-1", document: document(["a": "b"]), expectedVersion: 1)])
        )
        await #expect(throws: StoreError.conflict(kind: "Vpc", id: "vpc-1", expected: 1, actual: 2)) {
            try await writer.commit(
                WriteBatch([.update(kind: "Vpc", id: "vpc-1", document: document([:]), expectedVersion: 1)])
            )
        }
    }

    /// Checkpoints wait for the store to be idle: the commits stay in the write-ahead log while they come (SQLite's
    /// own checkpoint comes only after `pagesBeforeCheckpoint` pages), and a poll interval after the last one they
    /// are copied into the database file.
    @Test func idleStoreCopiesItsWriteAheadLogIntoTheDatabaseFile() async throws {
        let directory = try TemporaryDirectory(prefix: "meridian-sqlite")
        defer { directory.remove() }
        let path = directory.path + "/meridian.db"
        let store = try SQLiteStore(path: path, pollInterval: .milliseconds(50))
        func size(_ file: String) throws -> Int {
            try (FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
        }
        let before = try size(path)
        for index in 0..<40 {
            try await store.commit(
                WriteBatch([.create(kind: "Vpc", id: "vpc-\(index)", regionID: "r", document: document([:]))])
            )
        }
        #expect(try size(path + "-wal") > 40 * 4096, "the commits are in the write-ahead log")
        var copied = false
        for _ in 0..<100 where !copied {
            try await Task.sleep(for: .milliseconds(20))
            copied = try size(path) > before
        }
        #expect(copied, "the database file stayed at \(before) bytes two seconds after the last commit")
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.list(ResourceQuery(kind: "Vpc"), page: PageRequest(number: 1, size: 50)).totalCount == 40)
    }

    @Test func unopenableFileIsAStorageFailureNamingThePath() async throws {
        do {
            _ = try SQLiteStore(path: "/nonexistent-directory/meridian.db")
            Issue.record("opened a database in a directory that does not exist")
        } catch {
            guard case .storageFailure(let message) = error else {
                Issue.record("expected storageFailure, got \(error)")
                return
            }
            #expect(message.hasPrefix("opening SQLite database '/nonexistent-directory/meridian.db'"), "\(message)")
        }
    }
}

/// The test harness itself: without PostgreSQL, the tests that need it fail and say what to do.
struct PostgresTestServerTests {
    @Test func missingServerBinariesFailWithAClearMessage() throws {
        do {
            _ = try PostgresTestServer.start(binDirectory: "/nonexistent/postgresql/bin")
            Issue.record("started a server from a directory that does not exist")
        } catch {
            let message = "\(error)"
            #expect(message.contains("PostgreSQL server binaries not found at /nonexistent/postgresql/bin"))
            #expect(message.contains("run scripts/test.sh"))
        }
    }
}
