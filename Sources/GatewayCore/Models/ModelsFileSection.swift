/// The `models:` and `patterns:` sections of the YAML file, as decoded (every field optional:
/// what is absent keeps its default). Decoding happens in the executable, which owns the YAML
/// library; the core only validates.
public struct ModelsFileSection: Decodable, Sendable {
    public struct Model: Decodable, Sendable {
        public var pattern: String?
        public var vectorSize: Int?
        public var batchSize: Int?
        public var cacheTTL: Int?
        public var timeout: Double?
        public var index: Index?
        public var endpoints: [String]?
        public var dialect: String?
        public var upstreamModel: String?
        /// Overrides `patterns.health_check` for this model, key by key.
        public var healthCheck: HealthCheckSection?
        public var retryOn: WordList?
        public var retriableStatusCodes: [Int]?
        public var retryAttempts: Int?
        public var maxTokens: Int?

        public init() {}

        public struct Index: Decodable, Sendable {
            public var m: Int?
            public var efConstruct: Int?
            /// Points from which the embedded store keeps a graph (`index_threshold`).
            public var threshold: Int?
            /// The default search-time `ef` (`ef`).
            public var ef: Int?
            enum CodingKeys: String, CodingKey {
                case m, ef
                case efConstruct = "ef_construct"
                case threshold = "index_threshold"
            }
        }

        enum CodingKeys: String, CodingKey {
            case pattern, timeout, index, endpoints, dialect
            case vectorSize = "vector_size"
            case batchSize = "batch_size"
            case cacheTTL = "cache_ttl"
            case upstreamModel = "upstream_model"
            case healthCheck = "health_check"
            case retryOn = "retry_on"
            case retriableStatusCodes = "retriable_status_codes"
            case retryAttempts = "retry_attempts"
            case maxTokens = "max_tokens"
        }
    }

    /// `health_check:` (spec §9), in seconds and counts.
    public struct HealthCheckSection: Decodable, Sendable {
        public var interval: Double?
        public var timeout: Double?
        public var unhealthyThreshold: Int?
        public var healthyThreshold: Int?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case interval, timeout
            case unhealthyThreshold = "unhealthy_threshold"
            case healthyThreshold = "healthy_threshold"
        }
    }

    /// Envoy writes `retry_on` as one comma-separated string; a YAML list is accepted too.
    public struct WordList: Decodable, Sendable {
        public var words: [String]

        public init(_ words: [String]) { self.words = words }

        public init(from decoder: any Decoder) throws {
            if let one = try? decoder.singleValueContainer().decode(String.self) {
                words = one.split(separator: ",").map(String.init)
            } else {
                var list = try decoder.unkeyedContainer()
                var out: [String] = []
                while !list.isAtEnd { out.append(try list.decode(String.self)) }
                words = out
            }
        }
    }

    public struct Patterns: Decodable, Sendable {
        public var realTimeTimeout: Double?
        public var hybridUrgentThreshold: Int?
        public var bulkBatchSize: Int?
        public var bulkProcessingInterval: Double?
        public var retryAttempts: Int?
        public var circuitBreakerThreshold: Int?
        public var breakerCooldown: Double?
        public var queueLimit: Int?
        public var queueClaimTimeout: Double?
        public var resultRetention: Double?
        public var cacheTTL: Int?
        public var redisURL: String?
        public var qdrantURL: String?
        public var vectorStore: String?
        public var qdrantAPIKey: String?
        public var healthCheck: HealthCheckSection?
        public var retryOn: WordList?
        public var retriableStatusCodes: [Int]?
        public var batchMaxLines: Int?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case realTimeTimeout = "real_time_timeout"
            case hybridUrgentThreshold = "hybrid_urgent_threshold"
            case bulkBatchSize = "bulk_batch_size"
            case bulkProcessingInterval = "bulk_processing_interval"
            case retryAttempts = "retry_attempts"
            case circuitBreakerThreshold = "circuit_breaker_threshold"
            case breakerCooldown = "breaker_cooldown"
            case queueLimit = "queue_limit"
            case queueClaimTimeout = "queue_claim_timeout"
            case resultRetention = "result_retention"
            case cacheTTL = "cache_ttl"
            case redisURL = "redis_url"
            case qdrantURL = "qdrant_url"
            case vectorStore = "vector_store"
            case qdrantAPIKey = "qdrant_api_key"
            case healthCheck = "health_check"
            case retryOn = "retry_on"
            case retriableStatusCodes = "retriable_status_codes"
            case batchMaxLines = "batch_max_lines"
        }
    }

    /// `security:` — API keys (SHA-256 hashes, roles) and their rate limits (spec §6).
    public struct Security: Decodable, Sendable {
        public struct Key: Decodable, Sendable {
            public var name: String?
            public var sha256: String?
            public var role: String?
            public var rate: Double?
            public var burst: Int?
            public var tokensPerMinute: Int?

            public init() {}

            enum CodingKeys: String, CodingKey {
                case name, sha256, role, rate, burst
                case tokensPerMinute = "tokens_per_minute"
            }
        }

        public struct RateLimit: Decodable, Sendable {
            public var rate: Double?
            public var burst: Int?
            public var tokensPerMinute: Int?

            public init() {}

            enum CodingKeys: String, CodingKey {
                case rate, burst
                case tokensPerMinute = "tokens_per_minute"
            }
        }

        public var apiKeys: [Key]?
        public var rateLimit: RateLimit?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case apiKeys = "api_keys"
            case rateLimit = "rate_limit"
        }
    }

    public var models: [String: Model]?
    public var patterns: Patterns?
    public var security: Security?

    public init() {}
}
