public import NIOCore

/// Runs Swift tasks on the event loops of a NIO event loop group, preferring the loop the task is woken on.
///
/// Hummingbird reads a request on an event loop and hands it to a Swift task; on the global executor that task
/// runs on another thread, and its answer goes back to the event loop: two thread wake-ups per request, which
/// cost more than answering most requests. Run the server under
/// `withTaskExecutorPreference(EventLoopTaskExecutor(group))` and its tasks, and the default actors they call
/// (the control plane), run on the loop that woke them: a request is read, answered and written on one thread.
/// Work woken from elsewhere (a database driver's thread) goes to the group's next loop.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let group: any EventLoopGroup

    public init(_ group: any EventLoopGroup) {
        self.group = group
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // `any()` is the current loop when called on one of the group's threads.
        group.any().execute { job.runSynchronously(on: executor) }
    }
}
