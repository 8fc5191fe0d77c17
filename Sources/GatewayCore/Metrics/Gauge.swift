/// A value that goes up and down per label set (queue depth, breaker state, hit ratio).
public final class Gauge: Sendable {
    public let name: String
    public let help: String
    let table: SeriesTable<GaugeSeries>

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.table = SeriesTable(labelNames: labelNames) { GaugeSeries() }
    }

    public var labelNames: [String] { table.labelNames }

    public func series(_ labelValues: [String]) -> GaugeSeries {
        table.series(labelValues)
    }

    public func set(_ value: Double, labels: [String] = []) {
        series(labels).set(value)
    }

    public func inc(labels: [String] = [], by amount: Double = 1) {
        series(labels).inc(by: amount)
    }

    public func dec(labels: [String] = [], by amount: Double = 1) {
        series(labels).dec(by: amount)
    }
}
