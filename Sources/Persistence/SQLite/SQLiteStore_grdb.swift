public import Foundation
import GRDB
import Synchronization

/// The default ``ResourceStore``: SQLite through GRDB, in one file (`meridian.db`) or in memory (`:memory:`).
///
/// A file database runs in WAL mode. A commit that returned survives the process's crash (`kill -9`): it is in the
/// write-ahead log, in the operating system's file cache (`synchronous = NORMAL`). With ``Durability/disk`` it is
/// also on disk, so it survives a crash of the machine or a power loss, at the price of an fsync per commit.
/// Writes take SQLite's write lock up front (`BEGIN IMMEDIATE`), so several processes may share the file;
/// each of them notices the others' writes by polling the change log (see ``changeSignal``).
///
/// The write-ahead log is copied back into the database file (a checkpoint) when the store has been idle for a
/// poll interval, on a connection of its own so that commits do not wait for it, and otherwise at the latest every
/// ``pagesBeforeCheckpoint`` pages (SQLite's own default is 1,000, which put a checkpoint into the answer to a
/// create every so often).
public final class SQLiteStore: ResourceStore {
    /// The path to pass for a throwaway database that lives in memory.
    public static let inMemory = ":memory:"

    /// What a returned commit survives.
    public enum Durability: String, Sendable, CaseIterable {
        /// The process's crash, `kill -9` included (`synchronous = NORMAL`): the commit is in the write-ahead log
        /// in the operating system's file cache.
        case process
        /// The machine's crash or a power loss as well (`synchronous = FULL`): the write-ahead log is synced to disk
        /// on every commit (an fsync).
        case disk
    }

    private let writer: any DatabaseWriter
    private let clock: @Sendable () -> Date
    private let poller: Task<Void, Never>?
    /// Commits made through this store (the poller's idle test).
    private let commits = CommitCounter()

    private final class CommitCounter: Sendable {
        private let count = Atomic<Int>(0)
        func add() { count.add(1, ordering: .relaxed) }
        var current: Int { count.load(ordering: .relaxed) }
    }

    /// Write-ahead log pages after which the committing request runs a checkpoint itself (64 MiB of 4 KiB
    /// pages): a burst of writes shorter than that is checkpointed when it is over.
    public static let pagesBeforeCheckpoint = 16_384
    /// How large the write-ahead log file stays after a checkpoint emptied it (without a preallocated log).
    static let walSizeAfterCheckpoint = 8 << 20

