import Synchronization
import Upstream

/// Calls a model's upstreams: picks the replica with the fewest calls in flight among those
/// whose breaker admits a call, retries connect errors, 502/503/504 and timeouts with full-jitter
/// backoff (honouring `Retry-After`) but never past the caller's deadline, and feeds every
/// attempt's outcome to that endpoint's breaker and to the metrics.
public final class UpstreamPool: Sendable {
    /// What one successful call gave back.
    public struct Result: Sendable {
        public var vectors: [[Float]]
        /// The base URL of the replica that answered.
        public var endpoint: String
        public var attempts: Int
        /// Time spent in upstream calls (and backoff waits), for `Server-Timing`.
        public var upstreamDuration: Duration
    }

    private let client: UpstreamClient
    private let endpointsByModel: [String: [UpstreamEndpoint]]
    private let schedule: RetrySchedule
    private let clock: any GatewayClock
    private let metrics: UpstreamMetrics
    private let rotation = Atomic<Int>(0)

    public init(configuration: CoreConfiguration, client: UpstreamClient, metrics: MetricsRegistry,
                clock: any GatewayClock = SystemClock(), retryBaseDelay: Duration = .milliseconds(100)) {
        self.client = client
        self.clock = clock
        self.schedule = RetrySchedule(maxRetries: configuration.retryAttempts, baseDelay: retryBaseDelay)
        let m = UpstreamMetrics(registry: metrics)
        self.metrics = m
        let breakerConfig = CircuitBreaker.Configuration(
            failureThreshold: configuration.circuitBreakerThreshold,
            baseCooldown: .milliseconds(Int64(configuration.breakerCooldown * 1000)))
        var byModel: [String: [UpstreamEndpoint]] = [:]
        for model in configuration.registry.models {
            byModel[model.name] = model.endpoints.map { url in
                let breaker = Breaker(configuration: breakerConfig, clock: clock) { t in
                    m.breakerState(model: model.name, endpoint: url, state: t.to)
                }
                m.breakerState(model: model.name, endpoint: url, state: .closed)
                return UpstreamEndpoint(model: model.name, url: url, breaker: breaker)
            }
        }
        self.endpointsByModel = byModel
    }

    public func endpoints(for model: String) -> [UpstreamEndpoint] {
        endpointsByModel[model] ?? []
    }

    /// True when some endpoint of `model` would take a call now (breaker not open).
    public func isAvailable(_ model: String) -> Bool {
        endpoints(for: model).contains { $0.breaker.state != .open || $0.breaker.snapshot().secondsUntilProbe == 0 }
    }

    /// Embeds `texts` with `model` within `timeout` (the model's, retries included).
    public func embed(model: ModelConfig, texts: [String], requestID: String,
                      timeout: Duration? = nil) async throws(GatewayError) -> Result {
        let started = clock.now()
        let deadline = started + (timeout ?? .milliseconds(Int64(model.timeout * 1000)))
        let body = EmbeddingWire.requestBody(model: model.upstreamModel, texts: texts)
        var rng = SystemRandomNumberGenerator()
        var attempt = 0
        var lastError: GatewayError?
        while true {
            guard let (endpoint, probe) = pick(model.name) else {
                if let lastError { throw lastError }
                throw circuitOpen(model.name)
            }
            attempt += 1
            let remaining = deadline - clock.now()
            let outcome = await call(endpoint, probe: probe, model: model, body: body, count: texts.count,
                                     requestID: requestID, timeout: remaining)
            switch outcome {
            case .success(let vectors):
                return Result(vectors: vectors, endpoint: endpoint.url, attempts: attempt,
                              upstreamDuration: clock.now() - started)
            case .failure(let error, let retryable, let retryAfter):
                lastError = error
                let left = deadline - clock.now()
                guard retryable, left > .zero,
                      let delay = schedule.delay(beforeRetry: attempt, retryAfter: retryAfter, remaining: left, random: &rng)
                else {
                    throw left <= .zero && error.code != .circuitOpen
                        ? GatewayError(.upstreamTimeout, "\(model.name) did not answer within \(Self.seconds(deadline - started)) s (\(attempt) attempt\(attempt == 1 ? "" : "s"))")
                        : error
                }
                if delay > .zero {
                    do { try await Task.sleep(for: delay) } catch {
                        throw GatewayError(.unavailable, "the request was cancelled")
                    }
                }
            }
        }
    }

    private enum Outcome {
        case success([[Float]])
        case failure(GatewayError, retryable: Bool, retryAfter: Duration?)
    }

