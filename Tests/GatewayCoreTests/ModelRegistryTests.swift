import Testing
@testable import GatewayCore

@Suite("Model registry and configuration")
struct ModelRegistryTests {
    @Test("spec §1 defaults", arguments: [
        ("mixtral", IntegrationPattern.bulkOnly, 4096, 50, 300, 16, 200, 11400),
        ("hermes", .hybrid, 4096, 75, 600, 16, 200, 11401),
        ("openchat", .hybrid, 4096, 50, 300, 16, 200, 11402),
        ("phi3", .realTime, 2048, 100, 900, 32, 400, 11403),
        ("yi34b", .bulkOnly, 4096, 50, 300, 16, 200, 11404),
        ("deepcoder", .bulkOnly, 1024, 200, 1200, 64, 800, 11405),
        ("imp", .bulkOnly, 2048, 100, 900, 32, 400, 11406),
        ("deepseek", .bulkOnly, 4096, 50, 300, 16, 200, 11407),
        ("general", .realTime, 384, 100, 900, 16, 200, 11408),
    ] as [(String, IntegrationPattern, Int, Int, Int, Int, Int, Int)])
    func defaults(_ name: String, _ pattern: IntegrationPattern, _ size: Int, _ batch: Int, _ ttl: Int,
                  _ m: Int, _ ef: Int, _ port: Int) throws {
        let model = try #require(ModelRegistry().model(named: name))
        #expect(model.pattern == pattern)
        #expect(model.vectorSize == size)
        #expect(model.batchSize == batch)
        #expect(model.cacheTTL == ttl)
        #expect(model.timeout == 30)
        #expect(model.indexM == m && model.indexEfConstruct == ef)
        #expect(model.endpoints == ["http://127.0.0.1:\(port)"])
        #expect(model.dialect == .openai)
    }

    @Test func aliasAndCaseResolveToTheCanonicalName() {
        let r = ModelRegistry()
        #expect(r.model(named: "yi34")?.name == "yi34b")
        #expect(r.model(named: "YI34B")?.name == "yi34b")
        #expect(r.model(named: "Phi3")?.name == "phi3")
        #expect(r.model(named: "gpt4") == nil)
        #expect(r.names.count == 9)
    }

    @Test func environmentOverridesFileOverridesDefaults() throws {
        var section = ModelsFileSection()
        var phi3 = ModelsFileSection.Model()
        phi3.endpoints = ["http://127.0.0.1:9000/"]
        phi3.dialect = "ollama"
        phi3.batchSize = 300
        section.models = ["phi3": phi3, "yi34": ModelsFileSection.Model(pattern: "hybrid")]
        var patterns = ModelsFileSection.Patterns()
        patterns.hybridUrgentThreshold = 7
        patterns.retryAttempts = 1
        patterns.queueLimit = 500
        patterns.queueClaimTimeout = 120
        section.patterns = patterns
        let env = [
            "GENERAL_ENDPOINT": "http://127.0.0.1:9001, http://127.0.0.1:9002",
            "YI34_ENDPOINT": "http://127.0.0.1:9003",
            "REAL_TIME_TIMEOUT": "5",
            "PATTERN_RETRY_ATTEMPTS": "2",
            "BULK_BATCH_SIZE": "40",
            "PATTERN_CACHE_TTL": "60",
            "REDIS_URL": "redis://127.0.0.1:6390",
            "PATTERN_QUEUE_CLAIM_TIMEOUT": "7.5",
        ]
        let c = try CoreConfiguration.load(file: section, fileName: "g.yaml", environment: env)
        let p = try #require(c.registry.model(named: "phi3"))
        #expect(p.endpoints == ["http://127.0.0.1:9000"])
        #expect(p.dialect == .ollama)
        #expect(c.effectiveBatchSize(p) == 40)
        #expect(c.registry.model(named: "general")?.endpoints == ["http://127.0.0.1:9001", "http://127.0.0.1:9002"])
        #expect(c.registry.model(named: "yi34b")?.endpoints == ["http://127.0.0.1:9003"])
        #expect(c.registry.model(named: "yi34b")?.pattern == .hybrid)
        #expect(c.registry.models.allSatisfy { $0.timeout == 5 && $0.cacheTTL == 60 })
        #expect(c.hybridUrgentThreshold == 7)
        #expect(c.retryAttempts == 2)
        #expect(c.redisURL == "redis://127.0.0.1:6390")
        #expect(c.qdrantURL == nil)
        #expect(c.queueLimit == 500)
        #expect(c.queueClaimTimeout == 7.5)
        #expect(CoreConfiguration().queueLimit == 10_000 && CoreConfiguration().queueClaimTimeout == 60)
    }

