import Synchronization
import Upstream
import Tracing

/// Calls the upstreams: each model's replicas and, when configured, the Qdrant vector store.
/// Picks the endpoint with the fewest calls in flight among those in rotation (active health
/// checks) whose breaker admits a call, retries what the group's `RetryPolicy` names with
/// full-jitter backoff (honouring `Retry-After`) but never past the caller's deadline, and feeds
/// every attempt's outcome to that endpoint's breaker and to the metrics. Every call made
/// through it must be idempotent, since an attempt that timed out may still have been carried out.
/// Runs on: the calling task (any executor); the transfers themselves run on the libcurl thread.
public final class UpstreamPool: Sendable {
    /// What one successful embed call gave back.
    public struct Result: Sendable {
        public var vectors: [[Float]]
        /// The base URL of the replica that answered.
        public var endpoint: String
        public var attempts: Int
        /// Time spent in upstream calls (and backoff waits), for `Server-Timing`.
        public var upstreamDuration: Duration
    }

    /// The metrics label and group name of the vector store's endpoint.
    public static let vectorStoreGroupName = "qdrant"

    let client: UpstreamClient
    let clock: any GatewayClock
    let metrics: UpstreamMetrics
    private let groupsByModel: [String: UpstreamGroup]
    /// Qdrant, when it holds the points; kept apart from the models so no model name can clash.
    public let vectorStoreGroup: UpstreamGroup?
    let rotation = Atomic<Int>(0)

    /// `onHealthChange` hears every endpoint leaving or rejoining rotation (for the log line).
    public init(configuration: CoreConfiguration, client: UpstreamClient, metrics: MetricsRegistry,
                clock: any GatewayClock = SystemClock(), retryBaseDelay: Duration = .milliseconds(100),
                onHealthChange: EndpointHealth.TransitionHandler? = nil) {
        self.client = client
        self.clock = clock
        let m = UpstreamMetrics(registry: metrics)
        self.metrics = m
        let breakerConfig = CircuitBreaker.Configuration(
            failureThreshold: configuration.circuitBreakerThreshold,
            baseCooldown: .milliseconds(Int64(configuration.breakerCooldown * 1000)))
        func endpoint(_ group: String, _ url: String, _ checks: HealthCheck.Settings) -> UpstreamEndpoint {
            let breaker = Breaker(configuration: breakerConfig, clock: clock) { t in
                m.breakerState(model: group, endpoint: url, state: t.to)
            }
            m.breakerState(model: group, endpoint: url, state: .closed)
            let health = EndpointHealth(model: group, url: url, settings: checks, clock: clock) { t in
                m.healthy(model: group, endpoint: url, t.to == .healthy)
                onHealthChange?(t)
            }
            m.healthy(model: group, endpoint: url, true)
            return UpstreamEndpoint(model: group, url: url, breaker: breaker, health: health)
        }
        func group(_ name: String, _ endpoints: [UpstreamEndpoint], subject: String, details: [(String, String)],
                   retry: RetryPolicy) -> UpstreamGroup {
            UpstreamGroup(name: name, endpoints: endpoints, subject: subject, details: details, retry: retry,
                          schedule: RetrySchedule(maxRetries: retry.maxRetries, baseDelay: retryBaseDelay))
        }
        var byModel: [String: UpstreamGroup] = [:]
        for model in configuration.registry.models {
            byModel[model.name] = group(model.name, model.endpoints.map { endpoint(model.name, $0, model.healthCheck) },
                                        subject: "every endpoint of \(model.name)", details: [("model", model.name)],
                                        retry: model.retry)
        }
        self.groupsByModel = byModel
        if configuration.vectorStore == .qdrant, let url = configuration.qdrantURL {
            let name = Self.vectorStoreGroupName
            // Qdrant keeps its passive breaker only: its health path differs from the model servers'.
            let checksOff = HealthCheck.Settings(interval: 0)
            vectorStoreGroup = group(name, [endpoint(name, url, checksOff)],
                                     subject: "the vector store (\(name) at \(url))", details: [("store", name)],
                                     retry: RetryPolicy.vectorStore(maxRetries: configuration.retryAttempts))
        } else {
            vectorStoreGroup = nil
        }
    }

