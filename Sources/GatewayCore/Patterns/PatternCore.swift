import Synchronization

/// The one core API every front-end calls: admission, embed and generate by pattern, batch
/// lookups, vector ingest and search, status and metrics. REST, GraphQL and gRPC only translate
/// to and from it, so the same call gives the same data, errors and counters on every protocol.
/// Its services stay inside: a caller sees operations (this file and its extensions), never the
/// pool, the cache, the queue or the store themselves.
/// Runs on: the calling task (any executor); upstream transfers on the libcurl thread, disk work
/// on the blocking pool.
public final class PatternCore: Sendable {
    public let configuration: CoreConfiguration
    let router: PatternRouter
    let pool: UpstreamPool
    let cache: EmbeddingCache
    let queue: any BatchQueue
    let metricsRegistry: MetricsRegistry
    /// Points per model: the embedded store, or Qdrant.
    let vectorStore: any VectorStore
    /// API keys, roles and rate limits, which every front-end asks before calling in.
    let access: AccessControl
    /// Encoded answers of cached embeddings, kept as long as the entry they encode (see
    /// `encodedVectors`).
    let encodings = LRUCache<[UInt8]>(byteBudget: 64 << 20)
    /// The search-result cache and the vector statistics (see PatternCore+Vectors).
    let vectors: VectorRuntime
    let metrics: CoreMetrics
    /// Tokens, time to first token and generation time (PatternCore+Generation).
    let generation: GenerationMetrics
    let stats: [String: ModelStats]
    let series: [String: ModelSeries]
    let clock: any GatewayClock
    let wall: any WallClock
    let startedAt: GatewayInstant

    /// 1 MiB of texts per embed call (spec §2).
    public let maxTextBytes = 1 << 20
    public let maxTexts = 2048

    public init(configuration: CoreConfiguration, pool: UpstreamPool, cache: EmbeddingCache, queue: any BatchQueue,
                metrics: MetricsRegistry, clock: any GatewayClock = SystemClock(), wall: any WallClock = SystemWallClock(),
                vectorStore: any VectorStore = EmbeddedVectorStore(),
                searchGenerations: (any SharedSearchGenerations)? = nil, rateLimiter: (any RateLimiter)? = nil) {
        self.access = AccessControl(configuration: configuration.security,
                                    limiter: rateLimiter ?? LocalRateLimiter(clock: clock))
        self.configuration = configuration
        self.router = PatternRouter(urgentThreshold: configuration.hybridUrgentThreshold)
        self.pool = pool
        self.cache = cache
        self.queue = queue
        self.metricsRegistry = metrics
        self.vectorStore = vectorStore
        self.vectors = VectorRuntime(models: configuration.registry.models.map(\.name), registry: metrics,
                                     shared: searchGenerations)
        self.metrics = CoreMetrics(registry: metrics)
        self.generation = GenerationMetrics(registry: metrics, models: configuration.registry.names)
        self.stats = Dictionary(uniqueKeysWithValues: configuration.registry.models.map { ($0.name, ModelStats()) })
        let coreMetrics = self.metrics
        self.series = Dictionary(uniqueKeysWithValues: configuration.registry.models.map {
            ($0.name, ModelSeries(model: $0, metrics: coreMetrics))
        })
        self.clock = clock
        self.wall = wall
        self.startedAt = clock.now()
    }

    public func model(named name: String) throws(GatewayError) -> ModelConfig {
        guard let m = configuration.registry.model(named: name) else {
            throw GatewayError.unknownModel(name, known: configuration.registry.names)
        }
        return m
    }

    public func stats(for model: String) -> ModelStats.Snapshot? { stats[model]?.snapshot }
    public func latency(for model: String) -> LatencyWindow? { stats[model]?.latency }

    // MARK: embed

    public func embed(_ call: EmbedCall) async throws(GatewayError) -> EmbedOutcome {
        let model = try model(named: call.model)
        try validate(call)
        let urgent = router.isUrgent(urgent: call.urgent, priority: call.priority)
        let started = clock.now()
        let modelStats = stats[model.name]
        do {
            let outcome: EmbedOutcome
            switch router.path(for: model.pattern, urgent: urgent, batch: call.batch) {
            case .realTime:
                modelStats?.update { $0.realTimeRequests += 1; $0.activeRequests += 1 }
                defer { modelStats?.update { $0.activeRequests -= 1 } }
                do {
                    outcome = .completed(try await realTime(model, call, urgent: urgent, started: started))
                } catch where model.pattern == .hybrid && call.context.acceptsQueued && Self.degradable(error) {
                    // The real-time path is down: a hybrid request waits in the queue instead.
                    outcome = .queued(try await enqueue(model, call, urgent: urgent, degraded: true))
                }
            case .queue:
                modelStats?.update { $0.bulkRequests += 1 }
                outcome = .queued(try await enqueue(model, call, urgent: urgent, degraded: false))
            }
            finish(model, call.context, started: started, outcome: "success")
            return outcome
        } catch {
            finish(model, call.context, started: started, outcome: error.code.name)
            throw error
        }
    }

