/// Observations counted into buckets per label set (durations in seconds).
public final class Histogram: Sendable {
    /// For request durations in seconds: 0.5 ms (a cache hit) up to 30 s (the request deadline).
    public static let defaultDurationBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]

    public let name: String
    public let help: String
    /// Upper bounds, strictly increasing, without +Inf (always implied).
    public let buckets: [Double]
    let table: SeriesTable<HistogramSeries>

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        var bounds = buckets
        if bounds.last == .infinity { bounds.removeLast() }
        precondition(!bounds.contains(where: \.isNaN), "histogram \(name): NaN bucket bound")
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram \(name): buckets must increase")
        self.name = name
        self.help = help
        let upperBounds = bounds
        self.buckets = upperBounds
        self.table = SeriesTable(labelNames: labelNames) { HistogramSeries(upperBounds: upperBounds) }
    }

    public var labelNames: [String] { table.labelNames }

    public func series(_ labelValues: [String]) -> HistogramSeries {
        table.series(labelValues)
    }

    public func observe(_ value: Double, labels: [String] = []) {
        series(labels).observe(value)
    }
}
