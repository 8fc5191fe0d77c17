/// A monotonically increasing value per label set (`*_total`).
public final class Counter: Sendable {
    public let name: String
    public let help: String
    let table: SeriesTable<CounterSeries>

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.table = SeriesTable(labelNames: labelNames) { CounterSeries() }
    }

    public var labelNames: [String] { table.labelNames }

    /// The series for these label values (in `labelNames` order), created at zero if new.
    /// Keep it to skip the lookup on later increments.
    public func series(_ labelValues: [String]) -> CounterSeries {
        table.series(labelValues)
    }

    public func inc(labels: [String] = [], by amount: Double = 1) {
        series(labels).inc(by: amount)
    }
}
