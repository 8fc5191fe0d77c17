/// One counter series: an increment is one atomic add.
public final class CounterSeries: Sendable {
    private let storage = AtomicDouble()

    init() {}

    /// Negative amounts are a bug: counters only go up (a reset is a process restart).
    public func inc(by amount: Double = 1) {
        precondition(amount >= 0, "a counter cannot decrease")
        storage.add(amount)
    }

    public var value: Double { storage.load() }
}
