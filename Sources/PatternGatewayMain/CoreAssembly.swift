#if canImport(Glibc)
import Glibc
#endif
import BatchAPI
import GatewayCore
import Logging
import RESTAPI
import Redis
import Upstream

/// Builds the core from the settings: the upstream client and pool, the cache (with Redis as its
/// second level when `REDIS_URL` is set), the batch queue (Redis Streams, or the embedded
/// journal under the data directory), and one batch worker per queued model.
struct CoreAssembly {
    let core: PatternCore
    let redis: RedisClient?
    let upstream: UpstreamClient
    let workers: [BatchWorker]
    let embeddedQueue: EmbeddedBatchQueue?
    /// The store the core was given, for the readiness check.
    let vectorStore: any VectorStore
    /// Active health checks of every model endpoint (spec §9), run beside the workers.
    let healthChecker: HealthChecker
    /// The OpenAI Batch API (spec §8) and what moves its batches along, run beside the workers.
    let batches: BatchService
    let batchCoordinator: BatchCoordinator

    static func build(_ settings: GatewaySettings, logger: Logger) throws -> CoreAssembly {
        let config = settings.core
        let metrics = MetricsRegistry()
        let upstream = try UpstreamClient(tls: settings.upstreamTLS)
        let pool = UpstreamPool(configuration: config, client: upstream, metrics: metrics,
                                onHealthChange: { t in logHealthChange(t, logger: logger) })
        var redis: RedisClient?
        if let url = config.redisURL {
            redis = RedisClient(configuration: try RedisConfiguration(url: url))
        }
        // A miss loads on the caller's event loop, where its upstream call then runs too.
        let cache = EmbeddingCache(shared: redis.map { RedisEmbeddingStore(client: $0) },
                                   loadExecutor: { [upstream] in upstream.currentLoop })
        let queue: any BatchQueue
        let queueSettings = BatchQueueSettings(maxQueuedPerModel: config.queueLimit,
                                               resultRetention: .milliseconds(Int64(config.resultRetention * 1000)))
        var embedded: EmbeddedBatchQueue?
        if let redis {
            queue = RedisBatchQueue(client: redis, settings: queueSettings,
                                    claimTimeout: .milliseconds(Int64(config.queueClaimTimeout * 1000)))
        } else {
            let q = try EmbeddedBatchQueue(dataDirectory: settings.dataDir, settings: queueSettings)
            embedded = q
            queue = q
        }
        let store = try makeVectorStore(settings, pool: pool)
        // Instances share search invalidation only when they share the points (Qdrant) and a Redis.
        let generations = store.kind == "qdrant" ? redis.map { RedisSearchGenerations(client: $0) } : nil
        let core = PatternCore(configuration: config, pool: pool, cache: cache, queue: queue, metrics: metrics,
                               vectorStore: store, searchGenerations: generations,
                               rateLimiter: redis.map { RedisRateLimiter(client: $0) })
        let consumer = "\(hostName())-\(getpid())"
        // Every model has a worker: real-time models get queued work too, from batches of requests.
        let workers = config.registry.models.map {
            BatchWorker(model: $0, core: core, consumer: consumer)
        }
        logger.info("core ready", metadata: [
            "queue": "\(redis == nil ? "embedded" : "redis")", "cache": "\(redis == nil ? "local" : "local+redis")",
            "models": "\(config.registry.names.joined(separator: ","))",
            "vector_store": "\(store.kind)\(config.vectorStore == .qdrant ? config.qdrantURL.map { " at \($0)" } ?? "" : "")",
            "upstream_tls": "\(upstreamTLSSummary(settings.upstreamTLS))",
        ])
        let batches = try makeBatchService(settings, core: core, redis: redis)
        return CoreAssembly(core: core, redis: redis, upstream: upstream, workers: workers, embeddedQueue: embedded,
                            vectorStore: store, healthChecker: HealthChecker(pool: pool, registry: config.registry),
                            batches: batches, batchCoordinator: BatchCoordinator(service: batches, owner: consumer))
    }

    /// The Batch API's files and batches live beside the queue: in Redis when it is shared, else
    /// under the data directory. A file may be as large as a request body.
    private static func makeBatchService(_ settings: GatewaySettings, core: PatternCore,
                                         redis: RedisClient?) throws -> BatchService {
        let limits = BatchService.Limits(maxFileBytes: settings.server.http1Limits.maxBodyBytes,
                                         input: .init(maxLines: settings.core.batchMaxLines))
        let codec = OpenAIBatchCodec(core: core)
        if let redis {
            return BatchService(core: core, files: RedisFileStore(client: redis), batches: RedisBatchStore(client: redis),
                                codec: codec, limits: limits)
        }
        return BatchService(core: core, files: try EmbeddedFileStore(directory: settings.dataDir + "/files"),
                            batches: try EmbeddedBatchStore(directory: settings.dataDir + "/batches"), codec: codec,
                            limits: limits)
    }

    /// One line per endpoint leaving or rejoining rotation.
    private static func logHealthChange(_ t: EndpointHealth.Transition, logger: Logger) {
        let meta: Logger.Metadata = ["model": "\(t.model)", "endpoint": "\(t.endpoint)", "health": "\(t.to.rawValue)"]
        if t.to == .healthy {
            logger.notice("upstream endpoint back in rotation: its health checks pass", metadata: meta)
        } else {
            logger.warning("upstream endpoint out of rotation: its health checks fail",
                           metadata: meta.merging(["reason": "\(t.reason ?? "unknown")"]) { $1 })
        }
    }

    /// The embedded store under the data directory, or Qdrant when one is configured.
    static func makeVectorStore(_ settings: GatewaySettings, pool: UpstreamPool) throws -> any VectorStore {
        if settings.core.vectorStore == .qdrant { return try makeQdrantStore(settings.core, pool: pool) }
        return try EmbeddedVectorStore(directory: settings.dataDir + "/vectors",
                                       collections: settings.core.registry.models.map { VectorCollection(model: $0) })
    }

    /// Each store call gets the longest model deadline (REAL_TIME_TIMEOUT unless models differ),
    /// retries included: an ingest or search waits on the store as a request waits on its model.
    private static func makeQdrantStore(_ config: CoreConfiguration, pool: UpstreamPool) throws -> QdrantVectorStore {
        let seconds = config.registry.models.map(\.timeout).max() ?? 30
        guard let store = QdrantVectorStore(pool: pool, apiKey: config.qdrantAPIKey,
                                            timeout: .milliseconds(Int64(seconds * 1000))) else {
            throw ConfigurationError(file: "configuration", key: "vector_store", reason: "qdrant needs a URL")
        }
        return store
    }

    /// `/ready`: Redis reachable when it is configured, and the vector store.
    var readinessChecks: [@Sendable () async -> (name: String, problem: String?)] {
        let store = vectorStore
        var checks: [@Sendable () async -> (name: String, problem: String?)] = [
            { await store.isReachable() ? ("vector_store", nil) : ("vector_store", "\(store.kind) store not reachable") },
        ]
        if let redis {
            checks.append { await redis.ping() ? ("redis", nil) : ("redis", "not reachable; serving from the local cache") }
        }
        return checks
    }

    /// Which trust and identity https upstreams get; which files, not what is in them.
    private static func upstreamTLSSummary(_ tls: UpstreamTLS) -> String {
        let trust = tls.caPath.map { "ca \($0)" } ?? "system ca"
        return tls.clientCertificatePath.map { "\(trust), client cert \($0)" } ?? trust
    }

    private static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        let end = buf.firstIndex(of: 0) ?? buf.count
        return String(decoding: buf[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
