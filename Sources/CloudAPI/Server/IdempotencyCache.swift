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

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func run(
        key: String,
        fingerprint: String,
        operation: @escaping @Sendable () async throws(APIError) -> APIObject
    ) async throws(APIError) -> APIObject {
        switch entries[key] {
        case .done(let stored, let object):
            guard stored == fingerprint else { throw .idempotentMismatch }
            return object
        case .running(let stored, let task):
            guard stored == fingerprint else { throw .idempotentMismatch }
            return try await Self.value(of: task)
        case nil:
            let task = Task<APIObject, any Error> { try await operation() }
            entries[key] = .running(fingerprint: fingerprint, task)
            do {
                let object = try await Self.value(of: task)
                entries[key] = .done(fingerprint: fingerprint, object)
                order.append(key)
                if order.count > capacity { entries[order.removeFirst()] = nil }
                return object
            } catch {
                entries[key] = nil
                throw error
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