    static func degradable(_ e: GatewayError) -> Bool {
        e.code == .circuitOpen || e.code == .upstreamError || e.code == .upstreamTimeout || e.code == .unavailable
    }

    func validate(_ call: EmbedCall) throws(GatewayError) {
        let field = call.single ? "text" : "texts"
        guard !call.texts.isEmpty else { throw .invalid("\(field) must not be empty", field: field) }
        guard call.texts.count <= maxTexts else {
            throw .invalid("texts has \(call.texts.count) items; at most \(maxTexts) per call", field: "texts")
        }
        var bytes = 0
        for (i, t) in call.texts.enumerated() {
            if t.isEmpty {
                throw .invalid(call.single ? "text must not be empty" : "texts[\(i)] must not be empty",
                               field: call.single ? "text" : "texts[\(i)]")
            }
            bytes += t.utf8.count
        }
        guard bytes <= maxTextBytes else {
            throw GatewayError(.payloadTooLarge, "\(field) carry \(bytes) bytes; the limit is \(maxTextBytes)",
                               details: [("field", field), ("limit", String(maxTextBytes))])
        }
        if let p = call.priority, p < 0 || p > 1000 {
            throw .invalid("priority must be between 0 and 1000", field: "priority")
        }
    }

    private func realTime(_ model: ModelConfig, _ call: EmbedCall, urgent: Bool,
                          started: GatewayInstant) async throws(GatewayError) -> CompletedEmbedding {
        let key = EmbeddingCache.key(model: model.name, texts: call.texts)
        let served = Mutex<(endpoint: String, upstream: Duration)>(("cache", .zero))
        let pool = self.pool
        let texts = call.texts
        let requestID = call.context.requestID
        let trace = call.context.trace
        let lookup = try await cache.vectors(forKey: key, ttlSeconds: model.cacheTTL) { () async throws(GatewayError) in
            let r = try await pool.embed(model: model, texts: texts, requestID: requestID, trace: trace)
            served.withLock { $0 = (r.endpoint, r.upstreamDuration) }
            return r.vectors
        }
        let (endpoint, upstream) = served.withLock { $0 }
        if let modelStats = stats[model.name], let modelSeries = series[model.name] {
            let ratio = modelStats.update { s in
                if lookup.cached { s.cacheHits += 1 } else { s.cacheMisses += 1 }
                return s.cacheHitRatio
            }
            (lookup.cached ? modelSeries.cacheHits : modelSeries.cacheMisses).inc()
            modelSeries.cacheHitRatio.set(ratio)
        }
        return CompletedEmbedding(
            model: model.name, pattern: model.pattern, vectors: lookup.vectors,
            processingTimeMs: Self.milliseconds(clock.now() - started), cached: lookup.cached,
            endpoint: endpoint, urgent: urgent,
            processedAt: wall.wallTime(), upstreamMs: Self.milliseconds(upstream), cacheKey: key)
    }

    private func enqueue(_ model: ModelConfig, _ call: EmbedCall, urgent: Bool,
                         degraded: Bool) async throws(GatewayError) -> QueuedEmbedding {
        let now = wall.wallTime()
        let job = BatchJob(id: BatchID.make(model: model.name, at: now), model: model.name, texts: call.texts,
                           pattern: model.pattern, urgent: urgent, degraded: degraded, queuedAt: now,
                           requestID: call.context.requestID, trace: call.context.trace, ingest: call.ingest)
        return try await enqueue(job, model: model, urgent: urgent, degraded: degraded, at: now)
    }

    /// Stores `job` durably and says where it stands: what every queued call (embed, generate) ends in.
    func enqueue(_ job: BatchJob, model: ModelConfig, urgent: Bool, degraded: Bool,
                 at now: UnixTime) async throws(GatewayError) -> QueuedEmbedding {
        let position = try await queue.enqueue(job)
        if degraded { stats[model.name]?.update { $0.degradedPending += 1 } }
        metrics.queueDepth.set(Double(await queue.counts(model: model.name).pending), labels: [model.name])
        return QueuedEmbedding(model: model.name, pattern: model.pattern, batchID: job.id, itemsCount: job.itemsCount,
                               queuePosition: position, estimatedCompletion: now + estimatedWait(model, position: position),
                               urgent: urgent, degraded: degraded, queuedAt: now)
    }

