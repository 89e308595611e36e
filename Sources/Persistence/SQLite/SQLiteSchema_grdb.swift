import Foundation
import GRDB

/// The SQLite schema, as named, append-only migrations: never edit a registered migration, add a new one.
///
/// The constraints live in the schema (STRICT tables, NOT NULL, CHECK, primary keys), so a row that breaks
/// them cannot be written by any code path, including a bug in this module.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 resources, change log, idempotency records, access keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE resource (
                        kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 256),
                        id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 256),
                        region_id TEXT NOT NULL CHECK (length(region_id) BETWEEN 1 AND 256),
                        document TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL CHECK (updated_at >= created_at),
                        PRIMARY KEY (kind, id)
                    ) STRICT;
                    CREATE INDEX resource_listing ON resource (kind, region_id, created_at, id);
                    CREATE INDEX resource_order ON resource (kind, created_at, id);

                    CREATE TABLE change_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL CHECK (length(kind) >= 1),
                        id TEXT NOT NULL CHECK (length(id) >= 1),
                        region_id TEXT NOT NULL CHECK (length(region_id) >= 1),
                        operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        at INTEGER NOT NULL
                    ) STRICT;

                    CREATE TABLE idempotency_record (
                        caller TEXT NOT NULL CHECK (length(caller) BETWEEN 1 AND 256),
                        action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 256),
                        client_token TEXT NOT NULL CHECK (length(client_token) BETWEEN 1 AND 256),
                        resource_id TEXT,
                        response BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
                        PRIMARY KEY (caller, action, client_token)
                    ) STRICT;
                    CREATE INDEX idempotency_record_expiry ON idempotency_record (expires_at);

                    CREATE TABLE access_key (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 256),
                        secret TEXT NOT NULL CHECK (length(secret) >= 1),
                        created_at INTEGER NOT NULL
                    ) STRICT;
                    """
            )
        }
        migrator.registerMigration("v2 change log without AUTOINCREMENT") { db in
            // The log is never pruned, so `seq` (the row id, the largest one plus one) only grows without
            // AUTOINCREMENT too; AUTOINCREMENT wrote the sqlite_sequence table's page on every commit.
            try db.execute(
                sql: """
                    CREATE TABLE change_log_v2 (
                        seq INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL CHECK (length(kind) >= 1),
                        id TEXT NOT NULL CHECK (length(id) >= 1),
                        region_id TEXT NOT NULL CHECK (length(region_id) >= 1),
                        operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        at INTEGER NOT NULL
                    ) STRICT;
                    INSERT INTO change_log_v2 (seq, kind, id, region_id, operation, version, at)
                        SELECT seq, kind, id, region_id, operation, version, at FROM change_log;
                    DROP TABLE change_log;
                    ALTER TABLE change_log_v2 RENAME TO change_log;
                    """
            )
        }
        return migrator
    }
}

/// A `resource` row.
///
/// Hides the column names and the storage of dates (microseconds) and documents (text).
struct ResourceRow: FetchableRecord, Sendable {
    var record: ResourceRecord

    init(row: Row) throws {
        let document: String = row["document"]
        record = ResourceRecord(
            kind: row["kind"],
            id: row["id"],
            regionID: row["region_id"],
            document: Data(document.utf8),
            version: row["version"],
            createdAt: Timestamp.date(row["created_at"]),
            updatedAt: Timestamp.date(row["updated_at"])
        )
    }
}

/// A `change_log` row.
struct ChangeRow: FetchableRecord, Sendable {
    static let databaseTableName = "change_log"
    var change: ChangeRecord

    init(row: Row) throws {
        let operation: String = row["operation"]
        guard let parsed = ChangeRecord.Operation(rawValue: operation) else {
            throw StoreError.storageFailure(
                "change_log row \(row["seq"] as Int64) has unknown operation '\(operation)'"
            )
        }
        change = ChangeRecord(
            sequence: row["seq"],
            kind: row["kind"],
            id: row["id"],
            regionID: row["region_id"],
            operation: parsed,
            version: row["version"],
            timestamp: Timestamp.date(row["at"])
        )
    }
}

/// An `idempotency_record` row.
struct IdempotencyRow: FetchableRecord, Sendable {
    var record: IdempotencyRecord

    init(row: Row) throws {
        record = IdempotencyRecord(
            clientToken: row["client_token"],
            action: row["action"],
            caller: row["caller"],
            resourceID: row["resource_id"],
            response: row["response"],
            createdAt: Timestamp.date(row["created_at"]),
            expiresAt: Timestamp.date(row["expires_at"])
        )
    }
}

/// An `access_key` row.
struct AccessKeyRow: FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "access_key"
    var key: AccessKey

    init(_ key: AccessKey) { self.key = key }

    init(row: Row) throws {
        key = AccessKey(id: row["id"], secret: row["secret"], createdAt: Timestamp.date(row["created_at"]))
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["id"] = key.id
        container["secret"] = key.secret
        container["created_at"] = Timestamp.microseconds(key.createdAt)
    }
}
