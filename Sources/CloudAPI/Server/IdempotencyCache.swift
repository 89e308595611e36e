import ControlPlane

/// Makes creates idempotent by `ClientToken` (reference §1.2, DESIGN §6).
///
/// The first request with a token runs; later requests with the same key, action and token get the first
/// answer again if their parameters are identical, and `IdempotentParameterMismatch` otherwise. A request
/// that failed is not remembered, so a retry after an error runs again. Requests with the same token that
/// arrive while the first is still running wait for it.
actor IdempotencyCache {
    private enum Entry {
        case running(fingerprint: String, Task<APIObject, any Error>)
        case done(fingerprint: String, APIObject)
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private let capacity: Int
    private let records: (any IdempotencyRecords)?

    init(capacity: Int = 10_000, records: (any IdempotencyRecords)? = nil) {
        self.capacity = capacity
        self.records = records
    }

    /// - Parameter token: client token, action and caller, for the persistent records.
    func run(
        key: String,
        token: (clientToken: String, action: String, caller: String),
        fingerprint: String,
        operation: @escaping @Sendable () async throws(APIError) -> APIObject
    ) async throws(APIError) -> APIObject {
        if entries[key] == nil, let records {
            let found: (fingerprint: String, response: APIObject)?
            do {
                found = try await records.lookup(
                    clientToken: token.clientToken,
                    action: token.action,
                    caller: token.caller
                )
            } catch {
                throw .internalError
            }
            if let found, entries[key] == nil {
                entries[key] = .done(fingerprint: found.fingerprint, found.response)
                order.append(key)
            }
        }
        switch entries[key] {
        case .done(let stored, let object):
            guard stored == fingerprint else { throw .idempotentMismatch }
            return object
        case .running(let stored, let task):
            guard stored == fingerprint else { throw .idempotentMismatch }
            return try await Self.value(of: task)
        case nil:
            let scope = records.map { IdempotencyScope(token: token, fingerprint: fingerprint, records: $0) }
            let task = Task<APIObject, any Error> {
                try await IdempotencyScope.$current.withValue(scope) { try await operation() }
            }
            entries[key] = .running(fingerprint: fingerprint, task)
            let outcome: Result<APIObject, APIError>
            do {
                outcome = .success(try await Self.value(of: task))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .failure(let error) where error.code == ControlPlaneError.clientTokenInUseCode:
                // Another replica answered the same token first: answer as it did.
                entries[key] = nil
                guard
                    let records,
                    let found = try? await records.lookup(
                        clientToken: token.clientToken,
                        action: token.action,
                        caller: token.caller
                    )
                else { throw .internalError }
                guard found.fingerprint == fingerprint else { throw .idempotentMismatch }
                return found.response
            case .failure(let error):
                entries[key] = nil
                throw error
            case .success(let object):
                if let records, scope?.needsStoring ?? true {
                    try? await records.store(
                        clientToken: token.clientToken,
                        action: token.action,
                        caller: token.caller,
                        fingerprint: fingerprint,
                        response: object
                    )
                }
                entries[key] = .done(fingerprint: fingerprint, object)
                order.append(key)
                if order.count > capacity { entries[order.removeFirst()] = nil }
                return object
            }
        }
    }

    private static func value(of task: Task<APIObject, any Error>) async throws(APIError) -> APIObject {
        do {
            return try await task.value
        } catch let error as APIError {
            throw error
        } catch {
            throw .internalError
        }
    }
}
