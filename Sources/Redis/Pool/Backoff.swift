/// Delays between failed connection attempts: 50 ms, doubling to at most 2 s, and back to the
/// start once a connection is made. Pure, so tests step it without waiting.
struct Backoff {
    static let initial = 0.05
    static let maximum = 2.0

    private var next = Backoff.initial

    /// Seconds to wait after the attempt that just failed.
    mutating func nextDelay() -> Double {
        defer { next = min(next * 2, Backoff.maximum) }
        return next
    }

    mutating func reset() {
        next = Backoff.initial
    }
}
