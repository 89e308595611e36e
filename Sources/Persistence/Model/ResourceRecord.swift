public import Foundation

/// One stored resource: its identity, the region it lives in, its JSON document and its version.
///
/// The store treats the document as opaque JSON (the model's `Codable` value, encoded by the caller);
/// it only checks that it is a JSON object. `version` starts at 1 and grows by one with every update,
/// which is what optimistic concurrency compares.
public struct ResourceRecord: Sendable, Hashable {
    /// The resource type as the API names it, for example `Vpc`, `VSwitch`, `VpnConnection`.
    public var kind: String
    /// The resource's identifier, for example `vpc-bp1example`.
    ///
    /// Unique within its kind.
    public var id: String
    /// The region the resource lives in, for example `cn-hangzhou`.
    public var regionID: String
    /// The resource's JSON document (a JSON object).
    public var document: Data
    /// The version: 1 after creation, incremented by every update.
    public var version: Int64
    /// When the resource was created (microsecond precision).
    public var createdAt: Date
    /// When the resource was last updated (microsecond precision).
    public var updatedAt: Date

    /// Creates a record value.
    public init(
        kind: String,
        id: String,
        regionID: String,
        document: Data,
        version: Int64,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.kind = kind
        self.id = id
        self.regionID = regionID
        self.document = document
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Decodes the document as `T`.
    ///
    /// - Throws: `DecodingError` when the document does not match `T`.
    public func decode<T: Decodable>(_ type: T.Type, using decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(T.self, from: document)
    }
}

/// A resource's identity: kind and id.
public struct ResourceKey: Sendable, Hashable, CustomStringConvertible {
    /// The resource type, for example `Vpc`.
    public var kind: String
    /// The resource's identifier.
    public var id: String

    /// Creates a key.
    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind) '\(id)'" }
}

/// An API access key: the id a caller signs with and its secret.
///
/// The secret is stored as given, because request signatures (HMAC) are verified with it.
public struct AccessKey: Sendable, Hashable {
    /// The AccessKeyId.
    public var id: String
    /// The AccessKeySecret.
    public var secret: String
    /// When the key was created (microsecond precision).
    public var createdAt: Date

    /// Creates an access key value.
    public init(id: String, secret: String, createdAt: Date) {
        self.id = id
        self.secret = secret
        self.createdAt = Timestamp.rounded(createdAt)
    }
}

/// The remembered outcome of a request that carried a `ClientToken`, so a retry gets the same answer.
///
/// The key is (caller, action, clientToken): the same token used by another caller or for another action
/// is a different record. A record is ignored once `expiresAt` has passed.
public struct IdempotencyRecord: Sendable, Hashable {
    /// The ClientToken the caller sent.
    public var clientToken: String
    /// The API action, for example `CreateVpc`.
    public var action: String
    /// Who called: for example the AccessKeyId or the account id.
    public var caller: String
    /// The resource the request created, if any.
    public var resourceID: String?
    /// The response to replay (opaque bytes, usually the JSON body).
    public var response: Data
    /// When the record was written (microsecond precision).
    public var createdAt: Date
    /// When the record stops counting (microsecond precision).
    ///
    /// Must be later than `createdAt`.
    public var expiresAt: Date

    /// Creates an idempotency record value.
    public init(
        clientToken: String,
        action: String,
        caller: String,
        resourceID: String?,
        response: Data,
        createdAt: Date,
        expiresAt: Date
    ) {
        self.clientToken = clientToken
        self.action = action
        self.caller = caller
        self.resourceID = resourceID
        self.response = response
        self.createdAt = Timestamp.rounded(createdAt)
        self.expiresAt = Timestamp.rounded(expiresAt)
    }
}

/// One row of the change log: a resource was created, updated or deleted.
///
/// Sequence numbers grow strictly in commit order: a reader that has seen every change up to `n`
/// and then reads `changes(after: n)` misses nothing, even with several writers.
public struct ChangeRecord: Sendable, Hashable {
    /// What happened to the resource.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case create
        case update
        case delete
    }

    /// Position in the log; strictly increasing in commit order.
    public var sequence: Int64
    /// The resource type.
    public var kind: String
    /// The resource's identifier.
    public var id: String
    /// The resource's region.
    public var regionID: String
    /// What happened.
    public var operation: Operation
    /// The version after the change (for a delete: the version that was deleted).
    public var version: Int64
    /// When the change was committed (microsecond precision).
    public var timestamp: Date

    /// Creates a change record value.
    public init(
        sequence: Int64,
        kind: String,
        id: String,
        regionID: String,
        operation: Operation,
        version: Int64,
        timestamp: Date
    ) {
        self.sequence = sequence
        self.kind = kind
        self.id = id
        self.regionID = regionID
        self.operation = operation
        self.version = version
        self.timestamp = timestamp
    }
}

/// Timestamps are stored as whole microseconds since 1970, the precision every backend keeps exactly.
package enum Timestamp {
    package static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    package static func date(_ microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    package static func rounded(_ date: Date) -> Date {
        Self.date(Self.microseconds(date))
    }
}
