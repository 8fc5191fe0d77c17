import Synchronization

/// The pattern-level Prometheus series of spec §3.
struct CoreMetrics: Sendable {
    let registry: MetricsRegistry
    let requests: Counter
    let duration: Histogram
    let cacheHits: Counter
    let cacheMisses: Counter
    let cacheHitRatio: Gauge
    let queueDepth: Gauge
    let batchJobs: Counter

    init(registry: MetricsRegistry) {
        self.registry = registry
        requests = registry.counter("pattern_requests_total", help: "Embed requests by model, pattern, protocol and outcome.",
                                    labelNames: ["model", "pattern", "protocol", "outcome"])
        duration = registry.histogram("pattern_request_duration_seconds", help: "Time the core spent on embed requests.",
                                      labelNames: ["model", "pattern"])
        cacheHits = registry.counter("pattern_cache_hits_total", help: "Embedding cache hits.", labelNames: ["model"])
        cacheMisses = registry.counter("pattern_cache_misses_total", help: "Embedding cache misses.", labelNames: ["model"])
        cacheHitRatio = registry.gauge("pattern_cache_hit_ratio", help: "Cache hits over lookups since start.", labelNames: ["model"])
        queueDepth = registry.gauge("pattern_batch_queue_depth", help: "Queued (not yet processing) jobs.", labelNames: ["model"])
        batchJobs = registry.counter("pattern_batch_jobs_total", help: "Finished batch jobs by outcome.", labelNames: ["model", "outcome"])
    }
}

/// One model's series resolved once at start, so a request touches atomics instead of hashing
/// label arrays under the registries' locks. The series exist (at zero) from the start, so a
/// scrape lists every model before its first request.
final class ModelSeries: Sendable {
    let cacheHits: CounterSeries
    let cacheMisses: CounterSeries
    let cacheHitRatio: GaugeSeries
    let duration: HistogramSeries
    private let model: String
    private let pattern: String
    private let requests: Counter
    private let requestSeries = Mutex<[RequestLabels: CounterSeries]>([:])

    private struct RequestLabels: Hashable {
        let protocolName: String
        let outcome: String
    }

    init(model: ModelConfig, metrics: CoreMetrics) {
        self.model = model.name
        self.pattern = model.pattern.rawValue
        self.requests = metrics.requests
        cacheHits = metrics.cacheHits.series([model.name])
        cacheMisses = metrics.cacheMisses.series([model.name])
        cacheHitRatio = metrics.cacheHitRatio.series([model.name])
        duration = metrics.duration.series([model.name, model.pattern.rawValue])
    }

    /// `pattern_requests_total` for this model; the protocol × outcome series are few, so each
    /// is resolved once and kept.
    func requests(protocolName: String, outcome: String) -> CounterSeries {
        let labels = RequestLabels(protocolName: protocolName, outcome: outcome)
        return requestSeries.withLock { known in
            if let s = known[labels] { return s }
            let s = requests.series([model, pattern, protocolName, outcome])
            known[labels] = s
            return s
        }
    }
}
