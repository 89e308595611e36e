/// Wakes tasks that wait for the change log to grow.
///
/// A store fires the signal after each of its own commits and whenever it learns that another replica wrote
/// (PostgreSQL `NOTIFY`, or SQLite polling). A signal only says "look again": readers then call
/// ``ResourceStore/changes(after:limit:)``, so a lost or duplicated signal costs latency, never correctness.
public actor ChangeSignal {
    private var generation: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
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
        for continuation in woken.values { continuation.resume() }
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
        // The timer is a child task, so it runs where its waiter runs (an unstructured task would go to the
        // global executor: a thread hand-off on every wait, and a waiter waits again after every commit).
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.wake(id)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    waiters[id] = continuation
                }
            } onCancel: {
                Task { await self.wake(id) }
            }
            group.cancelAll()
        }
        return generation
    }

    private func wake(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