    /// Until the next flush, plus one measured batch time per batch ahead of this job.
    func estimatedWait(_ model: ModelConfig, position: Int) -> Duration {
        let s = stats[model.name]?.snapshot ?? ModelStats.Snapshot()
        let interval = configuration.bulkProcessingInterval
        let sinceFlush = s.lastFlush.map { Self.seconds(clock.now() - $0) } ?? 0
        let untilFlush = max(0, interval - sinceFlush)
        let batchSize = max(1, configuration.effectiveBatchSize(model))
        let batchesAhead = Double((position + batchSize - 1) / batchSize)
        let perBatch = s.batchesProcessed > 0 ? s.averageBatchSeconds : 1
        return .milliseconds(Int64((untilFlush + batchesAhead * perBatch) * 1000))
    }

    /// Counts one finished request of any kind: `pattern_requests_total`, its duration, the stats.
    func finish(_ model: ModelConfig, _ context: CallContext, started: GatewayInstant, outcome: String) {
        let took = clock.now() - started
        if let modelSeries = series[model.name] {
            modelSeries.requests(protocolName: context.protocolName, outcome: outcome).inc()
            modelSeries.duration.observe(Self.seconds(took))
        }
        stats[model.name]?.latency.observe(took)
        stats[model.name]?.update { s in
            s.requests += 1
            if outcome != "success" { s.errors += 1 }
        }
    }

    // MARK: batches

    /// nil for an unknown job; 503 `unavailable` when the queue cannot be read just now.
    public func batch(id: String) async throws(GatewayError) -> BatchRecord? {
        try await queue.lookup(jobID: id)
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension PatternCore {
    public var uptimeSeconds: Double { PatternCore.seconds(clock.now() - startedAt) }

    /// Drops expired cached embeddings and search results. Lookups already ignore them; this
    /// gives their memory back when traffic has moved on to other texts. Returns how many.
    @discardableResult
    public func purgeExpiredCaches() -> Int {
        let now = clock.now()
        return cache.purgeExpired() + vectors.results.purgeExpired(now: now) + encodings.purgeExpired(now: now)
    }

    /// A completed embedding's vectors as a front-end encodes them, encoded once per cache entry:
    /// writing thousands of floats as text costs more than everything else in a cache hit.
    /// `variant` tells apart encodings of one entry ("#1" for a single vector, say).
    public func encodedVectors(_ c: CompletedEmbedding, variant: String, encode: ([[Float]]) -> [UInt8]) -> [UInt8] {
        let key = c.cacheKey + variant
        let now = clock.now()
        if c.cached, let hit = encodings.get(key, now: now) { return hit }
        let bytes = encode(c.vectors)
        // Kept only from a miss, so the encoding lives no longer than the entry it mirrors.
        if !c.cached, let ttl = configuration.registry.model(named: c.model)?.cacheTTL, ttl > 0 {
            _ = encodings.set(key, bytes, cost: bytes.count + 64, ttl: .seconds(ttl), now: now)
        }
        return bytes
    }

    /// Prometheus text of every series.
    public func renderMetrics() -> String { metricsRegistry.render() }

    /// "embedded" or "qdrant".
    public var vectorStoreKind: String { vectorStore.kind }

    /// Points in `model`'s collection; nil when the store cannot count them now.
    public func pointCount(model: String) async -> Int? {
        try? await vectorStore.count(collection: model)
    }

    /// Makes what the core holds durable and lets go of it, at shutdown.
    public func close() {
        vectorStore.close()
    }
}

/// Who may call what, as every front-end asks before calling in (spec §6).
public protocol CallAdmission: Sendable {
    /// False when no keys are configured: everything is allowed.
    var requiresKeys: Bool { get }
    /// Authenticates, checks the role and takes one request token. Nil when keys are off.
    func admit(credential: String?, needs role: APIKeyRole, operation: String) async throws(GatewayError) -> AccessControl.Grant?
    /// Checks the role only (a second check inside a call already admitted).
    func require(_ role: APIKeyRole, credential: String?, operation: String) throws(GatewayError)
}

extension AccessControl: CallAdmission {
    public var requiresKeys: Bool { enabled }
}

extension PatternCore: CallAdmission {
    public var requiresKeys: Bool { access.enabled }

    public func admit(credential: String?, needs role: APIKeyRole, operation: String) async throws(GatewayError) -> AccessControl.Grant? {
        try await access.admit(credential: credential, needs: role, operation: operation)
    }

    public func require(_ role: APIKeyRole, credential: String?, operation: String) throws(GatewayError) {
        try access.require(role, credential: credential, operation: operation)
    }
}
