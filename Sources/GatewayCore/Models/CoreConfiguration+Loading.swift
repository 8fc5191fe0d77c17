/// Builds the effective configuration: spec defaults, then the YAML file's `models:` and
/// `patterns:` sections, then the environment. The first bad value stops it, naming the file
/// (or "environment"), the key and the reason.
extension CoreConfiguration {
    public static func load(file section: ModelsFileSection?, fileName: String,
                            environment env: [String: String]) throws(ConfigurationError) -> CoreConfiguration {
        var c = CoreConfiguration()
        if let section { try c.apply(section, file: fileName) }
        if let security = section?.security { c.security = try SecurityConfiguration.load(security, file: fileName) }
        try c.apply(environment: env)
        if c.vectorStore == .qdrant, c.qdrantURL == nil { c.qdrantURL = VectorStoreKind.defaultQdrantURL }
        return c
    }

    private mutating func apply(_ section: ModelsFileSection, file: String) throws(ConfigurationError) {
        // Before the models, so that a model's own health_check and retry settings win.
        if let p = section.patterns { try applyUpstreamPolicies(p, file: file) }
        for (rawName, m) in (section.models ?? [:]).sorted(by: { $0.key < $1.key }) {
            let key = "models.\(rawName)"
            guard let model = registry.model(named: rawName) else {
                throw ConfigurationError(file: file, key: key,
                                         reason: "unknown model; known: \(registry.names.joined(separator: ", "))")
            }
            var updated = model
            if let p = m.pattern {
                guard let pattern = IntegrationPattern(rawValue: p) else {
                    throw ConfigurationError(file: file, key: "\(key).pattern", reason: "must be real_time, hybrid or bulk_only, not \(p)")
                }
                updated.pattern = pattern
            }
            if let v = m.vectorSize { updated.vectorSize = try Self.range(v, 1...65536, file, "\(key).vector_size") }
            if let v = m.batchSize { updated.batchSize = try Self.range(v, 1...10000, file, "\(key).batch_size") }
            if let v = m.cacheTTL { updated.cacheTTL = try Self.range(v, 0...(30 * 86400), file, "\(key).cache_ttl") }
            if let v = m.timeout { updated.timeout = try Self.positive(v, file, "\(key).timeout") }
            if let v = m.index?.m { updated.indexM = try Self.range(v, 2...512, file, "\(key).index.m") }
            if let v = m.index?.efConstruct { updated.indexEfConstruct = try Self.range(v, 4...4096, file, "\(key).index.ef_construct") }
            if let v = m.index?.threshold { updated.indexThreshold = try Self.range(v, 1...1_000_000_000, file, "\(key).index.index_threshold") }
            if let v = m.index?.ef { updated.searchEf = try Self.range(v, 1...10_000, file, "\(key).index.ef") }
            if let v = m.endpoints { updated.endpoints = try Self.endpoints(v, file, "\(key).endpoints") }
            if m.endpoints != nil { endpointsConfigured = true }
            if let d = m.dialect {
                guard let dialect = UpstreamDialect(rawValue: d) else {
                    throw ConfigurationError(file: file, key: "\(key).dialect", reason: "must be openai or ollama, not \(d)")
                }
                updated.dialect = dialect
            }
            if let u = m.upstreamModel, !u.isEmpty { updated.upstreamModel = u }
            if let h = m.healthCheck { updated.healthCheck = try Self.healthCheck(h, over: updated.healthCheck, file, "\(key).health_check") }
            if let w = m.retryOn { updated.retry.conditions = try Self.retryOn(w, file, "\(key).retry_on") }
            if let codes = m.retriableStatusCodes {
                updated.retry.retriableStatusCodes = try Self.retriableStatusCodes(codes, file, "\(key).retriable_status_codes")
            }
            if let v = m.retryAttempts { updated.retry.maxRetries = try Self.range(v, 0...10, file, "\(key).retry_attempts") }
            if let v = m.maxTokens { updated.maxTokens = try Self.range(v, 1...1_000_000, file, "\(key).max_tokens") }
            registry.update(model.name) { $0 = updated }
        }
        if let p = section.patterns {
            if let v = p.realTimeTimeout { try setTimeouts(Self.positive(v, file, "patterns.real_time_timeout")) }
            if let v = p.hybridUrgentThreshold { hybridUrgentThreshold = v }
            if let v = p.bulkBatchSize { bulkBatchSize = try Self.range(v, 1...10000, file, "patterns.bulk_batch_size") }
            if let v = p.bulkProcessingInterval { bulkProcessingInterval = try Self.positive(v, file, "patterns.bulk_processing_interval") }
            if let v = p.circuitBreakerThreshold { circuitBreakerThreshold = try Self.range(v, 1...10000, file, "patterns.circuit_breaker_threshold") }
            if let v = p.breakerCooldown { breakerCooldown = try Self.positive(v, file, "patterns.breaker_cooldown") }
            if let v = p.queueLimit { queueLimit = try Self.range(v, 1...10_000_000, file, "patterns.queue_limit") }
            if let v = p.queueClaimTimeout { queueClaimTimeout = try Self.positive(v, file, "patterns.queue_claim_timeout") }
            if let v = p.resultRetention { resultRetention = try Self.positive(v, file, "patterns.result_retention") }
            if let v = p.batchMaxLines { batchMaxLines = try Self.range(v, 1...1_000_000, file, "patterns.batch_max_lines") }
            if let v = p.cacheTTL { setCacheTTL(try Self.range(v, 0...(30 * 86400), file, "patterns.cache_ttl")) }
            if let v = p.redisURL, !v.isEmpty { redisURL = v }
            if let v = p.qdrantURL, !v.isEmpty { qdrantURL = try Self.qdrantURL(v, file, "patterns.qdrant_url") }
            if let v = p.vectorStore {
                guard let kind = VectorStoreKind(rawValue: v) else {
                    throw ConfigurationError(file: file, key: "patterns.vector_store", reason: "must be embedded or qdrant, not \(v)")
                }
                vectorStore = kind
            } else if qdrantURL != nil {
                vectorStore = .qdrant
            }
            if let v = p.qdrantAPIKey, !v.isEmpty { qdrantAPIKey = try Self.apiKey(v, file, "patterns.qdrant_api_key") }
        }
    }

