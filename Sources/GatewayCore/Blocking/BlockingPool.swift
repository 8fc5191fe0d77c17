#if canImport(Glibc)
import Glibc
#endif

/// A few threads of its own for work that holds a thread for as long as the disk takes: an
/// fsync, a snapshot or a compaction rewrite. An event loop (or any task) submits the work and
/// is resumed when it is done, so no loop thread — and no thread of Swift's small cooperative
/// pool — ever waits on the disk. SwiftNIO's `NIOThreadPool` is the model.
///
/// Runs on: the blocking pool (its own pthreads, started on first use); `run` and `submit` may
/// be called from any thread.
///
/// Order: two FIFO lanes. `.short` work (an fsync round) goes before any `.long` work (a
/// rewrite of a whole file) that is waiting, and long work never takes the last thread, so with
/// two or more threads an fsync never waits behind a snapshot; with one thread it may. Within a
/// lane work starts in the order it was submitted; with several threads it may finish in
/// another. Submitted work always runs to its end: a cancelled caller still gets its result,
/// since an fsync or a rename half done cannot be taken back.
// @unchecked: every stored var is read and written only with `mutex` held; the mutex and the
// condition live at fixed addresses from init to deinit.
public final class BlockingPool: @unchecked Sendable {
    public typealias Work = @Sendable () -> Void

    public enum Length: Sendable {
        /// Milliseconds: an fsync, a rename.
        case short
        /// As long as a whole file takes to write: compaction, a snapshot.
        case long
    }

    /// What the gateway's embedded queue and vector store use unless given another pool: one
    /// small pool for the whole process, started on first use.
    public static let shared = BlockingPool(threads: 2, name: "pg-blocking")

    public let threadCount: Int
    private let name: String
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>

    private var short = WorkQueue()
    private var long = WorkQueue()
    private var runningLong = 0
    /// Joined at shutdown.
    private var threads: [pthread_t] = []
    /// Each thread adds itself before it takes any work, so `isPoolThread` is right from the
    /// first piece of work on.
    private var members: [pthread_t] = []
    private var started = false
    private var stopping = false

    /// `threads`: how many pieces of blocking work may run at once. `name` (at most 12
    /// characters) names the threads, `<name>-<n>`, for `top -H` and `perf`.
    public init(threads: Int = 2, name: String = "pg-blocking") {
        precondition(threads >= 1, "a blocking pool needs at least one thread")
        threadCount = threads
        self.name = String(name.prefix(12))
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        changed = .allocate(capacity: 1)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        changed.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `work` on a pool thread and returns its result; the caller is suspended, not
    /// blocked, meanwhile.
    public func run<T: Sendable>(_ length: Length = .short, _ work: @escaping @Sendable () throws(GatewayError) -> T)
        async throws(GatewayError) -> T
    {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, GatewayError>, Never>) in
            submit(length) {
                do throws(GatewayError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Queues `work` and returns at once. After `shutdown` the work runs on the caller's thread
    /// instead: late work (a group commit racing the shutdown) must still finish and wake its
    /// waiters.
    public func submit(_ length: Length = .short, _ work: @escaping Work) {
        let (accepted, start) = locked { () -> (Bool, Bool) in
            if stopping { return (false, false) }
            switch length {
            case .short: short.append(work)
            case .long: long.append(work)
            }
            defer { started = true }
            return (true, !started)
        }
        guard accepted else {
            work()
            return
        }
        if start { startThreads() }
        // A broadcast: the thread a signal would pick may be one that cannot take long work now.
        pthread_cond_broadcast(changed)
    }

    /// Whether the calling thread is one of this pool's.
    public var isPoolThread: Bool {
        let me = pthread_self()
        return locked { members.contains { pthread_equal($0, me) != 0 } }
    }

    /// Runs what is already queued, then stops and joins the threads. Work submitted later runs
    /// on its caller's thread.
    public func shutdown() {
        let joining = locked { () -> [pthread_t] in
            stopping = true
            return threads
        }
        pthread_cond_broadcast(changed)
        for t in joining { pthread_join(t, nil) }
    }

    // MARK: threads

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    private func startThreads() {
        var made: [pthread_t] = []
        for index in 0..<threadCount {
            let context = Unmanaged.passRetained(ThreadContext(pool: self, name: "\(name)-\(index)"))
            var tid = pthread_t()
            let rc = pthread_create(&tid, nil, { arg in
                let context = Unmanaged<ThreadContext>.fromOpaque(arg!).takeRetainedValue()
                BlockingPool.nameCurrentThread(context.name)
                context.pool.work()
                return nil
            }, context.toOpaque())
            precondition(rc == 0, "pthread_create failed: \(rc)")
            made.append(tid)
        }
        locked { threads += made }
    }

    /// One thread's life: short work first, long work while another thread stays free for
    /// short, until the pool stops with nothing left to run.
    private func work() {
        let maxLong = max(1, threadCount - 1)
        pthread_mutex_lock(mutex)
        members.append(pthread_self())
        while true {
            if let next = short.popFirst() {
                pthread_mutex_unlock(mutex)
                next()
                pthread_mutex_lock(mutex)
                continue
            }
            if runningLong < maxLong, let next = long.popFirst() {
                runningLong += 1
                pthread_mutex_unlock(mutex)
                next()
                pthread_mutex_lock(mutex)
                runningLong -= 1
                // A thread that found the long lane full may take the next piece now.
                if !long.isEmpty || stopping { pthread_cond_broadcast(changed) }
                continue
            }
            if stopping && short.isEmpty && long.isEmpty { break }
            pthread_cond_wait(changed, mutex)
        }
        pthread_mutex_unlock(mutex)
        // The others may be waiting for work this one just finished the last of.
        pthread_cond_broadcast(changed)
    }

    /// pthread_setname_np is outside Glibc's module map; writing the thread's `comm` does the
    /// same (at most 15 bytes; best effort).
    private static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    private final class ThreadContext {
        let pool: BlockingPool
        let name: String

        init(pool: BlockingPool, name: String) {
            self.pool = pool
            self.name = name
        }
    }

    /// A FIFO of work. Taken slots are emptied at once: finished work must not keep what it
    /// captured alive (a queue dropped without `close` stands for a killed process and must
    /// let go of its lock).
    private struct WorkQueue {
        private var slots: [Work?] = []
        private var head = 0

        var isEmpty: Bool { head == slots.count }

        mutating func append(_ work: @escaping Work) {
            slots.append(work)
        }

        mutating func popFirst() -> Work? {
            guard head < slots.count else { return nil }
            let work = slots[head]
            slots[head] = nil
            head += 1
            if head == slots.count {
                slots.removeAll(keepingCapacity: true)
                head = 0
            }
            return work
        }
    }
}
