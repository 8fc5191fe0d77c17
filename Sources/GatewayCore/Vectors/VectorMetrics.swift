import Synchronization

/// The vector operations' Prometheus series. Names of their own rather than more labels on
/// `pattern_requests_total`, so dashboards built on the embed series keep their meaning.
final class VectorMetrics: Sendable {
    private let requests: Counter
    private let durations: [VectorOperation: [String: HistogramSeries]]
    let searchCacheHits: [String: CounterSeries]
    let searchCacheMisses: [String: CounterSeries]
    let points: [String: GaugeSeries]
    private let requestSeries = Mutex<[String: CounterSeries]>([:])

    init(registry: MetricsRegistry, models: [String]) {
        requests = registry.counter("pattern_vector_requests_total", help: "Vector ingest and search requests by outcome.",
                                    labelNames: ["model", "operation", "protocol", "outcome"])
        let duration = registry.histogram("pattern_vector_request_duration_seconds",
                                          help: "Time the core spent on vector ingest and search.",
                                          labelNames: ["model", "operation"])
        durations = Dictionary(uniqueKeysWithValues: VectorOperation.allCases.map { op in
            (op, Dictionary(uniqueKeysWithValues: models.map { ($0, duration.series([$0, op.rawValue])) }))
        })
        let hits = registry.counter("pattern_search_cache_hits_total", help: "Search-result cache hits.", labelNames: ["model"])
        let misses = registry.counter("pattern_search_cache_misses_total", help: "Search-result cache misses.", labelNames: ["model"])
        let stored = registry.gauge("pattern_vector_points", help: "Points in the model's collection.", labelNames: ["model"])
        searchCacheHits = Dictionary(uniqueKeysWithValues: models.map { ($0, hits.series([$0])) })
        searchCacheMisses = Dictionary(uniqueKeysWithValues: models.map { ($0, misses.series([$0])) })
        points = Dictionary(uniqueKeysWithValues: models.map { ($0, stored.series([$0])) })
    }

    func finished(model: String, _ op: VectorOperation, protocolName: String, outcome: String, seconds: Double) {
        durations[op]?[model]?.observe(seconds)
        let key = "\(model)|\(op.rawValue)|\(protocolName)|\(outcome)"
        let series = requestSeries.withLock { known in
            if let s = known[key] { return s }
            let s = requests.series([model, op.rawValue, protocolName, outcome])
            known[key] = s
            return s
        }
        series.inc()
    }
}
