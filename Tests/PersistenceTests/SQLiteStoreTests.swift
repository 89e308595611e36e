import Foundation
import GRDB
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
        #expect(
            try await first.appliedMigrations() == [
                "v1 resources, change log, idempotency records, access keys", "v2 change log without AUTOINCREMENT",
            ]
        )
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
        let before = try fileSize(path)
        for index in 0..<40 {
            try await store.commit(
                WriteBatch([.create(kind: "Vpc", id: "vpc-\(index)", regionID: "r", document: document([:]))])
            )
        }
        #expect(try fileSize(path + "-wal") > 40 * 4096, "the commits are in the write-ahead log")
        var copied = false
        for _ in 0..<100 where !copied {
            try await Task.sleep(for: .milliseconds(20))
            copied = try fileSize(path) > before
        }
        #expect(copied, "the database file stayed at \(before) bytes two seconds after the last commit")
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.list(ResourceQuery(kind: "Vpc"), page: PageRequest(number: 1, size: 50)).totalCount == 40)
    }

    /// A database written before the v2 migration keeps its change log: the same sequence numbers, and the next
    /// commit's number follows the largest one.
    @Test func changeLogKeepsItsSequenceThroughTheMigrationWithoutAutoincrement() async throws {
        let directory = try TemporaryDirectory(prefix: "meridian-sqlite")
        defer { directory.remove() }
        let path = directory.path + "/meridian.db"
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            // The v1 change log as it was, and the rows of three commits (numbers 4, 7 and 9: gaps are allowed).
            try db.execute(
                sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1 resources, change log, idempotency records, access keys');
                    CREATE TABLE resource (
                        kind TEXT NOT NULL, id TEXT NOT NULL, region_id TEXT NOT NULL, document TEXT NOT NULL,
                        version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                        PRIMARY KEY (kind, id)
                    ) STRICT;
                    CREATE INDEX resource_listing ON resource (kind, region_id, created_at, id);
                    CREATE INDEX resource_order ON resource (kind, created_at, id);
                    CREATE TABLE change_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,
                        region_id TEXT NOT NULL, operation TEXT NOT NULL, version INTEGER NOT NULL, at INTEGER NOT NULL
                    ) STRICT;
                    CREATE TABLE idempotency_record (
                        caller TEXT NOT NULL, action TEXT NOT NULL, client_token TEXT NOT NULL, resource_id TEXT,
                        response BLOB NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
                        PRIMARY KEY (caller, action, client_token)
                    ) STRICT;
                    CREATE TABLE access_key (id TEXT PRIMARY KEY NOT NULL, secret TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
                    INSERT INTO change_log VALUES (4, 'Vpc', 'vpc-1', 'r', 'create', 1, 1000);
                    INSERT INTO change_log VALUES (7, 'Vpc', 'vpc-2', 'r', 'create', 1, 2000);
                    INSERT INTO change_log VALUES (9, 'Vpc', 'vpc-1', 'r', 'update', 2, 3000);
                    """
            )
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        #expect(try await store.appliedMigrations().last == "v2 change log without AUTOINCREMENT")
        #expect(try await store.latestChangeSequence() == 9)
        let kept = try await store.changes(after: 0, limit: 10)
        #expect(kept.map(\.sequence) == [4, 7, 9])
        #expect(kept.map(\.operation) == [.create, .create, .update])
        let result = try await store.commit(
            WriteBatch([.create(kind: "Vpc", id: "vpc-3", regionID: "r", document: document([:]))])
        )
        #expect(result.changes.map(\.sequence) == [10])
    }

    /// A preallocated log is written out to its full size at once and keeps that size through commits, an idle
    /// checkpoint and the commits after it (which write the log from its beginning again); another store on the
    /// same file reads what was committed.
    @Test func preallocatedLogKeepsItsSizeAndItsCommits() async throws {
        let directory = try TemporaryDirectory(prefix: "meridian-sqlite")
        defer { directory.remove() }
        let path = directory.path + "/meridian.db"
        let store = try SQLiteStore(path: path, pollInterval: .milliseconds(50), preallocatesLog: true)
        let full = SQLiteStore.logBytesBeforeCheckpoint(pageSize: 4096)
        #expect(try fileSize(path + "-wal") == full)
        func create(_ range: Range<Int>) async throws {
            for index in range {
                try await store.commit(
                    WriteBatch([.create(kind: "Vpc", id: "vpc-\(index)", regionID: "r", document: document([:]))])
                )
            }
        }
        try await create(0..<30)
        #expect(try fileSize(path + "-wal") == full)
        let before = try fileSize(path)
        var copied = false
        for _ in 0..<100 where !copied {
            try await Task.sleep(for: .milliseconds(20))
            copied = try fileSize(path) > before
        }
        #expect(copied, "no idle checkpoint")
        try await create(30..<60)
        #expect(try fileSize(path + "-wal") == full, "cut back after the checkpoint")
        // A second store on the file (as another process would) neither shortens the log nor loses a commit.
        let second = try SQLiteStore(path: path, preallocatesLog: true)
        #expect(try fileSize(path + "-wal") == full)
        let page = try await second.list(ResourceQuery(kind: "Vpc"), page: PageRequest(number: 1, size: 100))
        #expect(page.totalCount == 60)
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

/// The size of the file at `path` in bytes (0 when it has none).
func fileSize(_ path: String) throws -> Int {
    try (FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
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
