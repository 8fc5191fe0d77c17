/// One gauge series: every operation is one atomic store or add.
public final class GaugeSeries: Sendable {
    private let storage = AtomicDouble()

    init() {}

    public func set(_ value: Double) {
        storage.store(value)
    }

    public func inc(by amount: Double = 1) {
        storage.add(amount)
    }

    public func dec(by amount: Double = 1) {
        storage.add(-amount)
    }

    public var value: Double { storage.load() }
}
