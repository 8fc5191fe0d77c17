import Foundation

/// A task executor with a thread of its own. The timing tests await on it, so that they measure
/// the client and not how long the shared cooperative pool (two threads on a two-core runner)
/// stays blocked by other suites' synchronous socket reads and subprocesses.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    /// One for the whole test process; its tests mostly wait, so they share the thread well.
    static let shared = DedicatedExecutor()

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init() {
        let thread = Thread { [self] in serve() }
        thread.name = "upstream-tests"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
