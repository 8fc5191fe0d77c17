import Synchronization

/// The latest observations of one model's latency, for the p50/p95/p99 the metrics endpoints
/// report. A fixed ring (default 1,024): recent behaviour, bounded memory, and recording is an
/// index bump under a lock; the sort happens only when someone asks.
public final class LatencyWindow: Sendable {
    private struct Ring {
        var samples: [Double]
        var next = 0
        var filled = 0
    }

    public let capacity: Int
    private let ring: Mutex<Ring>

    public init(capacity: Int = 1024) {
        precondition(capacity >= 1, "a window holds at least one observation")
        self.capacity = capacity
        self.ring = Mutex(Ring(samples: [Double](repeating: 0, count: capacity)))
    }

    public func observe(milliseconds: Double) {
        ring.withLock { ring in
            ring.samples[ring.next] = milliseconds
            ring.next = ring.next + 1 == ring.samples.count ? 0 : ring.next + 1
            ring.filled = min(ring.filled + 1, ring.samples.count)
        }
    }

    public func observe(_ duration: Duration) {
        observe(milliseconds: duration.secondsDouble * 1000)
    }

    /// How many observations the window holds now (at most `capacity`).
    public var count: Int { ring.withLock { $0.filled } }

    /// Nearest-rank percentiles in milliseconds (the smallest sample with at least p% of the
    /// window at or below it), so every answer is a latency that actually happened. All zero
    /// when nothing has been observed.
    public func percentiles() -> (p50: Double, p95: Double, p99: Double) {
        let sorted = window().sorted()
        guard !sorted.isEmpty else { return (0, 0, 0) }
        func rank(_ p: Int) -> Double {
            // ceil(p/100 × n) in integers, 1-based.
            let r = (p * sorted.count + 99) / 100
            return sorted[max(r, 1) - 1]
        }
        return (rank(50), rank(95), rank(99))
    }

    /// The mean of the window in milliseconds (0 when empty).
    public func average() -> Double { averageAndCount().average }

    /// The mean and the number of observations it is taken over, read at one moment; summed in
    /// place, since a status request should not copy the window.
    public func averageAndCount() -> (average: Double, count: Int) {
        ring.withLock { ring in
            guard ring.filled > 0 else { return (0, 0) }
            var sum = 0.0
            for i in 0..<ring.filled { sum += ring.samples[i] }
            return (sum / Double(ring.filled), ring.filled)
        }
    }

    private func window() -> [Double] {
        ring.withLock { Array($0.samples[0..<$0.filled]) }
    }
}
