import Synchronization

/// The series of one metric family, keyed by label values. Looking one up takes a lock and a
/// hash of the values; callers on a hot path resolve a series once and keep the handle.
final class SeriesTable<Series: Sendable>: Sendable {
    let labelNames: [String]
    private let make: @Sendable () -> Series
    private let table: Mutex<[[String]: Series]>

    init(labelNames: [String], make: @escaping @Sendable () -> Series) {
        self.labelNames = labelNames
        self.make = make
        // An unlabelled metric has exactly one series; it exists (at zero) from the start, as in
        // the Prometheus client libraries, so it is scraped before anything happens.
        self.table = Mutex(labelNames.isEmpty ? [[]: make()] : [:])
    }

    func series(_ labelValues: [String]) -> Series {
        precondition(
            labelValues.count == labelNames.count,
            "expected \(labelNames.count) label values \(labelNames), got \(labelValues.count)")
        return table.withLock { table in
            if let found = table[labelValues] { return found }
            let created = make()
            table[labelValues] = created
            return created
        }
    }

    /// Every series, ordered by label values for a stable exposition.
    func sorted() -> [(labelValues: [String], series: Series)] {
        let all = table.withLock { table in table.map { (labelValues: $0.key, series: $0.value) } }
        return all.sorted { $0.labelValues.lexicographicallyPrecedes($1.labelValues) }
    }
}
