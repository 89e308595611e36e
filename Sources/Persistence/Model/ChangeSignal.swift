/// Wakes tasks that wait for the change log to grow.
///
/// A store fires the signal after each of its own commits and whenever it learns that another replica wrote
/// (PostgreSQL `NOTIFY`, or SQLite polling). A signal only says "look again": readers then call
/// ``ResourceStore/changes(after:limit:)``, so a lost or duplicated signal costs latency, never correctness.
public actor ChangeSignal {
    private var generation: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter: UInt64 = 0

    /// Creates a signal.
    public init() {}

    /// Wakes every waiting task.
    public func fire() {
        generation &+= 1
        let woken = waiters
        waiters.removeAll()
        for continuation in woken.values { continuation.resume() }
    }

    /// The number of times the signal has fired.
    public var current: UInt64 { generation }

    /// Waits until the signal fires after `seen` was observed, or `timeout` passes, or the task is cancelled.
    ///
    /// - Returns: the generation when it returned.
    @discardableResult
    public func wait(beyond seen: UInt64, timeout: Duration) async -> UInt64 {
        if generation != seen || Task.isCancelled { return generation }
        let id = nextWaiter
        nextWaiter &+= 1
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = continuation
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
        timer.cancel()
        return generation
    }

    private func wake(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
