import Synchronization

/// One histogram series. Buckets, sum and count change under one small lock, so a scrape never
/// sees a count that disagrees with the +Inf bucket.
public final class HistogramSeries: Sendable {
    struct Counts {
        /// Per bucket, not cumulative (one increment per observation); +Inf is the last slot.
        var buckets: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    let upperBounds: [Double]
    private let counts: Mutex<Counts>

    init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        self.counts = Mutex(Counts(buckets: [UInt64](repeating: 0, count: upperBounds.count + 1)))
    }

    public func observe(_ value: Double) {
        // Bucket `le` means value <= bound; a linear scan beats binary search at ~15 bounds.
        var index = 0
        while index < upperBounds.count && !(value <= upperBounds[index]) { index += 1 }
        counts.withLock { counts in
            counts.buckets[index] += 1
            counts.sum += value
            counts.count += 1
        }
    }

    public func observe(_ duration: Duration) {
        observe(duration.secondsDouble)
    }

    /// Cumulative counts per bound, the last being +Inf (the exposition's `_bucket` lines).
    public func cumulativeCounts() -> [UInt64] {
        snapshot().cumulative
    }

    public var sum: Double { counts.withLock { $0.sum } }
    public var count: UInt64 { counts.withLock { $0.count } }

    func snapshot() -> (cumulative: [UInt64], sum: Double, count: UInt64) {
        let copy = counts.withLock { $0 }
        var running: UInt64 = 0
        let cumulative = copy.buckets.map { running += $0; return running }
        return (cumulative, copy.sum, copy.count)
    }
}