    /// `patterns.health_check`, `retry_on`, `retriable_status_codes` and `retry_attempts`: the
    /// defaults of every model.
    private mutating func applyUpstreamPolicies(_ p: ModelsFileSection.Patterns, file: String) throws(ConfigurationError) {
        if let h = p.healthCheck {
            let settings = try Self.healthCheck(h, over: HealthCheck.Settings(), file, "patterns.health_check")
            forEachModel { $0.healthCheck = settings }
        }
        if let w = p.retryOn {
            let conditions = try Self.retryOn(w, file, "patterns.retry_on")
            forEachModel { $0.retry.conditions = conditions }
        }
        if let codes = p.retriableStatusCodes {
            let set = try Self.retriableStatusCodes(codes, file, "patterns.retriable_status_codes")
            forEachModel { $0.retry.retriableStatusCodes = set }
        }
        if let v = p.retryAttempts { retryAttempts = try Self.range(v, 0...10, file, "patterns.retry_attempts") }
    }

    private mutating func forEachModel(_ change: (inout ModelConfig) -> Void) {
        for name in registry.names { registry.update(name, change) }
    }

    private mutating func apply(environment env: [String: String]) throws(ConfigurationError) {
        let file = "environment"
        for model in registry.models {
            let variable = ModelRegistry.endpointVariable(for: model.name)
            if let v = env[variable], !v.isEmpty {
                let list = v.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }
                let parsed = try Self.endpoints(list, file, variable)
                registry.update(model.name) { $0.endpoints = parsed }
                endpointsConfigured = true
            }
            // MODEL_INDEX_THRESHOLD_GENERAL, MODEL_HNSW_EF_YI34: the model's part of its endpoint variable.
            let suffix = String(variable.dropLast("_ENDPOINT".count))
            let threshold = "MODEL_INDEX_THRESHOLD_" + suffix
            if let v = env[threshold], !v.isEmpty {
                let parsed = try Self.range(Self.int(v, file, threshold), 1...1_000_000_000, file, threshold)
                registry.update(model.name) { $0.indexThreshold = parsed }
            }
            let ef = "MODEL_HNSW_EF_" + suffix
            if let v = env[ef], !v.isEmpty {
                let parsed = try Self.range(Self.int(v, file, ef), 1...10_000, file, ef)
                registry.update(model.name) { $0.searchEf = parsed }
            }
        }
        if let v = env["REAL_TIME_TIMEOUT"] { try setTimeouts(Self.positive(Self.double(v, file, "REAL_TIME_TIMEOUT"), file, "REAL_TIME_TIMEOUT")) }
        if let v = env["HYBRID_URGENT_THRESHOLD"] { hybridUrgentThreshold = try Self.int(v, file, "HYBRID_URGENT_THRESHOLD") }
        if let v = env["BULK_BATCH_SIZE"] { bulkBatchSize = try Self.range(Self.int(v, file, "BULK_BATCH_SIZE"), 1...10000, file, "BULK_BATCH_SIZE") }
        if let v = env["BULK_PROCESSING_INTERVAL"] {
            bulkProcessingInterval = try Self.positive(Self.double(v, file, "BULK_PROCESSING_INTERVAL"), file, "BULK_PROCESSING_INTERVAL")
        }
        if let v = env["PATTERN_RETRY_ATTEMPTS"] { retryAttempts = try Self.range(Self.int(v, file, "PATTERN_RETRY_ATTEMPTS"), 0...10, file, "PATTERN_RETRY_ATTEMPTS") }
        if let v = env["PATTERN_RETRY_ON"], !v.isEmpty {
            let conditions = try Self.retryOn(ModelsFileSection.WordList(v.split(separator: ",").map(String.init)), file, "PATTERN_RETRY_ON")
            forEachModel { $0.retry.conditions = conditions }
        }
        // Each health-check variable sets one key for every model, over the file's values.
        for (variable, key) in [("PATTERN_HEALTH_INTERVAL", "interval"), ("PATTERN_HEALTH_TIMEOUT", "timeout"),
                                ("PATTERN_HEALTH_UNHEALTHY_THRESHOLD", "unhealthy_threshold"),
                                ("PATTERN_HEALTH_HEALTHY_THRESHOLD", "healthy_threshold")] {
            guard let v = env[variable], !v.isEmpty else { continue }
            var section = ModelsFileSection.HealthCheckSection()
            switch key {
            case "interval": section.interval = try Self.double(v, file, variable)
            case "timeout": section.timeout = try Self.double(v, file, variable)
            case "unhealthy_threshold": section.unhealthyThreshold = try Self.int(v, file, variable)
            default: section.healthyThreshold = try Self.int(v, file, variable)
            }
            for name in registry.names {
                guard let m = registry.model(named: name) else { continue }
                let settings = try Self.healthCheck(section, over: m.healthCheck, file, variable)
                registry.update(name) { $0.healthCheck = settings }
            }
        }
        if let v = env["PATTERN_CIRCUIT_BREAKER_THRESHOLD"] {
            circuitBreakerThreshold = try Self.range(Self.int(v, file, "PATTERN_CIRCUIT_BREAKER_THRESHOLD"), 1...10000, file, "PATTERN_CIRCUIT_BREAKER_THRESHOLD")
        }
        if let v = env["PATTERN_BREAKER_COOLDOWN"] {
            breakerCooldown = try Self.positive(Self.double(v, file, "PATTERN_BREAKER_COOLDOWN"), file, "PATTERN_BREAKER_COOLDOWN")
        }
        if let v = env["PATTERN_QUEUE_LIMIT"], !v.isEmpty {
            queueLimit = try Self.range(Self.int(v, file, "PATTERN_QUEUE_LIMIT"), 1...10_000_000, file, "PATTERN_QUEUE_LIMIT")
        }
        if let v = env["PATTERN_RESULT_RETENTION"], !v.isEmpty {
            resultRetention = try Self.positive(Self.double(v, file, "PATTERN_RESULT_RETENTION"), file, "PATTERN_RESULT_RETENTION")
        }
        if let v = env["PATTERN_QUEUE_CLAIM_TIMEOUT"], !v.isEmpty {
            queueClaimTimeout = try Self.positive(Self.double(v, file, "PATTERN_QUEUE_CLAIM_TIMEOUT"), file, "PATTERN_QUEUE_CLAIM_TIMEOUT")
        }
        if let v = env["PATTERN_CACHE_TTL"], !v.isEmpty {
            setCacheTTL(try Self.range(Self.int(v, file, "PATTERN_CACHE_TTL"), 0...(30 * 86400), file, "PATTERN_CACHE_TTL"))
        }
        if let v = env["REDIS_URL"], !v.isEmpty { redisURL = v }
        if let v = env["QDRANT_URL"], !v.isEmpty {
            qdrantURL = try Self.qdrantURL(v, file, "QDRANT_URL")
            vectorStore = .qdrant
        }
        if let v = env["QDRANT_API_KEY"], !v.isEmpty { qdrantAPIKey = try Self.apiKey(v, file, "QDRANT_API_KEY") }
    }

    private mutating func setTimeouts(_ seconds: Double) {
        for name in registry.names { registry.update(name) { $0.timeout = seconds } }
    }

    private mutating func setCacheTTL(_ seconds: Int) {
        for name in registry.names { registry.update(name) { $0.cacheTTL = seconds } }
    }

    /// The batch size a model's worker uses: its own, capped by BULK_BATCH_SIZE.
    public func effectiveBatchSize(_ model: ModelConfig) -> Int {
        min(model.batchSize, bulkBatchSize)
    }

    // MARK: value checks

    /// `section`'s keys over `base`. An interval of 0 turns the checks off.
    private static func healthCheck(_ section: ModelsFileSection.HealthCheckSection, over base: HealthCheck.Settings,
                                    _ file: String, _ key: String) throws(ConfigurationError) -> HealthCheck.Settings {
        var s = base
        if let v = section.interval {
            guard v >= 0, v.isFinite, v <= 3600 else {
                throw ConfigurationError(file: file, key: key.hasPrefix("PATTERN_") ? key : "\(key).interval",
                                         reason: "must be between 0 (off) and 3600 seconds, not \(v)")
            }
            s.interval = v
        }
        if let v = section.timeout { s.timeout = try positive(v, file, key.hasPrefix("PATTERN_") ? key : "\(key).timeout") }
        if let v = section.unhealthyThreshold {
            s.unhealthyThreshold = try range(v, 1...100, file, key.hasPrefix("PATTERN_") ? key : "\(key).unhealthy_threshold")
        }
        if let v = section.healthyThreshold {
            s.healthyThreshold = try range(v, 1...100, file, key.hasPrefix("PATTERN_") ? key : "\(key).healthy_threshold")
        }
        return s
    }

    private static func retryOn(_ list: ModelsFileSection.WordList, _ file: String, _ key: String) throws(ConfigurationError) -> RetryPolicy.Condition {
        switch RetryPolicy.conditions(list.words) {
        case .success(let c): return c
        case .failure(let unknown):
            let known = RetryPolicy.Condition.words.map(\.0).joined(separator: ", ")
            throw ConfigurationError(file: file, key: key, reason: "unknown retry condition \(unknown.word); known: \(known)")
        }
    }

    /// Only statuses a server may answer for a passing reason: 408, 429 and 5xx.
    private static func retriableStatusCodes(_ codes: [Int], _ file: String, _ key: String) throws(ConfigurationError) -> Set<Int> {
        for c in codes where !(c == 408 || c == 429 || (500...599).contains(c)) {
            throw ConfigurationError(file: file, key: key, reason: "\(c) is not retriable: only 408, 429 and 5xx are")
        }
        return Set(codes)
    }

    private static func endpoints(_ list: [String], _ file: String, _ key: String) throws(ConfigurationError) -> [String] {
        guard !list.isEmpty else { throw ConfigurationError(file: file, key: key, reason: "needs at least one endpoint") }
        var out: [String] = []
        for raw in list {
            var url = raw
            while url.hasSuffix("/") { url.removeLast() }
            // The URL shows up in logs, metrics and error messages, so it may not carry a password;
            // the reason then never repeats it.
            let authority = url.drop(while: { $0 != "/" }).dropFirst(2).prefix(while: { $0 != "/" })
            guard !authority.contains("@") else {
                throw ConfigurationError(file: file, key: key, reason: "credentials in an endpoint URL are not supported")
            }
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8, !url.contains(" ") else {
                throw ConfigurationError(file: file, key: key, reason: "not an http(s) URL: \(raw)")
            }
            out.append(url)
        }
        return out
    }

    /// One base URL without credentials: the URL shows up in logs, metrics and error messages,
    /// so the key travels in QDRANT_API_KEY instead.
    private static func qdrantURL(_ raw: String, _ file: String, _ key: String) throws(ConfigurationError) -> String {
        let url = raw.trimmingASCIIWhitespace()
        guard !url.contains("@") else {
            throw ConfigurationError(file: file, key: key, reason: "credentials in the URL are not supported; set QDRANT_API_KEY")
        }
        guard !url.contains(","), !url.contains("?"), !url.contains("#") else {
            throw ConfigurationError(file: file, key: key, reason: "must be one base URL without a query or fragment")
        }
        return try endpoints([url], file, key)[0]
    }

    /// The key goes into a header line as it is, so nothing that could end or fold the line;
    /// the reason never repeats the value.
    private static func apiKey(_ v: String, _ file: String, _ key: String) throws(ConfigurationError) -> String {
        guard v.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ConfigurationError(file: file, key: key, reason: "must be printable ASCII without spaces")
        }
        return v
    }

    private static func int(_ s: String, _ file: String, _ key: String) throws(ConfigurationError) -> Int {
        guard let v = Int(s.trimmingASCIIWhitespace()) else { throw ConfigurationError(file: file, key: key, reason: "not an integer: \(s)") }
        return v
    }

    private static func double(_ s: String, _ file: String, _ key: String) throws(ConfigurationError) -> Double {
        guard let v = Double(s.trimmingASCIIWhitespace()), v.isFinite else {
            throw ConfigurationError(file: file, key: key, reason: "not a number: \(s)")
        }
        return v
    }

    private static func range(_ v: Int, _ r: ClosedRange<Int>, _ file: String, _ key: String) throws(ConfigurationError) -> Int {
        guard r.contains(v) else { throw ConfigurationError(file: file, key: key, reason: "must be between \(r.lowerBound) and \(r.upperBound), not \(v)") }
        return v
    }

    private static func positive(_ v: Double, _ file: String, _ key: String) throws(ConfigurationError) -> Double {
        guard v > 0, v.isFinite else { throw ConfigurationError(file: file, key: key, reason: "must be greater than 0, not \(v)") }
        return v
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