    private func call(_ endpoint: UpstreamEndpoint, probe: Bool, model: ModelConfig, body: [UInt8], count: Int,
                      requestID: String, timeout: Duration) async -> Outcome {
        let request = UpstreamRequest(
            method: "POST", url: endpoint.url + model.dialect.embedPath,
            headers: [("Content-Type", "application/json"), ("X-Request-Id", requestID)], body: body,
            timeout: max(timeout, .milliseconds(1)))
        endpoint.began()
        let t0 = clock.now()
        let response: UpstreamResponse
        do {
            response = try await client.send(request)
        } catch {
            endpoint.ended()
            let took = clock.now() - t0
            switch error.kind {
            case .cancelled:
                endpoint.breaker.abandon(probe: probe)
                metrics.attempt(model: model.name, endpoint: endpoint.url, outcome: "cancelled", duration: took)
                return .failure(GatewayError(.unavailable, "the request was cancelled"), retryable: false, retryAfter: nil)
            case .timeout:
                endpoint.breaker.record(success: false, probe: probe)
                metrics.attempt(model: model.name, endpoint: endpoint.url, outcome: "timeout", duration: took)
                return .failure(GatewayError(.upstreamTimeout, "\(model.name) at \(endpoint.url) timed out"),
                                retryable: true, retryAfter: nil)
            default:
                endpoint.breaker.record(success: false, probe: probe)
                metrics.attempt(model: model.name, endpoint: endpoint.url, outcome: "error", duration: took)
                return .failure(GatewayError(.upstreamError, "\(model.name) at \(endpoint.url): \(error.message)"),
                                retryable: error.isRetryable, retryAfter: nil)
            }
        }
        endpoint.ended()
        let took = clock.now() - t0
        guard response.status == 200 else {
            let status = response.status
            let retryable = RetrySchedule.isRetryable(status: status)
            // A 4xx says the server is alive and disliked the request: not the endpoint's fault.
            let endpointFault = status >= 500 || status == 429
            endpoint.breaker.record(success: !endpointFault, probe: probe)
            metrics.attempt(model: model.name, endpoint: endpoint.url, outcome: "http_\(status)", duration: took)
            return .failure(GatewayError(.upstreamError, "\(model.name) at \(endpoint.url) answered HTTP \(status)",
                                         details: [("upstream_status", String(status))]),
                            retryable: retryable,
                            retryAfter: response.header("retry-after").flatMap(RetrySchedule.parseRetryAfter))
        }
        do {
            let vectors = try EmbeddingWire.decode(response.body, dialect: model.dialect, expectedCount: count,
                                                   vectorSize: model.vectorSize)
            endpoint.breaker.record(success: true, probe: probe)
            metrics.attempt(model: model.name, endpoint: endpoint.url, outcome: "success", duration: took)
            return .success(vectors)
        } catch {
            // A malformed answer is the upstream's fault, and asking again would get the same.
            endpoint.breaker.record(success: false, probe: probe)
            metrics.attempt(model: model.name, endpoint: endpoint.url, outcome: "invalid_response", duration: took)
            return .failure(error, retryable: false, retryAfter: nil)
        }
    }

    /// The replica with the fewest calls in flight whose breaker admits a call; ties rotate.
    private func pick(_ model: String) -> (UpstreamEndpoint, probe: Bool)? {
        let all = endpoints(for: model)
        guard !all.isEmpty else { return nil }
        let start = rotation.wrappingAdd(1, ordering: .relaxed).oldValue
        let rotated = (0..<all.count).map { all[(start + $0) % all.count] }
        for endpoint in rotated.sorted(by: { $0.inFlight < $1.inFlight }) {
            if case .allowed(let probe) = endpoint.breaker.acquire() {
                return (endpoint, probe)
            }
        }
        return nil
    }

    private func circuitOpen(_ model: String) -> GatewayError {
        let waits = endpoints(for: model).compactMap { $0.breaker.snapshot().secondsUntilProbe }
        let retryAfter = max(1, Int((waits.min() ?? 1).rounded(.up)))
        return GatewayError(.circuitOpen, "every endpoint of \(model) has an open circuit breaker; retry after \(retryAfter) s",
                            details: [("model", model)], retryAfter: retryAfter)
    }

    static func seconds(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return "\(ms / 1000).\(String(ms % 1000 / 100))"
    }
}

extension UpstreamPool {
    /// GET the dialect's health path on one endpoint (`/health` or `/api/tags`): true on 200.
    public func probeHealth(_ endpoint: UpstreamEndpoint, dialect: UpstreamDialect, timeout: Duration = .seconds(2)) async -> Bool {
        let request = UpstreamRequest(method: "GET", url: endpoint.url + dialect.healthPath, timeout: timeout)
        guard let r = try? await client.send(request) else { return false }
        return r.status == 200
    }
}
