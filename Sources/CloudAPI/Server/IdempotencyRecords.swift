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
    /// Stores the answer of a successful request.
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
/// The record is committed right after the change it answers, in its own transaction: a crash between the
/// two loses the record (a retry then creates a second resource), never a change.
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

    public func store(
        clientToken: String,
        action: String,
        caller: String,
        fingerprint: String,
        response: APIObject
    ) async throws {
        let created = now()
        let record = IdempotencyRecord(
            clientToken: clientToken,
            action: action,
            caller: caller,
            resourceID: nil,
            response: try JSONEncoder().encode(Stored(fingerprint: fingerprint, response: response)),
            createdAt: created,
            expiresAt: created.addingTimeInterval(lifetime)
        )
        try await resources.commit(WriteBatch([], idempotency: record))
    }
}
