public import Foundation
import RouteEngine

/// The control plane: holds the cloud's state, applies validated changes, stores them.
///
/// Every change runs on a copy of the state; only when all checks pass and the store accepted the new state
/// does it replace the old one, so a rejected or failed change leaves nothing half-written. `dryRun` runs
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

    /// Applies `change` to a copy of the state, stores it and makes it current.
    public func mutate<T: Sendable>(
        dryRun: Bool = false,
        _ change: @Sendable (inout CloudState, MutationContext) throws(ControlPlaneError) -> T
    ) async throws(ControlPlaneError) -> T {
        // Changes run one at a time: the actor is re-entrant at `store.save`, and a second change must start
        // from the state the first one stored, not from the one before it.
        await acquireWriteTurn()
        defer { releaseWriteTurn() }
        var copy = state
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
        do {
            try await store.save(copy)
        } catch {
            throw ControlPlaneError(
                .storage,
                code: "InternalError",
                message: "The change could not be stored: \(error)."
            )
        }
        state = copy
        if var engine = routing {
            routing = nil  // the engine is uniquely referenced while it changes
            if copy.advance(&engine, from: existing) { routing = engine }
        }
        return result
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

    private static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    private func randomString(_ count: Int) -> String {
        String((0..<count).map { _ in Self.idAlphabet[Int(random.next() % UInt64(Self.idAlphabet.count))] })
    }
}
