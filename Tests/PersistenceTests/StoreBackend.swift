import Foundation
import Persistence
import PostgresTestSupport
import Testing

/// A clock the tests move by hand; every reading advances it by one millisecond, so creation order is
/// strict and timestamps are predictable.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = start
    }

    func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        current += 0.001
        return current
    }

    func advance(by seconds: TimeInterval) {
        lock.lock()
        defer { lock.unlock() }
        current += seconds
    }

    var reading: @Sendable () -> Date { { self.now() } }
}

/// Every ``ResourceStore`` implementation; the contract suite runs against each.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqliteInMemory
    case sqliteFile
    case postgres

    var testDescription: String { rawValue }

    /// Opens a fresh, empty store, runs `body`, then closes and removes the store, also when `body` throws.
    func withStore<T: Sendable>(
        clock: TestClock = TestClock(),
        _ body: (any ResourceStore) async throws -> T
    ) async throws -> T {
        switch self {
        case .memory:
            return try await body(MemoryStore(clock: clock.reading))
        case .sqliteInMemory:
            return try await body(SQLiteStore(path: SQLiteStore.inMemory, clock: clock.reading))
        case .sqliteFile:
            let directory = try TemporaryDirectory(prefix: "meridian-sqlite")
            defer { directory.remove() }
            let store = try SQLiteStore(path: directory.path + "/meridian.db", clock: clock.reading)
            return try await body(store)
        case .postgres:
            return try await PostgresTestServer.withDatabase { configuration in
                let store = try await PostgresStore(configuration: configuration, clock: clock.reading)
                do {
                    let result = try await body(store)
                    await store.close()
                    return result
                } catch {
                    await store.close()
                    throw error
                }
            }
        }
    }
}

/// A directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory: Sendable {
    let path: String

    init(prefix: String) throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        path = String(cString: made)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A JSON document for tests.
func document(_ fields: [String: any Sendable]) -> Data {
    try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
}

/// The document's top-level fields.
func fields(of record: ResourceRecord?) -> [String: Any] {
    guard let record else { return [:] }
    return (try? JSONSerialization.jsonObject(with: record.document)) as? [String: Any] ?? [:]
}