    @Test("bad values name the file, the key and the reason", arguments: [
        ("gpt4", ModelsFileSection.Model(), "models.gpt4", "unknown model"),
        ("phi3", .init(pattern: "sometimes"), "models.phi3.pattern", "real_time, hybrid or bulk_only"),
        ("phi3", .init(vectorSize: 0), "models.phi3.vector_size", "between 1 and 65536"),
        ("phi3", .init(endpoints: ["ftp://x"]), "models.phi3.endpoints", "not an http(s) URL"),
        ("phi3", .init(endpoints: ["https://svc:hunter2@127.0.0.1"]), "models.phi3.endpoints", "credentials in an endpoint URL"),
        ("phi3", .init(endpoints: []), "models.phi3.endpoints", "at least one"),
        ("phi3", .init(dialect: "grpc"), "models.phi3.dialect", "openai or ollama"),
        ("phi3", .init(timeout: -1), "models.phi3.timeout", "greater than 0"),
    ])
    func fileErrors(_ name: String, _ model: ModelsFileSection.Model, _ key: String, _ reason: String) {
        var s = ModelsFileSection()
        s.models = [name: model]
        #expect {
            _ = try CoreConfiguration.load(file: s, fileName: "config/gateway.yaml", environment: [:])
        } throws: { error in
            guard let e = error as? ConfigurationError else { return false }
            return e.file == "config/gateway.yaml" && e.key == key && e.reason.contains(reason) && !e.reason.contains("hunter2")
        }
    }

    @Test("bad environment values are named", arguments: [
        ("REAL_TIME_TIMEOUT", "soon", "not a number"),
        ("REAL_TIME_TIMEOUT", "0", "greater than 0"),
        ("PATTERN_RETRY_ATTEMPTS", "many", "not an integer"),
        ("PATTERN_RETRY_ATTEMPTS", "50", "between 0 and 10"),
        ("MIXTRAL_ENDPOINT", "127.0.0.1:11400", "not an http(s) URL"),
        ("MIXTRAL_ENDPOINT", "http://127.0.0.1:11400, http://svc:hunter2@127.0.0.1:11401", "credentials in an endpoint URL"),
        ("BULK_BATCH_SIZE", "0", "between 1 and 10000"),
        ("PATTERN_QUEUE_LIMIT", "0", "between 1 and 10000000"),
        ("PATTERN_QUEUE_LIMIT", "lots", "not an integer"),
        ("PATTERN_QUEUE_CLAIM_TIMEOUT", "-3", "greater than 0"),
    ])
    func environmentErrors(_ variable: String, _ value: String, _ reason: String) {
        #expect {
            _ = try CoreConfiguration.load(file: nil, fileName: "-", environment: [variable: value])
        } throws: { error in
            guard let e = error as? ConfigurationError else { return false }
            return e.file == "environment" && e.key == variable && e.reason.contains(reason) && !e.reason.contains("hunter2")
        }
    }
}

extension ModelsFileSection.Model {
    init(pattern: String? = nil, vectorSize: Int? = nil, endpoints: [String]? = nil, dialect: String? = nil, timeout: Double? = nil) {
        self.init()
        self.pattern = pattern
        self.vectorSize = vectorSize
        self.endpoints = endpoints
        self.dialect = dialect
        self.timeout = timeout
    }
}
