/// The upstream series of spec §3 and §9: attempts by outcome, their durations, each endpoint's
/// breaker state (0 closed, 1 half-open, 2 open) and whether its health checks pass.
struct UpstreamMetrics: Sendable {
    let requests: Counter
    let duration: Histogram
    let breaker: Gauge
    let endpointHealthy: Gauge

    init(registry: MetricsRegistry) {
        requests = registry.counter("integration_upstream_requests_total",
                                    help: "Upstream attempts (model servers and the vector store) by model, endpoint and outcome.",
                                    labelNames: ["model", "endpoint", "outcome"])
        duration = registry.histogram("integration_upstream_duration_seconds",
                                      help: "Duration of upstream attempts.",
                                      labelNames: ["model", "endpoint"])
        breaker = registry.gauge("integration_circuit_breaker_state",
                                 help: "Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open.",
                                 labelNames: ["model", "endpoint"])
        endpointHealthy = registry.gauge("integration_endpoint_healthy",
                                 help: "1 while the endpoint passes its active health checks (in rotation), else 0.",
                                 labelNames: ["model", "endpoint"])
    }

    func healthy(model: String, endpoint: String, _ inRotation: Bool) {
        endpointHealthy.set(inRotation ? 1 : 0, labels: [model, endpoint])
    }

    func attempt(model: String, endpoint: String, outcome: String, duration d: Duration) {
        requests.inc(labels: [model, endpoint, outcome])
        duration.observe(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, labels: [model, endpoint])
    }

    func breakerState(model: String, endpoint: String, state: CircuitBreaker.State) {
        breaker.set(Double(state.metricValue), labels: [model, endpoint])
    }
}
