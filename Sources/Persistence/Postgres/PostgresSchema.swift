/// The PostgreSQL schema, as named, append-only migrations: never edit a listed migration, append a new one.
///
/// Applied migrations are recorded in `meridian_migration`. Replicas that start at the same moment apply
/// them one at a time under a transaction-scoped advisory lock, so each runs exactly once.
enum PostgresSchema {
    struct Migration {
        var name: String
        var statements: [String]
    }

    /// The advisory lock key that serialises migrations (an arbitrary constant, "meridian migrate").
    static let migrationLock: Int64 = 0x6D65_7269_6D69_6701
    /// The advisory lock key that serialises change-log appends, so sequence numbers follow commit order.
    static let changeLogLock: Int64 = 0x6D65_7269_636C_6F67
    /// The LISTEN/NOTIFY channel; the payload is the last sequence number a commit appended.
    static let channel = "meridian_changes"

    static let migrations: [Migration] = [
        Migration(
            name: "v1 resources, change log, idempotency records, access keys",
            statements: [
                """
                CREATE TABLE resource (
                    kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 256),
                    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 256),
                    region_id TEXT NOT NULL CHECK (length(region_id) BETWEEN 1 AND 256),
                    document JSONB NOT NULL CHECK (jsonb_typeof(document) = 'object'),
                    version BIGINT NOT NULL CHECK (version >= 1),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL CHECK (updated_at >= created_at),
                    PRIMARY KEY (kind, id)
                )
                """,
                "CREATE INDEX resource_listing ON resource (kind, region_id, created_at, id)",
                "CREATE INDEX resource_order ON resource (kind, created_at, id)",
                """
                CREATE TABLE change_log (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (length(kind) >= 1),
                    id TEXT NOT NULL CHECK (length(id) >= 1),
                    region_id TEXT NOT NULL CHECK (length(region_id) >= 1),
                    operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
                    version BIGINT NOT NULL CHECK (version >= 1),
                    at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE idempotency_record (
                    caller TEXT NOT NULL CHECK (length(caller) BETWEEN 1 AND 256),
                    action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 256),
                    client_token TEXT NOT NULL CHECK (length(client_token) BETWEEN 1 AND 256),
                    resource_id TEXT,
                    response BYTEA NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL CHECK (expires_at > created_at),
                    PRIMARY KEY (caller, action, client_token)
                )
                """,
                "CREATE INDEX idempotency_record_expiry ON idempotency_record (expires_at)",
                """
                CREATE TABLE access_key (
                    id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 256),
                    secret TEXT NOT NULL CHECK (length(secret) >= 1),
                    created_at BIGINT NOT NULL
                )
                """,
            ]
        )
    ]
}
