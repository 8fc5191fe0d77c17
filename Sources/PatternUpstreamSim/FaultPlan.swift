import JSON
import Synchronization

/// What the control endpoint has asked a model to do, and what the simulator has served.
/// Shared by every listener; changed by `POST /control`.
final class FaultPlan: Sendable {
    struct Behaviour: Sendable, Equatable {
        /// "ok", "fail" (answer `failStatus`), "hang" (never answer), "wrong_dimensions" (embed only).
        var mode = "ok"
        var failStatus = 503
        var retryAfter: Int?
        var latencyMilliseconds: Double
        var jitterMilliseconds: Double
        /// Chance of a 503 on an otherwise healthy call.
        var errorRate: Double
        /// The next this many embed or generation calls answer `failStatus` (a transient
        /// fault), then calls behave as `mode` says again.
        var failNext = 0
        /// The health path answers 503 although calls may still work (a failing readiness probe).
        var healthFailing = false

        /// Generation's pace: the first token after `ttftMilliseconds`, then `tokensPerSecond`,
        /// each token (the first too) `slowTokensMilliseconds` later still.
        var ttftMilliseconds: Double
        var tokensPerSecond: Double
        var slowTokensMilliseconds: Double = 0
        /// Generation breaks once this many tokens are out: the connection is cut without the
        /// end marker, goes silent until the client leaves, or carries the dialect's error
        /// (an error event in a stream, a 500 for a whole answer). The smallest set one wins.
        var cutAfterTokens: Int?
        var stallAfterTokens: Int?
        var errorEventAfterTokens: Int?
    }

    struct Counters: Sendable {
        var embedCalls = 0
        var texts = 0
        var failures = 0
        var healthProbes = 0
        /// Inputs per embed call, the most recent last (at most `recentCallsKept`).
        var callSizes: [Int] = []

        /// Completions and chat calls that named this model with a valid body, whole or streamed.
        var generateCalls = 0
        /// Streams whose 200 head went out, and those that went on to their end marker.
        var streamsStarted = 0
        var streamsCompleted = 0
        /// Token pieces written (streams) or answered (whole answers).
        var tokensSent = 0
        /// Generation calls whose client went away before the answer was complete (a write
        /// failed, or the transport cancelled the handler when the connection closed).
        var abandoned = 0
        /// Generation calls failed on purpose: an error status, a cut, an error event.
        var generateFailures = 0
        /// The body of the latest generation call, as the caller sent it.
        var lastGenerateRequest: JSONValue?
        /// The `traceparent` and `tracestate` of the latest embed or generation call, as sent
        /// (nil when it had none), for the tracing tests.
        var lastTraceparent: String?
        var lastTracestate: String?
    }

    static let recentCallsKept = 1000

    private let state: Mutex<(behaviours: [String: Behaviour], counters: [String: Counters], rng: UInt64)>
    private let defaults: Behaviour

    init(latencyMilliseconds: Double, jitterMilliseconds: Double, errorRate: Double, seed: UInt64,
         ttftMilliseconds: Double, tokensPerSecond: Double) {
        defaults = Behaviour(latencyMilliseconds: latencyMilliseconds, jitterMilliseconds: jitterMilliseconds,
                             errorRate: errorRate, ttftMilliseconds: ttftMilliseconds, tokensPerSecond: tokensPerSecond)
        state = Mutex(([:], [:], seed | 1))
    }

    func behaviour(for model: String) -> Behaviour {
        state.withLock { $0.behaviours[model] ?? defaults }
    }

    func set(_ model: String, _ change: (inout Behaviour) -> Void) {
        state.withLock { s in
            var b = s.behaviours[model] ?? defaults
            change(&b)
            s.behaviours[model] = b
        }
    }

    func reset(_ model: String?) {
        state.withLock { s in
            if let model { s.behaviours[model] = nil } else { s.behaviours.removeAll() }
        }
    }

    func count(_ model: String, texts: Int, failed: Bool) {
        state.withLock { s in
            var c = s.counters[model] ?? Counters()
            c.embedCalls += 1
            c.texts += texts
            if failed { c.failures += 1 }
            c.callSizes.append(texts)
            if c.callSizes.count > Self.recentCallsKept { c.callSizes.removeFirst(c.callSizes.count - Self.recentCallsKept) }
            s.counters[model] = c
        }
    }

    /// Updates one model's generation counters.
    func record(_ model: String, _ change: (inout Counters) -> Void) {
        state.withLock { s in change(&s.counters[model, default: Counters()]) }
    }

    func countHealthProbe(_ model: String) {
        state.withLock { s in s.counters[model, default: Counters()].healthProbes += 1 }
    }

    /// Whether this call is one of the `failNext` transient failures (and uses it up).
    func takeTransientFailure(_ model: String) -> Bool {
        state.withLock { s in
            guard var b = s.behaviours[model], b.failNext > 0 else { return false }
            b.failNext -= 1
            s.behaviours[model] = b
            return true
        }
    }

    func counters() -> [String: Counters] { state.withLock { $0.counters } }

    func resetCounters() { state.withLock { $0.counters.removeAll() } }

    /// A uniform draw in [0, 1) from the seeded generator (xorshift64).
    func random() -> Double {
        state.withLock { s in
            var x = s.rng
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            s.rng = x
            return Double(x >> 11) / Double(1 << 53)
        }
    }
}
