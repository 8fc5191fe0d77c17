/// Settings that shape the patterns (spec §1's environment variables), after defaults, file
/// and environment.
public struct CoreConfiguration: Sendable, Equatable {
    public var registry: ModelRegistry
    public var hybridUrgentThreshold = 5
    /// Caps every model's batch_size.
    public var bulkBatchSize = 100
    /// Seconds between forced flushes of the bulk queue.
    public var bulkProcessingInterval: Double = 300
    /// Retries after the first attempt.
    public var retryAttempts = 3
    /// Consecutive failed attempts on one endpoint that open its breaker.
    public var circuitBreakerThreshold = 10
    /// Seconds an open breaker waits before a probe; doubles per re-trip up to 300.
    public var breakerCooldown: Double = 30
    public var redisURL: String?
    public var qdrantURL: String?

    public init(registry: ModelRegistry = ModelRegistry()) {
        self.registry = registry
    }
}
