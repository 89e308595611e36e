public import Foundation
public import Persistence

/// Where the control plane keeps its state between runs.
///
/// The control plane loads the state at start and saves it after each validated change. A store that other
/// processes write too (``ResourceStoreStateStore`` on PostgreSQL: several `meridian serve` replicas) also
/// reports their changes (``changesFromOthers()``) and rejects a save that would overwrite one
/// (``StateStoreConflict``); the control plane then catches up and runs the change again.
public protocol StateStore: Sendable {
    /// The saved state, or `nil` when nothing was saved yet.
    func load() async throws -> CloudState?
    /// Replaces the saved state.
    func save(_ state: CloudState) async throws
    /// Stores `state`, the result of one change that touched `change.touched`, together with
    /// `change.idempotency` (in the same transaction where the store has transactions).
    ///
    /// - Throws: ``StateStoreConflict`` when another writer changed a touched resource since it was read.
    func save(_ state: CloudState, change: StateChange) async throws
    /// What other writers changed since the last call (or since `load`), or `nil` when nothing.
    func changesFromOthers() async throws -> StateUpdate?
    /// Returns when other writers may have changed something, or after `timeout`.
    func waitForChangesFromOthers(timeout: Duration) async
}

extension StateStore {
    /// Saves the whole state; the idempotency record is not kept (these stores keep none).
    public func save(_ state: CloudState, change: StateChange) async throws {
        try await save(state)
    }

    /// Nobody else writes this store.
    public func changesFromOthers() async throws -> StateUpdate? { nil }

    /// Nobody else writes this store: sleeps for `timeout`.
    public func waitForChangesFromOthers(timeout: Duration) async {
        try? await Task.sleep(for: timeout)
    }
}

/// One change to store: the ids it created, changed or deleted, and the answer to remember with it.
public struct StateChange: Sendable {
    /// Every resource id the change created, changed or deleted (see `CloudState.touch`).
    public var touched: Set<String>
    /// The `ClientToken` record answering the request that made the change, stored atomically with it.
    public var idempotency: IdempotencyRecord?

    public init(touched: Set<String>, idempotency: IdempotencyRecord? = nil) {
        self.touched = touched
        self.idempotency = idempotency
    }
}

/// Changes another writer made, to apply to the in-memory state.
public struct StateUpdate: Sendable {
    /// The ids that changed (created, updated or deleted).
    public var ids: Set<String>
    let body: @Sendable (inout CloudState) -> Void

    public init(ids: Set<String>, apply body: @escaping @Sendable (inout CloudState) -> Void) {
        self.ids = ids
        self.body = body
    }

    /// Brings `state` up to date with the other writer's changes.
    public func apply(to state: inout CloudState) { body(&state) }
}

/// A save was refused because another writer committed first; nothing was written.
public struct StateStoreConflict: Error, Sendable, CustomStringConvertible {
    /// The store's explanation (which resource, which versions).
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A save was refused because the request's `ClientToken` was already used (by another replica, for
/// example); nothing was written. The answer stored for the token is to be replayed.
public struct StateStoreClientTokenInUse: Error, Sendable, CustomStringConvertible {
    public var clientToken: String
    public init(clientToken: String) { self.clientToken = clientToken }
    public var description: String { "ClientToken '\(clientToken)' was already used" }
}

/// Keeps the state in memory only (tests; `--db :memory:`).
public actor InMemoryStateStore: StateStore {
    private var state: CloudState?
    public init() {}
    public func load() async throws -> CloudState? { state }
    public func save(_ state: CloudState) async throws { self.state = state }
}

/// Keeps the state as one JSON file, replaced atomically on every save.
public struct JSONFileStateStore: StateStore {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public func load() async throws -> CloudState? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try Data(contentsOf: url)
        do {
            return try JSONDecoder().decode(CloudState.self, from: data)
        } catch {
            throw StateStoreError(message: "the state file '\(url.path)' is not a Meridian state file: \(error)")
        }
    }

    public func save(_ state: CloudState) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(state).write(to: url, options: .atomic)
    }
}

/// A state file that cannot be read.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
