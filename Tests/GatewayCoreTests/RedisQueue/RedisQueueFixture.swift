import Foundation
import GatewayCore
import Redis
import Synchronization

/// What the Redis queue tests share: a server per test, queues on it, jobs, clocks, timing.
enum RedisQueueFixture {
    /// Runs `body` with a fresh server and a queue on it (through its own client), and tears both
    /// down even when it throws.
    static func withQueue(
        settings: BatchQueueSettings = BatchQueueSettings(),
        claimTimeout: Duration = .seconds(60),
        clock: RedisQueueTestClock = RedisQueueTestClock(),
        _ body: (RedisBatchQueue, QueueRedisServer) async throws -> Void
    ) async throws {
        let server = try QueueRedisServer()
        let client = try server.client()
        defer {
            client.shutdown()
            server.kill()
        }
        try await body(RedisBatchQueue(client: client, settings: settings, claimTimeout: claimTimeout, clock: clock), server)
    }

    /// A job queued at a fixed time with nanoseconds, so a lossy round trip would show.
    static func job(_ name: String, model: String = "mixtral", texts: Int = 1, pattern: IntegrationPattern = .bulkOnly,
                    urgent: Bool = false, degraded: Bool = false) -> BatchJob {
        BatchJob(id: "batch_\(model)_20250715_143000_\(name)", model: model,
                 texts: (0..<texts).map { "\(name) text \($0)" }, pattern: pattern, urgent: urgent, degraded: degraded,
                 queuedAt: UnixTime(nanosecondsSinceEpoch: 1_752_589_800_123_456_789), requestID: "req-\(name)")
    }

    /// `count` vectors of `dimension` floats, distinct per seed.
    static func vectors(_ count: Int, dimension: Int = 4, seed: Float = 1) -> [[Float]] {
        (0..<count).map { i in (0..<dimension).map { j in seed * Float(i * dimension + j) + 0.25 } }
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; true if it held.
    static func eventually(within seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        while clock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// Seconds `body` took.
    static func elapsed(_ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        let duration = clock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The gateway error `body` throws, or nil (also for any other error, which fails the check).
    static func error(_ body: () async throws -> Void) async -> GatewayError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? GatewayError
        }
    }
}

/// A wall clock tests set by hand; starts at 2025-07-15 14:30:00.5 UTC.
final class RedisQueueTestClock: WallClock {
    private let time = Mutex(UnixTime(secondsSinceEpoch: 1_752_589_800, milliseconds: 500))

    func wallTime() -> UnixTime { time.withLock { $0 } }

    func advance(_ duration: Duration) {
        time.withLock { $0 = $0 + duration }
    }
}
