/// One model's effective settings after the defaults, the YAML file and the environment.
public struct ModelConfig: Sendable, Equatable {
    public var name: String
    public var pattern: IntegrationPattern
    public var vectorSize: Int
    public var batchSize: Int
    /// Seconds a cached embedding stays valid.
    public var cacheTTL: Int
    /// Seconds for one whole request, retries included.
    public var timeout: Double
    public var indexM: Int
    public var indexEfConstruct: Int
    /// Points from which the embedded store keeps an HNSW graph for the model's collection
    /// (below it, the exact scan answers).
    public var indexThreshold = 20_000
    /// Candidates a graph search keeps when the request names none (`ef`); at least the limit.
    public var searchEf = 128
    /// Base URLs of the replicas, e.g. "http://127.0.0.1:11403".
    public var endpoints: [String]
    public var dialect: UpstreamDialect
    /// The `model` field sent upstream; the model's name unless configured.
    public var upstreamModel: String
    /// Active health checks of each endpoint (spec §9).
    public var healthCheck = HealthCheck.Settings()
    /// Which failed attempts are retried, and how many times (spec §9).
    public var retry = RetryPolicy()
    /// The most tokens one generation may ask for (spec §7, YAML `models.<model>.max_tokens`).
    public var maxTokens = 4096

    public init(name: String, pattern: IntegrationPattern, vectorSize: Int, batchSize: Int, cacheTTL: Int,
                timeout: Double = 30, indexM: Int, indexEfConstruct: Int, endpoints: [String],
                dialect: UpstreamDialect = .openai, upstreamModel: String? = nil) {
        self.name = name
        self.pattern = pattern
        self.vectorSize = vectorSize
        self.batchSize = batchSize
        self.cacheTTL = cacheTTL
        self.timeout = timeout
        self.indexM = indexM
        self.indexEfConstruct = indexEfConstruct
        self.endpoints = endpoints
        self.dialect = dialect
        self.upstreamModel = upstreamModel ?? name
    }
}
