public import Foundation
public import Persistence
import RouteEngine

/// The control plane: holds the cloud's state, applies validated changes, stores them.
///
/// Every change runs on a copy of the state (its tables are persistent hash maps: a copy costs O(1), a change copies
/// the O(log n) nodes on its path);
/// only when all checks pass and the store accepted the new state does it replace the old one, so a rejected
/// or failed change leaves nothing half-written. The store writes only the resources the change touched. `dryRun` runs
/// every check and then stops with `DryRunOperation`.
public actor ControlPlane {
    private var state: CloudState
    private let store: any StateStore
    private let now: @Sendable () -> Date
    private var random: any RandomNumberGenerator
    public let quotas: Quotas

    /// Loads the saved state from `store`.
    public init(
        store: any StateStore,
        quotas: Quotas = Quotas(),
        now: @escaping @Sendable () -> Date = { Date() },
        random: any RandomNumberGenerator = SystemRandomNumberGenerator()
    ) async throws {
        self.store = store
        self.state = try await store.load() ?? CloudState()
        self.quotas = quotas
        self.now = now
        self.random = random
    }

    /// The route engine over `state.topology`; `nil` until a read needs it after a change it could not follow.
    private var routing: RouteEngine?
    /// How many times the route engine was built from a whole topology (the first read, and after each change
    /// that has no incremental form); a diagnostic for tests.
    public private(set) var engineBuilds = 0

    /// The current state (reads).
    public var snapshot: CloudState { state }

    /// The current state with its network model and route engine, as one consistent value (reads that show
    /// routes or tunnels).
    ///
    /// The engine follows each change incrementally where the change maps to a ``TopologyChange``; otherwise it
    /// is built anew here, on the first read after the change.
    public var view: CloudView {
        if let routing { return CloudView(state: state, engine: routing) }
        let engine = RouteEngine(state.topology)
        engineBuilds += 1
        routing = engine
        return CloudView(state: state, engine: engine)
    }

    /// How many times a change runs before it gives up on other replicas' concurrent changes.
    public static let maximumAttempts = 5

    /// Applies `change` to a copy of the state, stores it and makes it current.
    ///
    /// When another replica committed a change to a resource this one touched (a version conflict), the
    /// control plane applies the other replica's changes and runs `change` again on the fresh state, up to
    /// ``maximumAttempts`` times; then it answers `TaskConflict` (the cloud's code for concurrent changes).
    ///
    /// - Parameter idempotency: makes the `ClientToken` record answering the request from the change's
    ///   result; it is stored in the same transaction as the change.
    public func mutate<T: Sendable>(
        dryRun: Bool = false,
        idempotency: (@Sendable (T) throws -> IdempotencyRecord?)? = nil,
        _ change: @Sendable (inout CloudState, MutationContext) throws(ControlPlaneError) -> T
    ) async throws(ControlPlaneError) -> T {
        // Changes run one at a time: the actor is re-entrant at `store.save`, and a second change must start
        // from the state the first one stored, not from the one before it.
        await acquireWriteTurn()
        defer { releaseWriteTurn() }
        var attempt = 0
        while true {
            attempt += 1
            var copy = state
            copy.journal = ChangeJournal()
            let existing = state
            let context = MutationContext(
                now: now(),
                quotas: quotas,
                makeID: { prefix in
                    // An id like the cloud's: prefix, `bp1`, 20 random lower-case letters and digits.
                    while true {
                        let id = prefix + "bp1" + self.randomString(20)
                        if !existing.contains(id: id) { return id }
                    }
                },
                randomString: { count in self.randomString(count) }
            )
            let result = try change(&copy, context)
            if dryRun { throw .dryRun }
            let touched = copy.journal?.ids ?? []
            copy.journal = nil
            do {
                let record = try idempotency?(result)
                try await store.save(copy, change: StateChange(touched: touched, idempotency: record))
                state = copy
                if var engine = routing {
                    routing = nil  // the engine is uniquely referenced while it changes
                    if copy.advance(&engine, from: existing, touched: touched) { routing = engine }
                }
                retire(existing)
                return result
            } catch let conflict as StateStoreConflict {
                // Another replica came first: take its changes and run the change again on them.
                do {
                    try await catchUp()
                } catch {
                    throw ControlPlaneError(
                        .storage,
                        code: "InternalError",
                        message: "Other replicas' changes could not be read: \(error)."
                    )
                }
                if attempt >= Self.maximumAttempts {
                    throw ControlPlaneError(
                        .invalid,
                        code: "TaskConflict",
                        message: "The change conflicted with concurrent changes \(attempt) times (last: \(conflict)); "
                            + "nothing was changed. Retry the request."
                    )
                }
            } catch let used as StateStoreClientTokenInUse {
                throw ControlPlaneError(
                    .invalid,
                    code: ControlPlaneError.clientTokenInUseCode,
                    message: "\(used): another request with the same ClientToken was answered first."
                )
            } catch {
                throw ControlPlaneError(
                    .storage,
                    code: "InternalError",
                    message: "The change could not be stored: \(error)."
                )
            }
        }
    }

    /// States replaced by changes, kept until a batch of them is freed off the request path (see ``retire(_:)``).
    private var retired: [CloudState] = []

    /// The state before a change holds the only references to the nodes the change copied; freeing them is work
    /// the answer need not wait for. Every 64 changes the replaced states are freed by one background task (a task
    /// per change cost more to start than the freeing it moved).
    private func retire(_ old: CloudState) {
        retired.append(old)
        guard retired.count >= 64 else { return }
        let batch = retired
        retired = []
        Task.detached(priority: .background) { withExtendedLifetime(batch) {} }
    }

    /// Applies other writers' committed changes (replicas on one database) to the state.
    private func catchUp() async throws {
        if let update = try await store.changesFromOthers() {
            update.apply(to: &state)
            routing = nil  // rebuilt on the next read that needs it
        }
    }

    /// Follows other replicas' changes until the task is cancelled: whenever the store signals a write
    /// (PostgreSQL `NOTIFY`, or at the latest every `pollInterval`), their changes are applied to the state.
    ///
    /// `meridian serve` runs this next to the HTTP server; a control plane alone in its store needs none.
    /// - Parameter onError: called when the changes cannot be read (the next round tries again).
    public func followChanges(
        pollInterval: Duration = .seconds(1),
        onError: @Sendable (any Error) -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            await store.waitForChangesFromOthers(timeout: pollInterval)
            if Task.isCancelled { return }
            await acquireWriteTurn()
            do {
                try await catchUp()
            } catch {
                onError(error)
            }
            releaseWriteTurn()
        }
    }

    private var isWriting = false
    private var waitingWriters: [CheckedContinuation<Void, Never>] = []

    private func acquireWriteTurn() async {
        if isWriting {
            await withCheckedContinuation { waitingWriters.append($0) }
        } else {
            isWriting = true
        }
    }

    /// Hands the turn to the next waiting change (which then owns `isWriting`), or frees it.
    private func releaseWriteTurn() {
        if waitingWriters.isEmpty {
            isWriting = false
        } else {
            waitingWriters.removeFirst().resume()
        }
    }

    private static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `count` characters of `idAlphabet`, twelve from each 64-bit draw (36^12 < 2^64), written as bytes into the
    /// string's storage (an array of `Character`s made into a string cost more than the draws).
    private func randomString(_ count: Int) -> String {
        let base = UInt64(Self.idAlphabet.count)
        return String(unsafeUninitializedCapacity: count) { text in
            var written = 0
            while written < count {
                var bits = random.next()
                for _ in 0..<min(12, count - written) {
                    text[written] = Self.idAlphabet[Int(bits % base)]
                    written += 1
                    bits /= base
                }
            }
            return written
        }
    }
}
