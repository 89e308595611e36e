/// Wakes tasks that wait for the change log to grow.
///
/// A store fires the signal after each of its own commits and whenever it learns that another replica wrote
/// (PostgreSQL `NOTIFY`, or SQLite polling). A signal only says "look again": readers then call
/// ``ResourceStore/changes(after:limit:)``, so a lost or duplicated signal costs latency, never correctness.
public actor ChangeSignal {
    private var generation: UInt64 = 0
    /// Each waiting task and when its timeout ends.
    private var waiters: [UInt64: (continuation: CheckedContinuation<Void, Never>, deadline: ContinuousClock.Instant)] =
        [:]
    private var nextWaiter: UInt64 = 0
    /// Whether the store fires for every write to the change log, its own and other writers' (each with the
    /// log's position): then a reader that has read up to the highest fired position need not look.
    private let firesForEveryWrite: Bool
    private var highestFired: Int64 = 0
    private var unknownSinceLook = false

    /// Creates a signal.
    ///
    /// - Parameter firesForEveryWrite: `true` when the store fires, with the change log's position, for every write
    ///   that can reach the log (an in-memory store; SQLite, which polls the file for other processes' writes);
    ///   `false` when a write can go unsignalled (a lost PostgreSQL `NOTIFY`), so readers look on every wake.
    public init(firesForEveryWrite: Bool = false) {
        self.firesForEveryWrite = firesForEveryWrite
    }

    /// Wakes every waiting task.
    ///
    /// - Parameter sequence: how far the change log reaches now, when known.
    public func fire(through sequence: Int64? = nil) {
        if let sequence { highestFired = max(highestFired, sequence) } else { unknownSinceLook = true }
        generation &+= 1
        let woken = waiters
        waiters.removeAll()
        for waiter in woken.values { waiter.continuation.resume() }
    }

    /// The number of times the signal has fired.
    public var current: UInt64 { generation }

    /// Records a look at the change log by a reader that has read it up to `position`.
    ///
    /// - Returns: the generation, and whether the log may hold entries past `position`: always, unless the store
    ///   fires for every write and every fire since the last look said how far the log reached.
    public func look(readUpTo position: Int64) -> (generation: UInt64, mayHoldMore: Bool) {
        defer { unknownSinceLook = false }
        return (generation, !firesForEveryWrite || unknownSinceLook || highestFired > position)
    }

    /// Waits until the signal fires after `seen` was observed, or `timeout` passes, or the task is cancelled.
    ///
    /// - Returns: the generation when it returned.
    @discardableResult
    public func wait(beyond seen: UInt64, timeout: Duration) async -> UInt64 {
        if generation != seen || Task.isCancelled { return generation }
        let id = nextWaiter
        nextWaiter &+= 1
        let deadline = ContinuousClock.now.advanced(by: timeout)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = (continuation, deadline)
                armTimer(for: deadline)
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
        return generation
    }

    /// The one task that ends timeouts, and the instant it sleeps until.
    ///
    /// A follower waits again after every commit, usually long before its timeout: a timer per wait (a sleeping
    /// task each) would arm and abandon a system timer per commit. The one timer task sleeps until the earliest
    /// deadline, ends the waits whose deadline passed, and stops when nobody waits.
    private var timer: (task: Task<Void, Never>, until: ContinuousClock.Instant)?

    private func armTimer(for deadline: ContinuousClock.Instant) {
        if let timer {
            if timer.until <= deadline { return }
            timer.task.cancel()
        }
        let task = Task { [weak self] in
            var until = deadline
            while true {
                try? await Task.sleep(until: until, clock: .continuous)
                if Task.isCancelled { return }
                guard let self, let next = await self.endTimeouts() else { return }
                until = next
            }
        }
        timer = (task, deadline)
    }

    /// Wakes the waiters whose deadline passed and returns the earliest deadline left (`nil`, and the timer
    /// task ends, when nobody waits).
    private func endTimeouts() -> ContinuousClock.Instant? {
        // A timer task replaced by one for an earlier deadline (cancelled on this actor, so this sees it) stops.
        guard !Task.isCancelled else { return nil }
        let now = ContinuousClock.now
        for (id, waiter) in waiters where waiter.deadline <= now { wake(id) }
        guard let next = waiters.values.map(\.deadline).min() else {
            timer = nil
            return nil
        }
        timer?.until = next
        return next
    }

    private func wake(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }
}
