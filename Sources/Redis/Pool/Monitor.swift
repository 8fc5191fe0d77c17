#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a pthread mutex, plus a condition variable on the monotonic clock, so a
/// pool thread can sleep until work arrives or a deadline passes. `Synchronization.Mutex` has no
/// condition variable, hence this.
///
/// `@unchecked Sendable`: `state` is only read or written with `mutex` held, and the two pthread
/// objects live at fixed addresses from init to deinit.
///
/// Runs on: any thread; only the pool's own threads call the waits that block.
final class Monitor<State: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // A wall-clock jump must not stretch or cut a backoff or idle wait.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout State) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&state)
    }

    /// Wakes the thread in `wait`. Call it after changing the state under the lock; the waiter
    /// re-checks its condition under the same lock, so no wake-up is lost.
    func signal() {
        pthread_cond_signal(condition)
    }

    /// Sleeps until `ready` holds or `seconds` pass, then runs `body` with the lock still held.
    func wait<Result>(atMost seconds: Double, until ready: (State) -> Bool, then body: (inout State) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var deadline = Monitor.monotonicDeadline(after: seconds)
        while !ready(state) {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        return body(&state)
    }

    private static func monotonicDeadline(after seconds: Double) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = Int(now.tv_nsec) + Int(seconds * 1_000_000_000)
        return timespec(tv_sec: now.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
