import Foundation
import GRDB
import Logging
import Persistence
import PostgresTestSupport
import PostgresNIO
import Testing

/// The constraints live in the schema, so the database itself refuses rows that break them.
///
/// Whatever code writes them: each statement below bypasses the store and must fail.
struct SchemaConstraintTests {
    /// Statements that each break one constraint, for both databases (same table and column names).
    static let invalidRows: [(String, String)] = [
        ("version 0", "INSERT INTO resource VALUES ('Vpc', 'vpc-1', 'r', '{}', 0, 1, 1)"),
        ("empty id", "INSERT INTO resource VALUES ('Vpc', '', 'r', '{}', 1, 1, 1)"),
        ("document not an object", "INSERT INTO resource VALUES ('Vpc', 'vpc-1', 'r', '[1]', 1, 1, 1)"),
        ("updated before created", "INSERT INTO resource VALUES ('Vpc', 'vpc-1', 'r', '{}', 1, 5, 4)"),
        ("missing region", "INSERT INTO resource VALUES ('Vpc', 'vpc-1', NULL, '{}', 1, 1, 1)"),
        (
            "unknown operation",
            "INSERT INTO change_log (kind, id, region_id, operation, version, at) VALUES ('Vpc', 'v', 'r', 'upsert', 1, 1)"
        ),
        (
            "expiry before creation",
            "INSERT INTO idempotency_record VALUES ('ak', 'CreateVpc', 'tok', NULL, 'x', 10, 10)"
        ),
        ("empty secret", "INSERT INTO access_key VALUES ('LTAI-1', '', 1)"),
    ]

    @Test func sqliteSchemaRefusesInvalidRows() async throws {
        let directory = try TemporaryDirectory(prefix: "meridian-sqlite")
        defer { directory.remove() }
        let path = directory.path + "/meridian.db"
        _ = try SQLiteStore(path: path)  // creates the schema
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO resource VALUES ('Vpc', 'vpc-0', 'r', '{}', 1, 1, 1)")
        }
        for (name, sql) in Self.invalidRows {
            await #expect(throws: DatabaseError.self, "\(name) was accepted") {
                try await queue.write { db in try db.execute(sql: sql) }
            }
        }
        let duplicate = "INSERT INTO resource VALUES ('Vpc', 'vpc-0', 'r', '{}', 1, 1, 1)"
        await #expect(throws: DatabaseError.self) { try await queue.write { db in try db.execute(sql: duplicate) } }
    }

    @Test func postgresSchemaRefusesInvalidRows() async throws {
        try await PostgresTestServer.withDatabase { configuration in
            let store = try await PostgresStore(configuration: configuration)
            await store.close()
            let logger = Logger(label: "meridian.tests.schema", factory: { _ in SwiftLogNoOpLogHandler() })
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    unixSocketPath: configuration.unixSocketPath!,
                    username: configuration.username,
                    password: nil,
                    database: configuration.database
                ),
                id: 1,
                logger: logger
            )
            do {
                try await Self.expectRefusals(connection, logger)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    static func expectRefusals(_ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("INSERT INTO resource VALUES ('Vpc', 'vpc-0', 'r', '{}', 1, 1, 1)", logger: logger)
        for (name, sql) in Self.invalidRows {
            await #expect(throws: PSQLError.self, "\(name) was accepted") {
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
        }
        await #expect(throws: PSQLError.self, "a duplicate primary key was accepted") {
            try await connection.query(
                "INSERT INTO resource VALUES ('Vpc', 'vpc-0', 'r', '{}', 1, 1, 1)",
                logger: logger
            )
        }
    }
}
