/// Why a store call failed.
///
/// Every case that concerns a resource names it; ``storageFailure(_:)`` carries the database's own message.
/// A failed ``ResourceStore/commit(_:)`` has written nothing.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Optimistic concurrency: the resource is at `actual`, not at the `expected` version the writer read.
    case conflict(kind: String, id: String, expected: Int64, actual: Int64)
    /// The resource does not exist.
    case notFound(kind: String, id: String)
    /// A resource with this kind and id already exists.
    case duplicateID(kind: String, id: String)
    /// An access key with this id already exists.
    case duplicateAccessKey(id: String)
    /// A live idempotency record with this (caller, action, ClientToken) already exists: another request with
    /// the same token committed first. Read it with ``ResourceStore/idempotencyRecord(clientToken:action:caller:)``.
    case clientTokenInUse(clientToken: String, action: String, caller: String)
    /// An argument was malformed; the message quotes it and says what is allowed.
    case invalidArgument(String)
    /// The database failed; the message is the database's own.
    case storageFailure(String)

    public var description: String {
        switch self {
        case .conflict(let kind, let id, let expected, let actual):
            "\(kind) '\(id)' was modified concurrently: expected version \(expected), but it is at version \(actual)"
        case .notFound(let kind, let id):
            "\(kind) '\(id)' does not exist"
        case .duplicateID(let kind, let id):
            "\(kind) '\(id)' already exists"
        case .duplicateAccessKey(let id):
            "access key '\(id)' already exists"
        case .clientTokenInUse(let clientToken, let action, let caller):
            "ClientToken '\(clientToken)' was already used for \(action) by caller '\(caller)'"
        case .invalidArgument(let message):
            message
        case .storageFailure(let message):
            "storage failure: \(message)"
        }
    }
}
