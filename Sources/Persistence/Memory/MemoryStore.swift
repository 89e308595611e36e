public import Foundation

/// A ``ResourceStore`` held in memory, for tests of other layers. Nothing survives the process.
///
/// A commit applies its batch to a copy of the state and swaps it in only when every operation succeeded,
/// which is what makes it atomic. Being an actor, it serialises all calls.
public actor MemoryStore: ResourceStore {
    private struct State {
        var resources: [ResourceKey: ResourceRecord] = [:]
        var accessKeys: [String: AccessKey] = [:]
        var idempotency: [IdempotencyKey: IdempotencyRecord] = [:]
        var changes: [ChangeRecord] = []
        var lastSequence: Int64 = 0
    }

    private struct IdempotencyKey: Hashable {
        var caller: String
        var action: String
        var clientToken: String
    }

    private var state = State()
    private let clock: @Sendable () -> Date
    public nonisolated let changeSignal = ChangeSignal(firesForEveryWrite: true)

    /// Creates an empty store.
    ///
    /// - Parameter clock: the time used for timestamps and idempotency expiry.
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    public func get(kind: String, id: String) throws(StoreError) -> ResourceRecord? {
        state.resources[ResourceKey(kind: kind, id: id)]
    }

    private func matching(_ query: ResourceQuery) throws(StoreError) -> [ResourceRecord] {
        try Validation.query(query)
        let ids = query.ids.map(Set.init)
        return state.resources.values
            .filter { record in
                record.kind == query.kind
                    && (query.regionID == nil || record.regionID == query.regionID)
                    && (ids == nil || ids!.contains(record.id))
                    && DocumentFields.match(record.document, query.fields)
            }
            .sorted { ListPosition(after: $0) < ListPosition(after: $1) }
    }

    public func list(_ query: ResourceQuery, page: PageRequest) throws(StoreError) -> ResourcePage {
        try Validation.page(page)
        let all = try matching(query)
        let start = (page.number - 1) * page.size
        let records = start < all.count ? Array(all[start..<min(all.count, start + page.size)]) : []
        return ResourcePage(records: records, totalCount: all.count, pageNumber: page.number, pageSize: page.size)
    }

    public func list(_ query: ResourceQuery, after cursor: String?, limit: Int) throws(StoreError) -> ResourceSlice {
        try Validation.limit(limit)
        let position = try cursor.map { (text) throws(StoreError) in try ListPosition(cursor: text) }
        let all = try matching(query).filter { position == nil || ListPosition(after: $0) > position! }
        let records = Array(all.prefix(limit))
        let next = all.count > limit ? records.last.map { ListPosition(after: $0).cursor } : nil
        return ResourceSlice(records: records, nextCursor: next)
    }

    @discardableResult
    public func commit(_ batch: WriteBatch) async throws(StoreError) -> CommitResult {
        try Validation.batch(batch)
        let now = Timestamp.rounded(clock())
        var next = state
        var records: [ResourceRecord] = []
        var deleted: [ResourceKey] = []
        var changes: [ChangeRecord] = []

        func log(_ record: ResourceRecord, _ operation: ChangeRecord.Operation) {
            next.lastSequence += 1
            changes.append(
                ChangeRecord(
                    sequence: next.lastSequence,
                    kind: record.kind,
                    id: record.id,
                    regionID: record.regionID,
                    operation: operation,
                    version: record.version,
                    timestamp: now
                )
            )
        }

        for operation in batch.operations {
            let key = operation.key
            switch operation {
            case .create(let kind, let id, let regionID, let document):
                guard next.resources[key] == nil else { throw .duplicateID(kind: kind, id: id) }
                let record = ResourceRecord(
                    kind: kind,
                    id: id,
                    regionID: regionID,
                    document: document,
                    version: 1,
                    createdAt: now,
                    updatedAt: now
                )
                next.resources[key] = record
                records.append(record)
                log(record, .create)
            case .update(let kind, let id, let document, let expectedVersion):
                guard var record = next.resources[key] else { throw .notFound(kind: kind, id: id) }
                guard record.version == expectedVersion else {
                    throw .conflict(kind: kind, id: id, expected: expectedVersion, actual: record.version)
                }
                record.document = document
                record.version += 1
                record.updatedAt = now
                next.resources[key] = record
                records.append(record)
                log(record, .update)
            case .delete(let kind, let id, let expectedVersion):
                guard let record = next.resources[key] else { throw .notFound(kind: kind, id: id) }
                if let expectedVersion, record.version != expectedVersion {
                    throw .conflict(kind: kind, id: id, expected: expectedVersion, actual: record.version)
                }
                next.resources[key] = nil
                deleted.append(key)
                log(record, .delete)
            }
        }
        if let idempotency = batch.idempotency {
            let key = IdempotencyKey(
                caller: idempotency.caller,
                action: idempotency.action,
                clientToken: idempotency.clientToken
            )
            if let existing = next.idempotency[key], existing.expiresAt > now {
                throw .clientTokenInUse(
                    clientToken: idempotency.clientToken,
                    action: idempotency.action,
                    caller: idempotency.caller
                )
            }
            next.idempotency[key] = idempotency
        }
        next.changes.append(contentsOf: changes)
        state = next
        if let last = changes.last { await changeSignal.fire(through: last.sequence) }
        return CommitResult(records: records, deleted: deleted, changes: changes)
    }

    public func idempotencyRecord(
        clientToken: String,
        action: String,
        caller: String
    ) throws(StoreError)
        -> IdempotencyRecord?
    {
        let key = IdempotencyKey(caller: caller, action: action, clientToken: clientToken)
        guard let record = state.idempotency[key], record.expiresAt > Timestamp.rounded(clock()) else { return nil }
        return record
    }

    @discardableResult
    public func purgeExpiredIdempotencyRecords() throws(StoreError) -> Int {
        let now = Timestamp.rounded(clock())
        let expired = state.idempotency.filter { $0.value.expiresAt <= now }.map(\.key)
        for key in expired { state.idempotency[key] = nil }
        return expired.count
    }

    public func createAccessKey(_ key: AccessKey) throws(StoreError) {
        try Validation.accessKey(key)
        guard state.accessKeys[key.id] == nil else { throw .duplicateAccessKey(id: key.id) }
        state.accessKeys[key.id] = key
    }

    public func accessKey(id: String) throws(StoreError) -> AccessKey? {
        state.accessKeys[id]
    }

    public func accessKeys() throws(StoreError) -> [AccessKey] {
        state.accessKeys.values.sorted { $0.id < $1.id }
    }

    @discardableResult
    public func deleteAccessKey(id: String) throws(StoreError) -> Bool {
        state.accessKeys.removeValue(forKey: id) != nil
    }

    public func changes(after sequence: Int64, limit: Int) throws(StoreError) -> [ChangeRecord] {
        try Validation.changeLimit(limit)
        // Sequence numbers are 1, 2, 3, ... without gaps here, so the position is computable.
        let start = Int(max(0, min(sequence, state.lastSequence)))
        return Array(state.changes[start...].prefix(limit))
    }

    public func latestChangeSequence() throws(StoreError) -> Int64 {
        state.lastSequence
    }
}

/// Matching of top-level string fields of a JSON document, as ``ResourceQuery/fields`` defines it.
package enum DocumentFields {
    package static func match(_ document: Data, _ fields: [String: String]) -> Bool {
        guard !fields.isEmpty else { return true }
        guard let object = (try? JSONSerialization.jsonObject(with: document)) as? [String: Any] else { return false }
        return fields.allSatisfy { name, value in (object[name] as? String) == value }
    }
}
