import Synchronization

/// The process's metrics, rendered for `GET /metrics` in the Prometheus text format 0.0.4.
///
/// Registering is idempotent: asking again for a name with the same type and labels returns the
/// existing metric, so components need not share handles; the same name with a different shape
/// is a programming error and traps. The exposition lists families sorted by name and series
/// sorted by label values, so two scrapes of the same state are byte-identical. Number format:
/// see `PrometheusText.format`.
public final class MetricsRegistry: Sendable {
    private enum Family: Sendable {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)
    }

    private let families = Mutex<[String: Family]>([:])

    public init() {}

    public func counter(_ name: String, help: String, labelNames: [String] = []) -> Counter {
        register(name, labelNames: labelNames) { .counter(Counter(name: name, help: help, labelNames: labelNames)) } match: {
            if case .counter(let c) = $0, c.labelNames == labelNames { return c }
            return nil
        }
    }

    public func gauge(_ name: String, help: String, labelNames: [String] = []) -> Gauge {
        register(name, labelNames: labelNames) { .gauge(Gauge(name: name, help: help, labelNames: labelNames)) } match: {
            if case .gauge(let g) = $0, g.labelNames == labelNames { return g }
            return nil
        }
    }

    public func histogram(
        _ name: String, help: String, labelNames: [String] = [],
        buckets: [Double] = Histogram.defaultDurationBuckets
    ) -> Histogram {
        precondition(!labelNames.contains("le"), "histogram \(name): \"le\" is reserved for buckets")
        let made = Histogram(name: name, help: help, labelNames: labelNames, buckets: buckets)
        return register(name, labelNames: labelNames) { .histogram(made) } match: {
            if case .histogram(let h) = $0, h.labelNames == labelNames, h.buckets == made.buckets { return h }
            return nil
        }
    }

    public func render() -> String {
        let all = families.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
        var out = ""
        for family in all {
            switch family {
            case .counter(let c): Self.render(c, into: &out)
            case .gauge(let g): Self.render(g, into: &out)
            case .histogram(let h): Self.render(h, into: &out)
            }
        }
        return out
    }

    private func register<M>(
        _ name: String, labelNames: [String], make: () -> Family, match: (Family) -> M?
    ) -> M {
        precondition(PrometheusText.isValidMetricName(name), "invalid metric name \(name)")
        for label in labelNames { precondition(PrometheusText.isValidLabelName(label), "invalid label name \(label)") }
        precondition(Set(labelNames).count == labelNames.count, "metric \(name): duplicate label names")
        return families.withLock { families in
            if let existing = families[name] {
                guard let metric = match(existing) else {
                    preconditionFailure("metric \(name) is already registered with another type or labels")
                }
                return metric
            }
            let family = make()
            families[name] = family
            return match(family)!
        }
    }

    private static func header(_ name: String, _ help: String, _ type: String, into out: inout String) {
        out += "# HELP \(name) \(PrometheusText.escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    private static func render(_ counter: Counter, into out: inout String) {
        header(counter.name, counter.help, "counter", into: &out)
        for (values, series) in counter.table.sorted() {
            sample(counter.name, counter.labelNames, values, series.value, into: &out)
        }
    }

    private static func render(_ gauge: Gauge, into out: inout String) {
        header(gauge.name, gauge.help, "gauge", into: &out)
        for (values, series) in gauge.table.sorted() {
            sample(gauge.name, gauge.labelNames, values, series.value, into: &out)
        }
    }

    private static func render(_ histogram: Histogram, into out: inout String) {
        header(histogram.name, histogram.help, "histogram", into: &out)
        let bounds = histogram.buckets.map(PrometheusText.format) + ["+Inf"]
        let names = histogram.labelNames
        for (values, series) in histogram.table.sorted() {
            let (cumulative, sum, count) = series.snapshot()
            for (bound, n) in zip(bounds, cumulative) {
                out += histogram.name
                out += "_bucket"
                PrometheusText.appendLabels(names: names, values: values, extra: ("le", bound), to: &out)
                out += " \(n)\n"
            }
            sample(histogram.name + "_sum", names, values, sum, into: &out)
            out += histogram.name
            out += "_count"
            PrometheusText.appendLabels(names: names, values: values, to: &out)
            out += " \(count)\n"
        }
    }

    private static func sample(_ name: String, _ names: [String], _ values: [String], _ value: Double, into out: inout String) {
        out += name
        PrometheusText.appendLabels(names: names, values: values, to: &out)
        out += " "
        out += PrometheusText.format(value)
        out += "\n"
    }
}
