public import Foundation
import Logging
public import PostgresNIO

/// A ``ResourceStore`` on PostgreSQL, for several `meridian serve` replicas sharing one database.
///
/// - Each commit is one transaction (`READ COMMITTED`). Updates match on the expected version
///   (`UPDATE … WHERE version = $n`), and PostgreSQL re-checks that condition after waiting for a concurrent
///   writer's row lock, so two replicas never overwrite each other: the later one gets a conflict.
/// - Change-log rows are appended at the end of the transaction under a transaction-scoped advisory lock,
///   so sequence numbers are handed out in commit order and a reader that follows the log never skips one.
/// - The commit sends `NOTIFY meridian_changes` with its last sequence number; every replica `LISTEN`s on a
///   dedicated connection and fires ``changeSignal``, so the others see a write within milliseconds.
public final class PostgresStore: ResourceStore {
    private let client: PostgresClient
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private let runner: Task<Void, Never>
    private let listener: Task<Void, Never>
    public let changeSignal = ChangeSignal()

    /// Connects, brings the schema up to date and starts listening for other replicas' writes.
    ///
    /// Call ``close()`` when done.
    ///
    /// - Parameters:
    ///   - configuration: where the database is (host and port, or a Unix socket directory) and who connects.
    ///   - clock: the time used for timestamps and idempotency expiry.
    ///   - logger: receives the driver's background messages.
    /// - Throws: ``StoreError/storageFailure(_:)`` when the database cannot be reached or migrated.
    public init(
        configuration: PostgresClient.Configuration,
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "meridian.persistence.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws(StoreError) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.clock = clock
        self.logger = logger
        runner = Task { await client.run() }
        do {
            try await Self.migrate(client, logger: logger)
        } catch {
            runner.cancel()
            await runner.value
            throw Self.storeError(error, "migrating the PostgreSQL schema")
        }
        listener = Task { [changeSignal] in
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: PostgresSchema.channel) { notifications in
                            // Writes made while no connection was listening are picked up by this first look.
                            await changeSignal.fire()
                            for try await _ in notifications { await changeSignal.fire() }
                        }
                    }
                } catch {
                    logger.debug(
                        "LISTEN connection ended, retrying",
                        metadata: ["error": "\(String(reflecting: error))"]
                    )
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    deinit {
        // A store dropped without close() still stops its background tasks (they hold no reference to it).
        listener.cancel()
        runner.cancel()
    }

    /// Stops listening and closes every connection.
    ///
    /// The store must not be used afterwards.
    public func close() async {
        listener.cancel()
        runner.cancel()
        await listener.value
        await runner.value
    }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await perform("reading applied migrations") { [client] in
            var names: [String] = []
            for try await name in try await client.query("SELECT name FROM meridian_migration ORDER BY position")
                .decode(String.self)
            {
                names.append(name)
            }
            return names
        }
    }

    private static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS meridian_migration (
                    position INTEGER PRIMARY KEY CHECK (position >= 1),
                    name TEXT NOT NULL UNIQUE CHECK (length(name) >= 1),
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var applied: [String] = []
            for try await name in try await connection.query(
                "SELECT name FROM meridian_migration ORDER BY position",
                logger: logger
            ).decode(String.self) {
                applied.append(name)
            }
            let known = PostgresSchema.migrations.map(\.name)
            guard applied.count <= known.count, Array(known.prefix(applied.count)) == applied else {
                throw StoreError.storageFailure(
                    "the database's migrations \(applied) are not a prefix of this build's \(known): "
                        + "it was written by another version of meridian"
                )
            }
            for (index, migration) in PostgresSchema.migrations.enumerated().dropFirst(applied.count) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO meridian_migration (position, name) VALUES (\(index + 1), \(migration.name))",
                    logger: logger
                )
            }
        }
    }

    // MARK: Reads

    private static let resourceColumns =
        "kind, id, region_id, document::text, version, created_at, updated_at"

    private typealias ResourceColumns = (String, String, String, String, Int64, Int64, Int64)

    private static func record(_ row: ResourceColumns) -> ResourceRecord {
        ResourceRecord(
            kind: row.0,
            id: row.1,
            regionID: row.2,
            document: Data(row.3.utf8),
            version: row.4,
            createdAt: Timestamp.date(row.5),
            updatedAt: Timestamp.date(row.6)
        )
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        for try await row in rows.decode(ResourceColumns.self) { records.append(record(row)) }
        return records
    }

    public func get(kind: String, id: String) async throws(StoreError) -> ResourceRecord? {
        try await perform("reading \(kind) '\(id)'") { [client] in
            try await Self.records(
                try await client.query(
                    "SELECT \(unescaped: Self.resourceColumns) FROM resource WHERE kind = \(kind) AND id = \(id)"
                )
            ).first
        }
    }

    /// The WHERE clause (without `WHERE`) and its bindings for a query.
    private static func filter(_ query: ResourceQuery) -> (String, PostgresBindings) {
        var bindings = PostgresBindings()
        func bind(_ value: String) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        var clauses = ["kind = \(bind(query.kind))"]
        if let regionID = query.regionID { clauses.append("region_id = \(bind(regionID))") }
        if let ids = query.ids {
            clauses.append(ids.isEmpty ? "FALSE" : "id IN (\(ids.map { bind($0) }.joined(separator: ", ")))")
        }
        for (field, value) in query.fields.sorted(by: { $0.key < $1.key }) {
            let name = bind(field)
            clauses.append("jsonb_typeof(document -> \(name)) = 'string' AND document ->> \(name) = \(bind(value))")
        }
        return (clauses.joined(separator: " AND "), bindings)
    }

    public func list(_ query: ResourceQuery, page: PageRequest) async throws(StoreError) -> ResourcePage {
        try Validation.query(query)
        try Validation.page(page)
        let (filter, bindings) = Self.filter(query)
        return try await perform("listing \(query.kind)") { [client, logger] in
            // One snapshot for the count and the page.
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                var total = 0
                for try await count in try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM resource WHERE \(filter)", binds: bindings),
                    logger: logger
                ).decode(Int64.self) {
                    total = Int(count)
                }
                var pageBindings = bindings
                pageBindings.append(Int64(page.size))
                pageBindings.append(Int64((page.number - 1) * page.size))
                let sql = """
                    SELECT \(Self.resourceColumns) FROM resource WHERE \(filter)
                    ORDER BY created_at, id LIMIT $\(pageBindings.count - 1) OFFSET $\(pageBindings.count)
                    """
                let records = try await Self.records(
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: pageBindings), logger: logger)
                )
                return ResourcePage(
                    records: records,
                    totalCount: total,
                    pageNumber: page.number,
                    pageSize: page.size
                )
            }
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
        var (filter, bindings) = Self.filter(query)
        if let cursor {
            let position = try ListPosition(cursor: cursor)
            bindings.append(position.createdMicroseconds)
            let micros = "$\(bindings.count)"
            bindings.append(position.id)
            filter += " AND (created_at, id) > (\(micros), $\(bindings.count))"
        }
        bindings.append(Int64(limit + 1))
        let sql = """
            SELECT \(Self.resourceColumns) FROM resource WHERE \(filter) ORDER BY created_at, id LIMIT $\(bindings.count)
            """
        return try await perform("listing \(query.kind)") { [client, bindings] in
            let rows = try await Self.records(try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings)))
            let records = Array(rows.prefix(limit))
            let next = rows.count > limit ? records.last.map { ListPosition(after: $0).cursor } : nil
            return ResourceSlice(records: records, nextCursor: next)
        }
    }

    // MARK: Writes

    @discardableResult
    public func commit(_ batch: WriteBatch) async throws(StoreError) -> CommitResult {
        try Validation.batch(batch)
        let now = Timestamp.microseconds(clock())
        let result = try await perform("committing a batch of \(batch.operations.count) operations") {
            [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.apply(batch, now: now, connection, logger)
            }
        }
        if let last = result.changes.last { await changeSignal.fire(through: last.sequence) }
        return result
    }

    private static func apply(
        _ batch: WriteBatch,
        now: Int64,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> CommitResult {
        var records: [ResourceRecord] = []
        var deleted: [ResourceKey] = []
        var pending: [(kind: String, id: String, regionID: String, operation: ChangeRecord.Operation, version: Int64)] =
            []

        func currentVersion(_ kind: String, _ id: String) async throws -> Int64? {
            var version: Int64?
            for try await value in try await connection.query(
                "SELECT version FROM resource WHERE kind = \(kind) AND id = \(id)",
                logger: logger
            ).decode(Int64.self) {
                version = value
            }
            return version
        }

        for operation in batch.operations {
            switch operation {
            case .create(let kind, let id, let regionID, let document):
                let text = String(decoding: document, as: UTF8.self)
                let inserted = try await Self.records(
                    try await connection.query(
                        """
                        INSERT INTO resource (kind, id, region_id, document, version, created_at, updated_at)
                        VALUES (\(kind), \(id), \(regionID), \(text)::jsonb, 1, \(now), \(now))
                        ON CONFLICT (kind, id) DO NOTHING
                        RETURNING \(unescaped: Self.resourceColumns)
                        """,
                        logger: logger
                    )
                )
                guard let record = inserted.first else { throw StoreError.duplicateID(kind: kind, id: id) }
                records.append(record)
                pending.append((kind, id, regionID, .create, 1))
            case .update(let kind, let id, let document, let expectedVersion):
                let text = String(decoding: document, as: UTF8.self)
                let updated = try await Self.records(
                    try await connection.query(
                        """
                        UPDATE resource SET document = \(text)::jsonb, version = version + 1,
                            updated_at = GREATEST(\(now), created_at)
                        WHERE kind = \(kind) AND id = \(id) AND version = \(expectedVersion)
                        RETURNING \(unescaped: Self.resourceColumns)
                        """,
                        logger: logger
                    )
                )
                guard let record = updated.first else {
                    guard let actual = try await currentVersion(kind, id) else {
                        throw StoreError.notFound(kind: kind, id: id)
                    }
                    throw StoreError.conflict(kind: kind, id: id, expected: expectedVersion, actual: actual)
                }
                records.append(record)
                pending.append((kind, id, record.regionID, .update, record.version))
            case .delete(let kind, let id, let expectedVersion):
                var removed: (String, Int64)?
                for try await row in try await connection.query(
                    """
                    DELETE FROM resource
                    WHERE kind = \(kind) AND id = \(id) AND (\(expectedVersion)::bigint IS NULL OR version = \(expectedVersion))
                    RETURNING region_id, version
                    """,
                    logger: logger
                ).decode((String, Int64).self) {
                    removed = row
                }
                guard let (regionID, version) = removed else {
                    guard let actual = try await currentVersion(kind, id) else {
                        throw StoreError.notFound(kind: kind, id: id)
                    }
                    throw StoreError.conflict(kind: kind, id: id, expected: expectedVersion ?? 0, actual: actual)
                }
                deleted.append(ResourceKey(kind: kind, id: id))
                pending.append((kind, id, regionID, .delete, version))
            }
        }

        if let record = batch.idempotency {
            // Replaces an expired record with the same key; a live one makes the whole batch fail.
            var written = false
            for try await _ in try await connection.query(
                """
                INSERT INTO idempotency_record
                    (caller, action, client_token, resource_id, response, created_at, expires_at)
                VALUES (\(record.caller), \(record.action), \(record.clientToken), \(record.resourceID),
                    \(record.response), \(Timestamp.microseconds(record.createdAt)),
                    \(Timestamp.microseconds(record.expiresAt)))
                ON CONFLICT (caller, action, client_token) DO UPDATE SET
                    resource_id = excluded.resource_id, response = excluded.response,
                    created_at = excluded.created_at, expires_at = excluded.expires_at
                WHERE idempotency_record.expires_at <= \(now)
                RETURNING client_token
                """,
                logger: logger
            ).decode(String.self) {
                written = true
            }
            guard written else {
                throw StoreError.clientTokenInUse(
                    clientToken: record.clientToken,
                    action: record.action,
                    caller: record.caller
                )
            }
        }

        var changes: [ChangeRecord] = []
        if !pending.isEmpty {
            // Held until COMMIT: the next transaction draws its sequence numbers only after this one is visible.
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.changeLogLock))", logger: logger)
            for change in pending {
                for try await sequence in try await connection.query(
                    """
                    INSERT INTO change_log (kind, id, region_id, operation, version, at)
                    VALUES (\(change.kind), \(change.id), \(change.regionID), \(change.operation.rawValue),
                        \(change.version), \(now))
                    RETURNING seq
                    """,
                    logger: logger
                ).decode(Int64.self) {
                    changes.append(
                        ChangeRecord(
                            sequence: sequence,
                            kind: change.kind,
                            id: change.id,
                            regionID: change.regionID,
                            operation: change.operation,
                            version: change.version,
                            timestamp: Timestamp.date(now)
                        )
                    )
                }
            }
            guard changes.count == pending.count else {
                throw StoreError.storageFailure("change_log insert returned \(changes.count) of \(pending.count) rows")
            }
            try await connection.query(
                "SELECT pg_notify(\(PostgresSchema.channel), \(String(changes.last!.sequence)))",
                logger: logger
            )
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
        return try await perform("reading idempotency record '\(clientToken)'") { [client] in
            var found: IdempotencyRecord?
            for try await row in try await client.query(
                """
                SELECT resource_id, response, created_at, expires_at FROM idempotency_record
                WHERE caller = \(caller) AND action = \(action) AND client_token = \(clientToken) AND expires_at > \(now)
                """
            ).decode((String?, Data, Int64, Int64).self) {
                found = IdempotencyRecord(
                    clientToken: clientToken,
                    action: action,
                    caller: caller,
                    resourceID: row.0,
                    response: row.1,
                    createdAt: Timestamp.date(row.2),
                    expiresAt: Timestamp.date(row.3)
                )
            }
            return found
        }
    }

    @discardableResult
    public func purgeExpiredIdempotencyRecords() async throws(StoreError) -> Int {
        let now = Timestamp.microseconds(clock())
        return try await perform("purging expired idempotency records") { [client] in
            var count = 0
            for try await _ in try await client.query(
                "DELETE FROM idempotency_record WHERE expires_at <= \(now) RETURNING client_token"
            ).decode(String.self) {
                count += 1
            }
            return count
        }
    }

    // MARK: Access keys

    public func createAccessKey(_ key: AccessKey) async throws(StoreError) {
        try Validation.accessKey(key)
        let inserted = try await perform("creating access key '\(key.id)'") { [client] in
            var inserted = false
            for try await _ in try await client.query(
                """
                INSERT INTO access_key (id, secret, created_at)
                VALUES (\(key.id), \(key.secret), \(Timestamp.microseconds(key.createdAt)))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """
            ).decode(String.self) {
                inserted = true
            }
            return inserted
        }
        guard inserted else { throw .duplicateAccessKey(id: key.id) }
    }

    private static func accessKeys(_ rows: PostgresRowSequence) async throws -> [AccessKey] {
        var keys: [AccessKey] = []
        for try await (id, secret, created) in rows.decode((String, String, Int64).self) {
            keys.append(AccessKey(id: id, secret: secret, createdAt: Timestamp.date(created)))
        }
        return keys
    }

    public func accessKey(id: String) async throws(StoreError) -> AccessKey? {
        try await perform("reading access key '\(id)'") { [client] in
            try await Self.accessKeys(
                try await client.query("SELECT id, secret, created_at FROM access_key WHERE id = \(id)")
            ).first
        }
    }

    public func accessKeys() async throws(StoreError) -> [AccessKey] {
        try await perform("listing access keys") { [client] in
            try await Self.accessKeys(
                try await client.query("SELECT id, secret, created_at FROM access_key ORDER BY id")
            )
        }
    }

    @discardableResult
    public func deleteAccessKey(id: String) async throws(StoreError) -> Bool {
        try await perform("deleting access key '\(id)'") { [client] in
            var deleted = false
            for try await _ in try await client.query("DELETE FROM access_key WHERE id = \(id) RETURNING id")
                .decode(String.self)
            {
                deleted = true
            }
            return deleted
        }
    }

    // MARK: Change log

    public func changes(after sequence: Int64, limit: Int) async throws(StoreError) -> [ChangeRecord] {
        try Validation.changeLimit(limit)
        return try await perform("reading the change log") { [client] in
            var changes: [ChangeRecord] = []
            for try await row in try await client.query(
                """
                SELECT seq, kind, id, region_id, operation, version, at FROM change_log
                WHERE seq > \(sequence) ORDER BY seq LIMIT \(Int64(limit))
                """
            ).decode((Int64, String, String, String, String, Int64, Int64).self) {
                guard let operation = ChangeRecord.Operation(rawValue: row.4) else {
                    throw StoreError.storageFailure("change_log row \(row.0) has unknown operation '\(row.4)'")
                }
                changes.append(
                    ChangeRecord(
                        sequence: row.0,
                        kind: row.1,
                        id: row.2,
                        regionID: row.3,
                        operation: operation,
                        version: row.5,
                        timestamp: Timestamp.date(row.6)
                    )
                )
            }
            return changes
        }
    }

    public func latestChangeSequence() async throws(StoreError) -> Int64 {
        try await perform("reading the change log") { [client] in
            var latest: Int64 = 0
            for try await value in try await client.query("SELECT COALESCE(MAX(seq), 0)::bigint FROM change_log")
                .decode(Int64.self)
            {
                latest = value
            }
            return latest
        }
    }

    // MARK: Errors

    private func perform<T: Sendable>(
        _ what: String,
        _ body: @Sendable () async throws -> T
    ) async throws(StoreError)
        -> T
    {
        do {
            return try await body()
        } catch {
            throw Self.storeError(error, what)
        }
    }

    private static func storeError(_ error: any Error, _ what: String) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as PostgresTransactionError:
            // The transaction was rolled back; report why it failed, not the wrapper.
            if let cause = error.closureError ?? error.commitError ?? error.beginError {
                return storeError(cause, what)
            }
            return .storageFailure("\(what): \(error)")
        case let error as PSQLError:
            if let info = error.serverInfo, let message = info[.message] {
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = info[.detail].map { ": \($0)" } ?? ""
                return .storageFailure("\(what): \(message)\(detail)\(state)")
            }
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return .storageFailure("\(what): \(error.code)\(underlying)")
        default:
            return .storageFailure("\(what): \(error)")
        }
    }
}
