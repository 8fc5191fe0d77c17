#if canImport(Glibc)
import Glibc
#endif

/// One pool slot: a hiredis connection served by its own thread, fed through a job queue.
///
/// The thread connects, runs jobs in order, and on any failure drops the connection and
/// reconnects with `Backoff`. Only while it is up (or making its very first attempt) does it take
/// jobs; otherwise `enqueue` refuses, so callers fail fast instead of waiting for a server
/// that may be gone for minutes.
///
/// Runs on: its own pthread (one per pool slot); `enqueue` from any thread.
final class PooledConnection: Sendable {
    struct State: Sendable {
        enum Phase: Sendable, Equatable {
            /// The first connect since start: jobs queue, bounded by the connect timeout.
            case starting
            case up
            /// Lost, or reconnecting after a loss: jobs are refused.
            case down
            case stopped
        }

        var phase = Phase.starting
        var jobs: [RedisJob] = []
        /// A job taken from the queue is running.
        var busy = false
        var stopping = false
        var lastFailure: String?

        var accepting: Bool { !stopping && (phase == .up || phase == .starting) }
    }

    /// How long an idle connection waits before checking that the server is still there.
    static let idleProbeInterval = 0.25

    let index: Int
    private let configuration: RedisConfiguration
    private let monitor = Monitor(State())

    init(index: Int, configuration: RedisConfiguration) {
        self.index = index
        self.configuration = configuration
    }

    // MARK: any thread

    /// Queued plus running jobs, or nil when this connection takes no work now.
    var load: Int? {
        monitor.withLock { $0.accepting ? $0.jobs.count + ($0.busy ? 1 : 0) : nil }
    }

    var isUp: Bool { monitor.withLock { $0.phase == .up } }

    var lastFailure: String? { monitor.withLock { $0.lastFailure } }

    /// Queues the job unless the connection refuses work (checked again under the lock: the
    /// `load` a caller chose by may be stale). On false the job was not taken.
    func enqueue(_ job: RedisJob) -> Bool {
        let taken = monitor.withLock { state in
            guard state.accepting else { return false }
            state.jobs.append(job)
            return true
        }
        if taken { monitor.signal() }
        return taken
    }

    /// Asks the thread to finish its current job, fail the queued ones and free the connection.
    func stop() {
        monitor.withLock { $0.stopping = true }
        monitor.signal()
    }

    func start() -> pthread_t {
        // The thread owns a reference until `run` returns.
        let retained = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            Unmanaged<PooledConnection>.fromOpaque(argument!).takeRetainedValue().run()
            return nil
        }, retained.toOpaque())
        precondition(result == 0, "pthread_create failed: \(result)")
        return thread
    }

    // MARK: the connection's thread

    private enum Step {
        case run(RedisJob)
        case idle
        case stop
    }

    private func run() {
        PooledConnection.blockSIGPIPE()
        var backoff = Backoff()
        var connection: HiredisConnection?
        while !monitor.withLock({ $0.stopping }) {
            guard let open = connection else {
                do {
                    connection = try HiredisConnection.open(
                        configuration.endpoint, connectTimeout: configuration.connectTimeout,
                        commandTimeout: configuration.commandTimeout)
                    backoff.reset()
                    monitor.withLock { $0.phase = .up }
                } catch {
                    markDown(error.message)
                    monitor.wait(atMost: backoff.nextDelay(), until: { $0.stopping }, then: { _ in })
                }
                continue
            }
            switch nextStep() {
            case .stop:
                continue
            case .idle:
                if open.peerClosedWhileIdle {
                    connection = nil
                    markDown("server closed the connection")
                }
            case .run(let job):
                do {
                    let replies = try open.execute(job.commands, timeout: job.timeout)
                    monitor.withLock { $0.busy = false }
                    job.complete(.success(replies))
                } catch {
                    // Down before the caller hears of it, so its retry goes elsewhere.
                    connection = nil
                    markDown(error.message)
                    job.complete(.failure(error))
                }
            }
        }
        connection = nil  // frees the context on this thread, which alone has used it
        let abandoned = monitor.withLock { state in
            state.phase = .stopped
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in abandoned { job.complete(.failure(.unavailable("the Redis client was shut down"))) }
    }

    /// Waits for a job, the stop request, or the idle-probe interval.
    private func nextStep() -> Step {
        monitor.wait(atMost: PooledConnection.idleProbeInterval, until: { $0.stopping || !$0.jobs.isEmpty }) { state in
            if state.stopping { return .stop }
            if state.jobs.isEmpty { return .idle }
            state.busy = true
            return .run(state.jobs.removeFirst())
        }
    }

    /// Refuses new work and fails what is queued: a reconnect may take long, and callers degrade
    /// rather than wait.
    private func markDown(_ reason: String) {
        let queued = monitor.withLock { state in
            if !state.stopping { state.phase = .down }
            state.busy = false
            state.lastFailure = reason
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in queued { job.complete(.failure(.unavailable("connection lost: \(reason)"))) }
    }

    /// Blocks SIGPIPE on this thread: hiredis writes with write(2), which raises SIGPIPE on a
    /// socket the server reset. The signal is thread-directed, so blocking it here turns it into
    /// an EPIPE error without touching the process's disposition.
    private static func blockSIGPIPE() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }
}