    /// Every model's endpoints, for the health checker.
    public var modelEndpoints: [(model: String, endpoints: [UpstreamEndpoint])] {
        groupsByModel.map { ($0.key, $0.value.endpoints) }.sorted { $0.model < $1.model }
    }

    func group(for model: String) -> UpstreamGroup? { groupsByModel[model] }

    public func endpoints(for model: String) -> [UpstreamEndpoint] {
        groupsByModel[model]?.endpoints ?? []
    }

    /// True when some endpoint of `model` would take a call now (in rotation, breaker not open).
    public func isAvailable(_ model: String) -> Bool {
        endpoints(for: model).contains { $0.isAvailable }
    }

    /// True while some endpoint of `model` passes its health checks (whatever its breaker says).
    public func isInRotation(_ model: String) -> Bool {
        endpoints(for: model).contains { $0.health.inRotation }
    }

    /// Embeds `texts` with `model` within `timeout` (the model's, retries included).
    public func embed(model: ModelConfig, texts: [String], requestID: String, trace: TraceContext,
                      timeout: Duration? = nil) async throws(GatewayError) -> Result {
        let group = groupsByModel[model.name] ?? UpstreamGroup(
            name: model.name, endpoints: [], subject: "every endpoint of \(model.name)", details: [("model", model.name)],
            retry: model.retry, schedule: RetrySchedule(maxRetries: model.retry.maxRetries))
        let started = clock.now()
        let deadline = started + (timeout ?? .milliseconds(Int64(model.timeout * 1000)))
        let body = EmbeddingWire.requestBody(model: model.upstreamModel, texts: texts)
        let answer = try await call(group, started: started, deadline: deadline, request: { endpoint, timeout in
            UpstreamRequest(method: "POST", url: endpoint.url + model.dialect.embedPath,
                            headers: UpstreamCallHeaders.json(requestID: requestID, trace: trace),
                            body: body, timeout: timeout)
        }, decode: { (response, endpoint) -> UpstreamVerdict<[[Float]]> in
            guard response.status == 200 else {
                return .unexpected(status: response.status, GatewayError(
                    .upstreamError, "\(model.name) at \(endpoint.url) answered HTTP \(response.status)",
                    details: [("upstream_status", String(response.status))]))
            }
            do throws(GatewayError) {
                return .success(try EmbeddingWire.decode(response.body, dialect: model.dialect, expectedCount: texts.count,
                                                         vectorSize: model.vectorSize))
            } catch {
                // A malformed answer is the upstream's fault, and asking again would get the same.
                return .failure(error, endpointFault: true, retryable: false)
            }
        })
        return Result(vectors: answer.value, endpoint: answer.endpoint, attempts: answer.attempts,
                      upstreamDuration: answer.upstreamDuration)
    }

    static func seconds(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return "\(ms / 1000).\(String(ms % 1000 / 100))"
    }
}

extension UpstreamPool {
    /// GET the dialect's health path on one endpoint (`/health` or `/api/tags`): true on 200.
    public func probeHealth(_ endpoint: UpstreamEndpoint, dialect: UpstreamDialect, timeout: Duration = .seconds(2)) async -> Bool {
        await probe(UpstreamRequest(method: "GET", url: endpoint.url + dialect.healthPath, timeout: timeout))
    }

    /// One active health probe: nil when the endpoint answered 200 in time, else why not.
    func healthProbe(_ endpoint: UpstreamEndpoint, dialect: UpstreamDialect, timeout: Duration) async -> String? {
        do {
            let r = try await client.send(UpstreamRequest(method: "GET", url: endpoint.url + dialect.healthPath, timeout: timeout))
            return r.status == 200 ? nil : "HTTP \(r.status) from \(dialect.healthPath)"
        } catch {
            return "\(error.kind): \(error.message)"
        }
    }

    /// One request outside the breakers and the metrics (health checks must not trip a breaker
    /// or skew the call counts): true on 200.
    func probe(_ request: UpstreamRequest) async -> Bool {
        guard let r = try? await client.send(request) else { return false }
        return r.status == 200
    }
}
