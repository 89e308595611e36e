import Foundation

/// Durable state for `meridian serve`: resources, access keys, idempotency records and the change log.
///
/// Implementations: ``MemoryStore`` (an actor, for tests), ``SQLiteStore`` (the default, one file or
/// `:memory:`) and ``PostgresStore`` (several replicas on one database). All of them pass one contract
/// test suite, so callers can rely on the guarantees written here without knowing which one they have:
///
/// - ``commit(_:)`` is atomic: every operation, its change-log rows and the idempotency record are written
///   in one transaction, or nothing is. Once it returns, the write is durable (it survives `kill -9`).
/// - Updates carry the version the writer read; if another writer came first the commit fails with
///   ``StoreError/conflict(kind:id:expected:actual:)``, so no update is ever lost.
/// - Change-log sequence numbers grow in commit order, also with several replicas writing at once.
/// - Every error is a ``StoreError``.
public protocol ResourceStore: Sendable {
    /// Returns the resource, or `nil` if it does not exist.
    func get(kind: String, id: String) async throws(StoreError) -> ResourceRecord?

    /// Lists resources by page number, ordered by creation time, then id.
    func list(_ query: ResourceQuery, page: PageRequest) async throws(StoreError) -> ResourcePage

    /// Lists up to `limit` resources after `cursor` (`nil`: from the start), ordered by creation time, then id.
    func list(_ query: ResourceQuery, after cursor: String?, limit: Int) async throws(StoreError) -> ResourceSlice

    /// Applies the batch atomically; see ``WriteBatch``.
    ///
    /// - Throws: ``StoreError/conflict(kind:id:expected:actual:)``, ``StoreError/notFound(kind:id:)``,
    ///   ``StoreError/duplicateID(kind:id:)``, ``StoreError/clientTokenInUse(clientToken:action:caller:)``,
    ///   ``StoreError/invalidArgument(_:)`` or ``StoreError/storageFailure(_:)``; in every case nothing was written.
    @discardableResult
    func commit(_ batch: WriteBatch) async throws(StoreError) -> CommitResult

    /// Returns the live (not yet expired) idempotency record for this key, if any.
    func idempotencyRecord(
        clientToken: String,
        action: String,
        caller: String
    ) async throws(StoreError)
        -> IdempotencyRecord?

    /// Deletes idempotency records that have expired; returns how many.
    @discardableResult
    func purgeExpiredIdempotencyRecords() async throws(StoreError) -> Int

    /// Stores a new access key.
    ///
    /// - Throws: ``StoreError/duplicateAccessKey(id:)`` if the id exists.
    func createAccessKey(_ key: AccessKey) async throws(StoreError)

    /// Returns the access key, or `nil`.
    func accessKey(id: String) async throws(StoreError) -> AccessKey?

    /// Every access key, ordered by id.
    func accessKeys() async throws(StoreError) -> [AccessKey]

    /// Deletes the access key; returns whether it existed.
    @discardableResult
    func deleteAccessKey(id: String) async throws(StoreError) -> Bool

    /// Up to `limit` change-log rows with a sequence number greater than `sequence`, in sequence order.
    func changes(after sequence: Int64, limit: Int) async throws(StoreError) -> [ChangeRecord]

    /// The greatest sequence number in the change log (0 when empty).
    func latestChangeSequence() async throws(StoreError) -> Int64

    /// Fires when the change log may have grown, through this store or another replica.
    var changeSignal: ChangeSignal { get }
}

extension ResourceStore {
    /// Every change after `sequence`, as it is committed by this process or another replica, until cancelled.
    ///
    /// Woken by ``changeSignal`` (PostgreSQL `NOTIFY`, SQLite polling, own commits); it also looks every
    /// `pollInterval` in case a signal was missed, so it never skips a change.
    public func watchChanges(
        after sequence: Int64,
        pollInterval: Duration = .seconds(2)
    ) -> AsyncThrowingStream<ChangeRecord, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var last = sequence
                while !Task.isCancelled {
                    let seen = await changeSignal.current
                    let batch: [ChangeRecord]
                    do {
                        batch = try await changes(after: last, limit: 500)
                    } catch {
                        continuation.finish(throwing: error)
                        return
                    }
                    for change in batch { continuation.yield(change) }
                    last = batch.last?.sequence ?? last
                    if batch.count == 500 { continue }
                    await changeSignal.wait(beyond: seen, timeout: pollInterval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Returns the resource.
    ///
    /// - Throws: ``StoreError/notFound(kind:id:)`` if it does not exist.
    public func require(kind: String, id: String) async throws(StoreError) -> ResourceRecord {
        guard let record = try await get(kind: kind, id: id) else { throw .notFound(kind: kind, id: id) }
        return record
    }
}
