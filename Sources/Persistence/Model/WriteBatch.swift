public import Foundation

/// Creates, updates and deletes that a store applies together, in one transaction, or not at all.
///
/// The change-log rows for every operation and the optional idempotency record are written in the same
/// transaction, so a failed commit leaves nothing behind and a successful one is complete.
///
/// ```swift
/// var batch = WriteBatch()
/// batch.create(kind: "Vpc", id: "vpc-1", regionID: "cn-hangzhou", document: json)
/// batch.update(kind: "VSwitch", id: "vsw-1", document: newJSON, expectedVersion: 3)
/// let result = try await store.commit(batch)
/// ```
public struct WriteBatch: Sendable, Hashable {
    /// One write.
    public enum Operation: Sendable, Hashable {
        /// Inserts a new resource at version 1; fails with ``StoreError/duplicateID(kind:id:)`` if it exists.
        case create(kind: String, id: String, regionID: String, document: Data)
        /// Replaces the document of the resource whose version is `expectedVersion` and increments the version;
        /// fails with ``StoreError/conflict(kind:id:expected:actual:)`` if another write came first.
        case update(kind: String, id: String, document: Data, expectedVersion: Int64)
        /// Deletes the resource; with `expectedVersion`, only if it is still at that version.
        case delete(kind: String, id: String, expectedVersion: Int64? = nil)

        /// The resource this operation writes.
        public var key: ResourceKey {
            switch self {
            case .create(let kind, let id, _, _), .update(let kind, let id, _, _), .delete(let kind, let id, _):
                ResourceKey(kind: kind, id: id)
            }
        }
    }

    /// The writes, applied in this order.
    public var operations: [Operation]
    /// Remembered with the writes when the request carried a ClientToken; see ``IdempotencyRecord``.
    public var idempotency: IdempotencyRecord?

    /// Creates a batch.
    public init(_ operations: [Operation] = [], idempotency: IdempotencyRecord? = nil) {
        self.operations = operations
        self.idempotency = idempotency
    }

    /// Appends a create.
    public mutating func create(kind: String, id: String, regionID: String, document: Data) {
        operations.append(.create(kind: kind, id: id, regionID: regionID, document: document))
    }

    /// Appends an update that succeeds only if the resource is still at `expectedVersion`.
    public mutating func update(kind: String, id: String, document: Data, expectedVersion: Int64) {
        operations.append(.update(kind: kind, id: id, document: document, expectedVersion: expectedVersion))
    }

    /// Appends a delete; with `expectedVersion`, it succeeds only if the resource is still at that version.
    public mutating func delete(kind: String, id: String, expectedVersion: Int64? = nil) {
        operations.append(.delete(kind: kind, id: id, expectedVersion: expectedVersion))
    }
}

/// What a successful ``ResourceStore/commit(_:)`` wrote.
public struct CommitResult: Sendable, Hashable {
    /// The state after the commit of every created or updated resource, in operation order.
    public var records: [ResourceRecord]
    /// The resources that were deleted, in operation order.
    public var deleted: [ResourceKey]
    /// The change-log rows the commit appended, in sequence order (one per operation).
    public var changes: [ChangeRecord]

    /// Creates a result value.
    public init(records: [ResourceRecord], deleted: [ResourceKey], changes: [ChangeRecord]) {
        self.records = records
        self.deleted = deleted
        self.changes = changes
    }
}