    /// The bytes of a write-ahead log of ``pagesBeforeCheckpoint`` pages of `pageSize` bytes: a 32-byte file
    /// header, then a 24-byte header before each page.
    public static func logBytesBeforeCheckpoint(pageSize: Int) -> Int { 32 + pagesBeforeCheckpoint * (pageSize + 24) }
    public let changeSignal = ChangeSignal(firesForEveryWrite: true)

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: a file path, or ``inMemory``.
    ///   - durability: what a returned commit survives (file databases).
    ///   - pollInterval: how often a file store checks the change log for other processes' writes.
    ///   - preallocatesLog: whether a file store writes its write-ahead log out to its full size between
    ///     checkpoints (``pagesBeforeCheckpoint`` pages, about 64 MiB) with zeros when it opens, and keeps it at
    ///     that size: commits then overwrite pages the file already has instead of growing it, which made the
    ///     file system allocate a block and the kernel a cache page for every page of every commit.
    ///   - clock: the time used for timestamps and idempotency expiry.
    /// - Throws: ``StoreError/storageFailure(_:)`` when the file cannot be opened, migrated or its log written.
    public init(
        path: String,
        durability: Durability = .process,
        pollInterval: Duration = .milliseconds(250),
        preallocatesLog: Bool = false,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(StoreError) {
        let preallocates = preallocatesLog && path != Self.inMemory
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let synchronous = durability == .disk ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.pagesBeforeCheckpoint)")
            // A preallocated log keeps its size after a checkpoint (SQLite cuts it back to this limit when it starts
            // writing the log from its beginning again).
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            let limit = preallocates ? Self.logBytesBeforeCheckpoint(pageSize: pageSize) : Self.walSizeAfterCheckpoint
            try db.execute(sql: "PRAGMA journal_size_limit = \(limit)")
        }
        let checkpointer: DatabaseQueue?
        do {
            if path == Self.inMemory {
                writer = try DatabaseQueue(configuration: configuration)
                checkpointer = nil
            } else {
                writer = try DatabasePool(path: path, configuration: configuration)
                checkpointer = try DatabaseQueue(path: path, configuration: configuration)
            }
            try SQLiteSchema.migrator.migrate(writer)
        } catch {
            throw Self.storeError(error, "opening SQLite database '\(path)'")
        }
        if preallocates {
            try Self.preallocateLog(writer, logPath: path + "-wal")
        }
        self.clock = clock
        if let checkpointer {
            poller = Task { [writer, changeSignal, commits] in
                var seen: Int64 = -1
                var commitsBefore = 0
                var commitsCheckpointed = 0
                while !Task.isCancelled {
                    if let latest = try? await writer.read({ db in try Self.latestSequence(db) }), latest != seen {
                        if seen >= 0 { await changeSignal.fire(through: latest) }
                        seen = latest
                    }
                    // Idle for a whole interval after commits: copy the log back now, while nobody waits for it.
                    // On a connection of its own: a commit that comes meanwhile appends to the log instead of
                    // waiting behind the checkpoint's fsyncs on the writer's connection.
                    let count = commits.current
                    if count == commitsBefore, count != commitsCheckpointed {
                        _ = try? await checkpointer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                        commitsCheckpointed = count
                    }
                    commitsBefore = count
                    try? await Task.sleep(for: pollInterval)
                }
            }
        } else {
            poller = nil
        }
    }

    deinit {
        poller?.cancel()
    }

    /// Writes zeros from the end of the write-ahead log file up to the size SQLite keeps it at (the connection's
    /// `journal_size_limit`, set to the log's size between checkpoints when the store preallocates).
    ///
    /// Safe while other connections and processes use the database: it runs holding SQLite's write lock
    /// (`BEGIN IMMEDIATE`), so nobody appends to the log or shortens it meanwhile, and it writes only past the
    /// file's end. SQLite reads a log up to its first frame whose header does not check out (salts and checksum),
    /// so zeros after the last frame are never taken for frames: recovery after `kill -9` is unchanged.
    private static func preallocateLog(_ writer: any DatabaseWriter, logPath: String) throws(StoreError) {
        do {
            try writer.writeWithoutTransaction { db in
                let target = try Int.fetchOne(db, sql: "PRAGMA journal_size_limit") ?? 0
                try db.inTransaction(.immediate) {
                    try extend(logPath, to: target)
                    return .commit
                }
            }
        } catch {
            throw Self.storeError(error, "writing the write-ahead log '\(logPath)' out to its full size")
        }
    }

    /// Appends zeros to the file at `path` until it is `size` bytes long (nothing when it is that long already).
    private static func extend(_ path: String, to size: Int) throws {
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw StoreError.storageFailure("cannot open the write-ahead log '\(path)' for writing")
        }
        defer { try? file.close() }
        var end = Int(try file.seekToEnd())
        guard end < size else { return }
        let zeros = Data(count: 1 << 20)
        while end < size {
            let count = min(zeros.count, size - end)
            try file.write(contentsOf: count == zeros.count ? zeros : zeros.prefix(count))
            end += count
        }
        // Not synced here: clean pages are the ones the kernel drops first when it reclaims its cache, and writing a
        // frame into a dropped page reads the page back from disk first. The kernel writes the zeros out by itself;
        // the first checkpoint's fsync, on its own connection, waits for what is left.
    }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await read("reading applied migrations") { db in try SQLiteSchema.migrator.appliedMigrations(db) }
    }

    // MARK: Reads

    public func get(kind: String, id: String) async throws(StoreError) -> ResourceRecord? {
        try await read("reading \(kind) '\(id)'") { db in
            try ResourceRow.fetchOne(
                db,
                sql: "SELECT * FROM resource WHERE kind = ? AND id = ?",
                arguments: [kind, id]
            )?
            .record
        }
    }

    public func list(_ query: ResourceQuery, page: PageRequest) async throws(StoreError) -> ResourcePage {
        try Validation.query(query)
        try Validation.page(page)
        let (filter, arguments) = Self.filter(query)
        return try await read("listing \(query.kind)") { db in
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resource WHERE \(filter)", arguments: arguments) ?? 0
            var pageArguments = arguments
            pageArguments += [page.size, (page.number - 1) * page.size]
            let rows = try ResourceRow.fetchAll(
                db,
                sql: "SELECT * FROM resource WHERE \(filter) ORDER BY created_at, id LIMIT ? OFFSET ?",
                arguments: pageArguments
            )
            return ResourcePage(
                records: rows.map(\.record),
                totalCount: total,
                pageNumber: page.number,
                pageSize: page.size
            )
        }
    }

    public func list(
        _ query: ResourceQuery,
        after cursor: String?,
        limit: Int
    ) async throws(StoreError)
        -> ResourceSlice
    {
        try Validation.query(query)
        try Validation.limit(limit)
        var (filter, arguments) = Self.filter(query)
        if let cursor {
            let position = try ListPosition(cursor: cursor)
            filter += " AND (created_at > ? OR (created_at = ? AND id > ?))"
            arguments += [position.createdMicroseconds, position.createdMicroseconds, position.id]
        }
        arguments += [limit + 1]
        return try await read("listing \(query.kind)") { [filter, arguments] db in
            let rows = try ResourceRow.fetchAll(
                db,
                sql: "SELECT * FROM resource WHERE \(filter) ORDER BY created_at, id LIMIT ?",
                arguments: arguments
            )
            let records = Array(rows.prefix(limit).map(\.record))
            let next = rows.count > limit ? records.last.map { ListPosition(after: $0).cursor } : nil
            return ResourceSlice(records: records, nextCursor: next)
        }
    }

    /// The WHERE clause (without `WHERE`) and its arguments for a query.
    private static func filter(_ query: ResourceQuery) -> (String, StatementArguments) {
        var clauses = ["kind = ?"]
        var arguments: StatementArguments = [query.kind]
        if let regionID = query.regionID {
            clauses.append("region_id = ?")
            arguments += [regionID]
        }
        if let ids = query.ids {
            if ids.isEmpty {
                clauses.append("0")
            } else {
                clauses.append("id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))")
                arguments += StatementArguments(ids)
            }
        }
        for (field, value) in query.fields.sorted(by: { $0.key < $1.key }) {
            // The field name was checked to be letters, digits and '_', and goes in as an argument anyway.
            clauses.append("json_type(document, ?) = 'text' AND json_extract(document, ?) = ?")
            arguments += ["$.\(field)", "$.\(field)", value]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    // MARK: Writes

    @discardableResult
    public func commit(_ batch: WriteBatch) async throws(StoreError) -> CommitResult {
        try Validation.batch(batch)
        let now = Timestamp.microseconds(clock())
        let result = try write("committing a batch of \(batch.operations.count) operations") { db in
            try Self.apply(batch, now: now, db)
        }
        commits.add()
        if let last = result.changes.last { await changeSignal.fire(through: last.sequence) }
        return result
    }

    /// Applies `batch` inside the caller's transaction. Its statements are compiled once per connection
    /// (`cachedStatement`): compiling them again for every commit cost about as much as running them.
    private static func apply(_ batch: WriteBatch, now: Int64, _ db: Database) throws -> CommitResult {
        let timestamp = Timestamp.date(now)
        var records: [ResourceRecord] = []
        var deleted: [ResourceKey] = []
        var changes: [ChangeRecord] = []

        func log(
            _ kind: String,
            _ id: String,
            _ regionID: String,
            _ operation: ChangeRecord.Operation,
            _ version: Int64
        )
            throws
        {
            // `seq` is the row id (INTEGER PRIMARY KEY): read back from the connection, it costs nothing, where
            // `RETURNING seq` made SQLite collect the answer in a temporary table, doubling the insert's cost.
            try db.cachedStatement(
                sql: "INSERT INTO change_log (kind, id, region_id, operation, version, at) VALUES (?, ?, ?, ?, ?, ?)"
            )
            .execute(arguments: [kind, id, regionID, operation.rawValue, version, now])
            let sequence = db.lastInsertedRowID
            changes.append(
                ChangeRecord(
                    sequence: sequence,
                    kind: kind,
                    id: id,
                    regionID: regionID,
                    operation: operation,
                    version: version,
                    timestamp: timestamp
                )
            )
        }

        func currentVersion(_ kind: String, _ id: String) throws -> Int64? {
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT version FROM resource WHERE kind = ? AND id = ?"),
                arguments: [kind, id]
            )
        }

        for operation in batch.operations {
            switch operation {
            case .create(let kind, let id, let regionID, let document):
                try db.cachedStatement(
                    sql: """
                        INSERT OR IGNORE INTO resource (kind, id, region_id, document, version, created_at, updated_at)
                        VALUES (?, ?, ?, ?, 1, ?, ?)
                        """
                )
                .execute(arguments: [kind, id, regionID, String(decoding: document, as: UTF8.self), now, now])
                guard db.changesCount == 1 else { throw StoreError.duplicateID(kind: kind, id: id) }
                records.append(
                    ResourceRecord(
                        kind: kind,
                        id: id,
                        regionID: regionID,
                        document: document,
                        version: 1,
                        createdAt: timestamp,
                        updatedAt: timestamp
                    )
                )
                try log(kind, id, regionID, .create, 1)
            case .update(let kind, let id, let document, let expectedVersion):
                let row = try ResourceRow.fetchOne(
                    db.cachedStatement(
                        sql: """
                            UPDATE resource SET document = ?, version = version + 1, updated_at = max(?, created_at)
                            WHERE kind = ? AND id = ? AND version = ? RETURNING *
                            """
                    ),
                    arguments: [String(decoding: document, as: UTF8.self), now, kind, id, expectedVersion]
                )
                guard let row else {
                    guard let actual = try currentVersion(kind, id) else {
                        throw StoreError.notFound(kind: kind, id: id)
                    }
                    throw StoreError.conflict(kind: kind, id: id, expected: expectedVersion, actual: actual)
                }
                records.append(row.record)
                try log(kind, id, row.record.regionID, .update, row.record.version)
            case .delete(let kind, let id, let expectedVersion):
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            DELETE FROM resource WHERE kind = ? AND id = ? AND (? IS NULL OR version = ?)
                            RETURNING region_id, version
                            """
                    ),
                    arguments: [kind, id, expectedVersion, expectedVersion]
                )
                guard let row else {
                    guard let actual = try currentVersion(kind, id) else {
                        throw StoreError.notFound(kind: kind, id: id)
                    }
                    throw StoreError.conflict(kind: kind, id: id, expected: expectedVersion ?? 0, actual: actual)
                }
                deleted.append(ResourceKey(kind: kind, id: id))
                try log(kind, id, row["region_id"], .delete, row["version"])
            }
        }

        if let record = batch.idempotency {
            // Replaces an expired record with the same key; a live one makes the whole batch fail.
            let written = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        INSERT INTO idempotency_record
                            (caller, action, client_token, resource_id, response, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (caller, action, client_token) DO UPDATE SET
                            resource_id = excluded.resource_id, response = excluded.response,
                            created_at = excluded.created_at, expires_at = excluded.expires_at
                        WHERE idempotency_record.expires_at <= ?
                        RETURNING client_token
                        """
                ),
                arguments: [
                    record.caller, record.action, record.clientToken, record.resourceID, record.response,
                    Timestamp.microseconds(record.createdAt), Timestamp.microseconds(record.expiresAt), now,
                ]
            )
            guard written != nil else {
                throw StoreError.clientTokenInUse(
                    clientToken: record.clientToken,
                    action: record.action,
                    caller: record.caller
                )
            }
        }
        return CommitResult(records: records, deleted: deleted, changes: changes)
    }

    // MARK: Idempotency records

    public func idempotencyRecord(
        clientToken: String,
        action: String,
        caller: String
    ) async throws(StoreError)
        -> IdempotencyRecord?
    {
        let now = Timestamp.microseconds(clock())
        return try await read("reading idempotency record '\(clientToken)'") { db in
            try IdempotencyRow.fetchOne(
                db,
                sql: """
                    SELECT * FROM idempotency_record
                    WHERE caller = ? AND action = ? AND client_token = ? AND expires_at > ?
                    """,
                arguments: [caller, action, clientToken, now]
            )?.record
        }
    }

    @discardableResult
    public func purgeExpiredIdempotencyRecords() async throws(StoreError) -> Int {
        let now = Timestamp.microseconds(clock())
        return try write("purging expired idempotency records") { db in
            try db.execute(sql: "DELETE FROM idempotency_record WHERE expires_at <= ?", arguments: [now])
            return db.changesCount
        }
    }

    // MARK: Access keys

    public func createAccessKey(_ key: AccessKey) async throws(StoreError) {
        try Validation.accessKey(key)
        try write("creating access key '\(key.id)'") { db in
            let row = AccessKeyRow(key)
            try row.insert(db, onConflict: .ignore)
            guard db.changesCount == 1 else { throw StoreError.duplicateAccessKey(id: key.id) }
        }
    }

    public func accessKey(id: String) async throws(StoreError) -> AccessKey? {
        try await read("reading access key '\(id)'") { db in
            try AccessKeyRow.fetchOne(db, sql: "SELECT * FROM access_key WHERE id = ?", arguments: [id])?.key
        }
    }

    public func accessKeys() async throws(StoreError) -> [AccessKey] {
        try await read("listing access keys") { db in
            try AccessKeyRow.fetchAll(db, sql: "SELECT * FROM access_key ORDER BY id").map(\.key)
        }
    }

    @discardableResult
    public func deleteAccessKey(id: String) async throws(StoreError) -> Bool {
        try write("deleting access key '\(id)'") { db in
            try db.execute(sql: "DELETE FROM access_key WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    // MARK: Change log

    public func changes(after sequence: Int64, limit: Int) async throws(StoreError) -> [ChangeRecord] {
        try Validation.changeLimit(limit)
        return try await read("reading the change log") { db in
            try ChangeRow.fetchAll(
                db,
                sql: "SELECT * FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [sequence, limit]
            ).map(\.change)
        }
    }

    public func latestChangeSequence() async throws(StoreError) -> Int64 {
        try await read("reading the change log") { db in try Self.latestSequence(db) }
    }

    private static func latestSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
    }

    // MARK: Access and errors

    private func read<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (Database) throws -> T
    )
        async throws(StoreError) -> T
    {
        do {
            return try await writer.read(body)
        } catch {
            throw Self.storeError(error, what)
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: it takes the write lock before reading, so the
    /// versions it compares cannot change under it, and it commits all or nothing.
    ///
    /// The transaction runs on the calling thread (GRDB's synchronous write): a commit takes far less than the
    /// two thread hand-offs an asynchronous write costs (to GRDB's queue and back), and the control plane
    /// commits one change at a time anyway.
    private func write<T: Sendable>(
        _ what: @autoclosure () -> String,
        _ body: (Database) throws -> T
    ) throws(StoreError) -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                // BEGIN and COMMIT compiled once per connection like the batch's statements (GRDB's
                // `inTransaction` compiles both again for every transaction).
                try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
                do {
                    let result = try body(db)
                    try db.cachedStatement(sql: "COMMIT").execute()
                    return result
                } catch {
                    // A failed statement or COMMIT: nothing of the batch stays.
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                    throw error
                }
            }
        } catch {
            throw Self.storeError(error, what())
        }
    }

    private static func storeError(_ error: any Error, _ what: String) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as DatabaseError: .storageFailure("\(what): \(error.description)")
        default: .storageFailure("\(what): \(error)")
        }
    }
}
