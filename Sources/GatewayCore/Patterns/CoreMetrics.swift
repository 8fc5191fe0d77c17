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
