import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A Redis client for async code: a small pool of hiredis connections, each on its own thread,
/// so a caller on an event-loop thread only ever awaits and never blocks.
///
/// Commands are argv arrays (no format strings), values binary-safe. While no connection is up,
/// calls fail at once with `.unavailable` instead of queueing; the connections reconnect on their
/// own. Every reply is bounded by `commandTimeout`; a cancelled task still waits for its reply,
/// so that bound holds for cancellation too.
///
/// Consecutive calls may use different connections: send MULTI ... EXEC as one `pipeline`, and
/// do not SUBSCRIBE or MONITOR here (a connection that receives unasked data is dropped).
///
/// Runs on: any task; each command runs on one of the pool's connection threads while the caller
/// is suspended.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let connections: [PooledConnection]
    /// Emptied by `shutdown`, so the threads are joined once.
    private let threads: Mutex<[pthread_t]>
    /// Breaks ties between equally loaded connections so work spreads over the pool.
    private let rotation = Atomic<UInt>(0)

    /// Starts the pool's threads, which connect in the background. Commands sent before the
    /// first connect completes wait for it (up to the connect timeout).
    public init(configuration: RedisConfiguration) {
        precondition(configuration.poolSize >= 1, "a Redis pool needs at least one connection")
        self.configuration = configuration
        connections = (0..<configuration.poolSize).map { PooledConnection(index: $0, configuration: configuration) }
        threads = Mutex(connections.map { $0.start() })
    }

    /// Joins the threads if `shutdown` was not called, which can block for one command timeout.
    deinit {
        shutdown()
    }

    /// Whether any pool connection is up now.
    public var isConnected: Bool {
        connections.contains { $0.isUp }
    }

    /// Fails queued commands, lets running ones finish (bounded by their timeout), joins the
    /// threads and frees the connections. Blocks, so call it off the event loops. Later calls
    /// fail with `.unavailable`.
    public func shutdown() {
        let running = threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for connection in connections { connection.stop() }
        for thread in running { pthread_join(thread, nil) }
    }

    /// Sends one command. An error reply throws `.server` with the server's message.
    public func command(_ arguments: [String]) async throws(RedisError) -> RedisReply {
        try await command(arguments.map { Array($0.utf8) })
    }

    /// Sends one command with binary arguments. An error reply throws `.server`.
    public func command(_ arguments: [[UInt8]]) async throws(RedisError) -> RedisReply {
        try await command(arguments, timeout: configuration.commandTimeout)
    }

    /// Sends the commands in one write on one connection and returns their replies in order.
    /// Error replies come back as `.error` in place (the other commands did run); a lost
    /// connection or a timeout throws, and then any of the commands may or may not have run.
    public func pipeline(_ commands: [[String]]) async throws(RedisError) -> [RedisReply] {
        try await pipeline(commands.map { $0.map { Array($0.utf8) } })
    }

    public func pipeline(_ commands: [[[UInt8]]]) async throws(RedisError) -> [RedisReply] {
        if commands.isEmpty { return [] }
        return try await submit(commands, timeout: configuration.commandTimeout).get()
    }

    func command(_ arguments: [[UInt8]], timeout: Double) async throws(RedisError) -> RedisReply {
        let reply = try await submit([arguments], timeout: timeout).get()[0]
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    private func submit(_ commands: [[[UInt8]]], timeout: Double) async -> Result<[RedisReply], RedisError> {
        await withCheckedContinuation { continuation in
            let job = RedisJob(commands: commands, timeout: timeout) { continuation.resume(returning: $0) }
            if let refusal = dispatch(job) { continuation.resume(returning: .failure(refusal)) }
        }
    }

    /// Hands the job to the least loaded connection that takes work, or says why none does.
    /// A long blocking read occupies its connection, and least-loaded routing steers around it.
    private func dispatch(_ job: RedisJob) -> RedisError? {
        let count = connections.count
        let start = Int(rotation.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(count))
        let candidates = (0..<count).compactMap { offset -> (connection: PooledConnection, load: Int)? in
            let connection = connections[(start + offset) % count]
            return connection.load.map { (connection, $0) }
        }
        // `sorted` is stable, so equal loads keep the rotated order.
        for candidate in candidates.sorted(by: { $0.load < $1.load }) where candidate.connection.enqueue(job) {
            return nil
        }
        if threads.withLock({ $0.isEmpty }) { return .unavailable("the Redis client was shut down") }
        let reason = connections.lazy.compactMap(\.lastFailure).first
        return .unavailable("no connection to \(configuration.endpoint) is up" + (reason.map { ": \($0)" } ?? ""))
    }
}
