/// Settings that shape the patterns (spec §1's environment variables), after defaults, file
/// and environment.
public struct CoreConfiguration: Sendable, Equatable {
    public var registry: ModelRegistry
    public var hybridUrgentThreshold = 5
    /// Caps every model's batch_size.
    public var bulkBatchSize = 100
    /// Seconds between forced flushes of the bulk queue.
    public var bulkProcessingInterval: Double = 300
    /// Retries after the first attempt. Setting it sets every model's (`ModelConfig.retry`); a
    /// model's own `retry_attempts` is applied after it.
    public var retryAttempts = 3 {
        didSet {
            for name in registry.names { registry.update(name) { $0.retry.maxRetries = retryAttempts } }
        }
    }
    /// Consecutive failed attempts on one endpoint that open its breaker.
    public var circuitBreakerThreshold = 10
    /// Seconds an open breaker waits before a probe; doubles per re-trip up to 300.
    public var breakerCooldown: Double = 30
    /// Queued jobs per model before an enqueue is refused with 429 `queue_full`.
    public var queueLimit = 10_000
    /// Seconds a job may stay claimed by an instance (Redis mode) before a live one takes it
    /// over: longer than the slowest batch, shorter than the wait users accept after a crash.
    public var queueClaimTimeout: Double = 60
    /// Seconds a finished job's record (embeddings, error) stays readable (spec §3: at least
    /// 24 h by default, configurable).
    public var resultRetention: Double = 86_400
    /// Requests in one Batch API input file (spec §8; OpenAI's own limit).
    public var batchMaxLines = 50_000
    public var redisURL: String?
    /// API keys and rate limits; none configured means open access.
    public var security = SecurityConfiguration()
    /// Embedded unless `vector_store: qdrant` or a Qdrant URL is configured.
    public var vectorStore: VectorStoreKind = .embedded
    /// Set whenever `vectorStore` is `.qdrant` (the default address when none was given).
    public var qdrantURL: String?
    /// Sent as Qdrant's `api-key` header; never logged.
    public var qdrantAPIKey: String?
    /// Whether any model's endpoints came from the file or a `*_ENDPOINT` variable. Without,
    /// every model relays to its default address (127.0.0.1:11400–11408), where nothing but the
    /// built-in simulator is expected to listen, so the executable says so.
    public var endpointsConfigured = false
    /// Set by the executable when it was started beside the built-in simulator
    /// (`--simulated-upstreams`), so status pages cannot pass simulated vectors off as a model's.
    public var simulatedUpstreams = false

    public init(registry: ModelRegistry = ModelRegistry()) {
        self.registry = registry
    }
}
