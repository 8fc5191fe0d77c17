import Foundation
import Testing

import YAMLConfig

/// The repository's config/gateway.yaml, read into a copy of the shape the gateway decodes it into
/// (FileConfiguration and the core's ModelsFileSection live in an executable and a target this
/// suite does not link).
private struct GatewayFile: Decodable {
    struct Server: Decodable {
        var host: String?
        var port: Int?
        var tlsPort: Int?
        var tlsCert: String?
        var headerReadTimeout: Double?
        var idleTimeout: Double?
        var shutdownTimeout: Double?
        var maxHeaderBytes: Int?
        var maxBodyBytes: Int?
        var dataDir: String?
        enum CodingKeys: String, CodingKey {
            case host, port
            case tlsPort = "tls_port"
            case tlsCert = "tls_cert"
            case headerReadTimeout = "header_read_timeout"
            case idleTimeout = "idle_timeout"
            case shutdownTimeout = "shutdown_timeout"
            case maxHeaderBytes = "max_header_bytes"
            case maxBodyBytes = "max_body_bytes"
            case dataDir = "data_dir"
        }
    }

    struct Model: Decodable, Equatable {
        struct Index: Decodable, Equatable {
            var m: Int?
            var efConstruct: Int?
            enum CodingKeys: String, CodingKey {
                case m
                case efConstruct = "ef_construct"
            }
        }
        var pattern: String?
        var vectorSize: Int?
        var batchSize: Int?
        var cacheTTL: Int?
        var timeout: Double?
        var index: Index?
        var endpoints: [String]?
        var dialect: String?
        var upstreamModel: String?
        enum CodingKeys: String, CodingKey {
            case pattern, timeout, index, endpoints, dialect
            case vectorSize = "vector_size"
            case batchSize = "batch_size"
            case cacheTTL = "cache_ttl"
            case upstreamModel = "upstream_model"
        }
    }

    struct Patterns: Decodable {
        var realTimeTimeout: Double?
        var hybridUrgentThreshold: Int?
        var bulkBatchSize: Int?
        var bulkProcessingInterval: Double?
        var retryAttempts: Int?
        var circuitBreakerThreshold: Int?
        var breakerCooldown: Double?
        var queueLimit: Int?
        var queueClaimTimeout: Double?
        var redisURL: String?
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
            case redisURL = "redis_url"
        }
    }

    var server: Server?
    var models: [String: Model]?
    var patterns: Patterns?
}

@Suite("The repository's config/gateway.yaml")
struct GatewayConfigTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/gateway.yaml").path

    /// No endpoints: the shipped file leaves them to their defaults (shown in comments), so a fresh
    /// clone has none configured and `make run` starts the simulator there.
    private static func model(_ pattern: String, _ vector: Int, _ batch: Int, _ ttl: Int, _ m: Int, _ ef: Int)
        -> GatewayFile.Model
    {
        GatewayFile.Model(
            pattern: pattern, vectorSize: vector, batchSize: batch, cacheTTL: ttl, timeout: nil,
            index: .init(m: m, efConstruct: ef), endpoints: nil, dialect: "openai", upstreamModel: nil)
    }

    @Test func decodesEverySection() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let file = try YAMLDecoder().decode(GatewayFile.self, from: text)

        let s = try #require(file.server)
        #expect(s.host == "0.0.0.0")
        #expect(s.port == 8000)
        #expect(s.tlsPort == 8443)
        #expect(s.tlsCert == nil)
        #expect(s.headerReadTimeout == 10)
        #expect(s.idleTimeout == 60)
        #expect(s.shutdownTimeout == 10)
        #expect(s.maxHeaderBytes == 65536)
        #expect(s.maxBodyBytes == 16_777_216)
        #expect(s.dataDir == "./data")

        let models = try #require(file.models)
        #expect(models.count == 9)
        #expect(models["mixtral"] == Self.model("bulk_only", 4096, 50, 300, 16, 200))
        #expect(models["hermes"] == Self.model("hybrid", 4096, 75, 600, 16, 200))
        #expect(models["openchat"] == Self.model("hybrid", 4096, 50, 300, 16, 200))
        #expect(models["phi3"] == Self.model("real_time", 2048, 100, 900, 32, 400))
        #expect(models["yi34b"] == Self.model("bulk_only", 4096, 50, 300, 16, 200))
        #expect(models["deepcoder"] == Self.model("bulk_only", 1024, 200, 1200, 64, 800))
        #expect(models["imp"] == Self.model("bulk_only", 2048, 100, 900, 32, 400))
        #expect(models["deepseek"] == Self.model("bulk_only", 4096, 50, 300, 16, 200))
        #expect(models["general"] == Self.model("real_time", 384, 100, 900, 16, 200))
        for port in 11400...11408 { #expect(text.contains("# endpoints: [\"http://127.0.0.1:\(port)\"]")) }

        let p = try #require(file.patterns)
        #expect(p.realTimeTimeout == 30)
        #expect(p.hybridUrgentThreshold == 5)
        #expect(p.bulkBatchSize == 100)
        #expect(p.bulkProcessingInterval == 300)
        #expect(p.retryAttempts == 3)
        #expect(p.circuitBreakerThreshold == 10)
        #expect(p.breakerCooldown == 30)
        #expect(p.queueLimit == 10000)
        #expect(p.queueClaimTimeout == 60)
        #expect(p.redisURL == nil)
    }

    /// The models keep the file's order in the tree (a dictionary would lose it).
    @Test func modelsInFileOrder() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let root = try YAMLParser.parse(text)
        guard case let .mapping(sections) = root.content,
              let models = sections.first(where: { $0.key == "models" }), case let .mapping(entries) = models.value.content
        else {
            Issue.record("no models mapping")
            return
        }
        #expect(entries.map(\.key) == ["mixtral", "hermes", "openchat", "phi3", "yi34b", "deepcoder", "imp", "deepseek", "general"])
        #expect(entries.map(\.keyPosition.line) == Array(21...29))
    }

    @Test func aBadValueNamesItsKeyAndLine() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
            .replacingOccurrences(of: "batch_size: 100, cache_ttl: 900,  index: {m: 32", with: "batch_size: lots, cache_ttl: 900,  index: {m: 32")
        do {
            _ = try YAMLDecoder().decode(GatewayFile.self, from: text)
            Issue.record("decoded batch_size: lots")
        } catch let DecodingError.typeMismatch(_, ctx) {
            // phi3 comes first among the models with that line.
            #expect(ctx.codingPath.map(\.stringValue).joined(separator: ".") == "models.phi3.batch_size")
            #expect(ctx.debugDescription.hasPrefix("line 24, column "))
            #expect(ctx.debugDescription.hasSuffix("expected an integer, found 'lots'"))
        }
    }
}
