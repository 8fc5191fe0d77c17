import Synchronization

/// What the control endpoint has asked a model to do, and what the simulator has served.
/// Shared by every listener; changed by `POST /control`.
final class FaultPlan: Sendable {
    struct Behaviour: Sendable, Equatable {
        /// "ok", "fail" (answer `failStatus`), "hang" (never answer), "wrong_dimensions".
        var mode = "ok"
        var failStatus = 503
        var retryAfter: Int?
        var latencyMilliseconds: Double
        var jitterMilliseconds: Double
        /// Chance of a 503 on an otherwise healthy call.
        var errorRate: Double
    }

    struct Counters: Sendable {
        var embedCalls = 0
        var texts = 0
        var failures = 0
    }

    private let state: Mutex<(behaviours: [String: Behaviour], counters: [String: Counters], rng: UInt64)>
    private let defaults: Behaviour

    init(latencyMilliseconds: Double, jitterMilliseconds: Double, errorRate: Double, seed: UInt64) {
        defaults = Behaviour(latencyMilliseconds: latencyMilliseconds, jitterMilliseconds: jitterMilliseconds,
                             errorRate: errorRate)
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
            s.counters[model] = c
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
