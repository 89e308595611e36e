public import Foundation
public import Persistence

/// Where answers to `ClientToken` requests are kept beyond the process (restarts, other replicas).
public protocol IdempotencyRecords: Sendable {
    /// The fingerprint and answer stored for this token, if any and not expired.
    func lookup(
        clientToken: String,
        action: String,
        caller: String
    ) async throws -> (fingerprint: String, response: APIObject)?
    /// The record to store in the same transaction as the change that answers the request, or `nil` when
    /// these records are kept apart from changes (then ``store(clientToken:action:caller:fingerprint:response:)``
    /// is called after the change).
    func record(
        clientToken: String,
        action: String,
        caller: String,
        fingerprint: String,
        response: APIObject
    ) throws -> IdempotencyRecord?
    /// Stores the answer of a successful request whose change did not store it.
    func store(
        clientToken: String,
        action: String,
        caller: String,
        fingerprint: String,
        response: APIObject
    ) async throws
}

/// Keeps idempotency records in Persistence's `ResourceStore` (its idempotency table), for 24 hours.
///
/// A change made through the control plane commits the record in the same transaction as the change it
/// answers (`record(...)`, via ``IdempotencyScope``), so a crash can never leave a created resource without
/// its token. Actions that change nothing durable get their record in a transaction of its own (`store`).
public struct StoreIdempotencyRecords: IdempotencyRecords {
    let resources: any ResourceStore
    let lifetime: TimeInterval
    let now: @Sendable () -> Date

    private struct Stored: Codable {
        var fingerprint: String
        var response: APIObject
    }

    public init(
        _ resources: any ResourceStore,
        lifetime: TimeInterval = 24 * 3600,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.resources = resources
        self.lifetime = lifetime
        self.now = now
    }

    public func lookup(
        clientToken: String,
        action: String,
        caller: String
    ) async throws -> (fingerprint: String, response: APIObject)? {
        guard
            let record = try await resources.idempotencyRecord(clientToken: clientToken, action: action, caller: caller)
        else { return nil }
        let stored = try JSONDecoder().decode(Stored.self, from: record.response)
        return (stored.fingerprint, stored.response)
    }

    public func record(
        clientToken: String,
        action: String,
        caller: String,
        fingerprint: String,
        response: APIObject
    ) throws -> IdempotencyRecord? {
        let created = now()
        return IdempotencyRecord(
            clientToken: clientToken,
            action: action,
            caller: caller,
            resourceID: nil,
            response: try JSONEncoder().encode(Stored(fingerprint: fingerprint, response: response)),
            createdAt: created,
            expiresAt: created.addingTimeInterval(lifetime)
        )
    }

    public func store(
        clientToken: String,
        action: String,
        caller: String,
        fingerprint: String,
        response: APIObject
    ) async throws {
        guard
            let record = try record(
                clientToken: clientToken,
                action: action,
                caller: caller,
                fingerprint: fingerprint,
                response: response
            )
        else { return }
        try await resources.commit(WriteBatch([], idempotency: record))
    }
}

/// The `ClientToken` request running in this task: lets the change it makes store the answer with it.
///
/// `RPCService` sets it (a task-local value) while an action with a `ClientToken` runs; `change(_:_:_:respond:)`
/// asks it for the record to commit with the change and marks it stored.
final class IdempotencyScope: @unchecked Sendable {
    @TaskLocal static var current: IdempotencyScope?

    let token: (clientToken: String, action: String, caller: String)
    let fingerprint: String
    let records: any IdempotencyRecords
    private let lock = NSLock()
    private var made = false
    private var stored = false

    init(token: (clientToken: String, action: String, caller: String), fingerprint: String, records: any IdempotencyRecords) {
        self.token = token
        self.fingerprint = fingerprint
        self.records = records
    }

    /// The record to commit with the change whose answer is `response`.
    func record(answering response: APIObject) throws -> IdempotencyRecord? {
        let record = try records.record(
            clientToken: token.clientToken,
            action: token.action,
            caller: token.caller,
            fingerprint: fingerprint,
            response: response
        )
        lock.withLock { made = record != nil }
        return record
    }

    /// Records that the change committed (with the record, if ``record(answering:)`` made one).
    func markStored() {
        lock.withLock { stored = made }
    }

    /// Whether the answer still needs storing after the action returned.
    var needsStoring: Bool { lock.withLock { !stored } }
}
