/// The vector API every front-end calls: ingest points into a model's collection, and search
/// it by vector or by text. Same validation, errors, cache and counters on every protocol.
extension PatternCore {
    /// Statistics of `ingest` and `search` for a model (canonical name), for the metrics pages.
    public func vectorStats(for model: String) -> VectorStats? { vectors.stats[model] }

    public func search(_ query: SearchQuery) async throws(GatewayError) -> SearchOutcome {
        let model = try model(named: query.model)
        let started = clock.now()
        do {
            let (results, cached) = try await CallTrace.with(query.context.trace) { () async throws(GatewayError) in
                try await runSearch(model, query)
            }
            vectorFinished(model, .search, query.context, started: started, outcome: "success")
            return SearchOutcome(model: model.name, results: results, cached: cached,
                                 tookMs: Self.milliseconds(clock.now() - started))
        } catch {
            vectorFinished(model, .search, query.context, started: started, outcome: error.code.name)
            throw error
        }
    }

    /// Points with an empty id get a generated one (a random UUID). Re-ingesting an id replaces
    /// the point; every ingest empties the model's search-result cache.
    public func ingest(model name: String, points: [VectorPoint], context: CallContext) async throws(GatewayError) -> IngestOutcome {
        let model = try model(named: name)
        let started = clock.now()
        do throws(GatewayError) {
            try VectorChecks.pointCount(points.count, field: "points")
            var points = points
            for i in points.indices {
                if points[i].id.isEmpty { points[i].id = PointID.generate() }
                try VectorChecks.id(points[i].id, field: "points[\(i)].id")
                try VectorChecks.vector(points[i].vector, dimensions: model.vectorSize, model: model.name,
                                        field: "points[\(i)].vector")
            }
            try await CallTrace.with(context.trace) { () async throws(GatewayError) in try await store(points, model, wait: true) }
            vectorFinished(model, .ingest, context, started: started, outcome: "success")
            return IngestOutcome(model: model.name, ingested: points.count, ids: points.map(\.id))
        } catch {
            vectorFinished(model, .ingest, context, started: started, outcome: error.code.name)
            throw error
        }
    }

    private func runSearch(_ model: ModelConfig, _ query: SearchQuery) async throws(GatewayError) -> ([ScoredPoint], Bool) {
        try VectorChecks.limit(query.limit)
        if let t = query.scoreThreshold, !t.isFinite {
            throw .invalid("score_threshold must be a finite number", field: "score_threshold")
        }
        let vector: [Float]
        switch (query.vector, query.text) {
        case (let v?, nil):
            try VectorChecks.vector(v, dimensions: model.vectorSize, model: model.name, field: "query_vector")
            vector = v
        case (nil, let text?):
            vector = try await queryVector(model, text: text, context: query.context)
        case (nil, nil):
            throw .invalid("query_vector or query is required", field: "query_vector")
        case (_?, _?):
            throw .invalid("send either query_vector or query, not both", field: "query")
        }
        if let ef = query.ef, !(1...10_000).contains(ef) {
            throw .invalid("ef must be between 1 and 10000", field: "ef")
        }
        let search = StoreSearch(vector: vector, limit: query.limit, filter: query.filter,
                                 scoreThreshold: query.scoreThreshold, ef: query.ef, exact: query.exact)
        // Read before the store so a concurrent ingest can only make this entry unreachable,
        // never let it outlive the data it came from.
        let generation = model.cacheTTL > 0 ? await vectors.generation(model.name) : nil
        let key = generation.map { VectorRuntime.searchKey(model: model.name, generation: $0, search: search) }
        let bodyKey = generation.flatMap { g in query.rawBody.flatMap { VectorRuntime.bodyKey(model: model.name, generation: g, body: $0) } }
        if let key, let hit = vectors.results.get(key, now: clock.now()) {
            searchCacheLookup(model.name, hit: true)
            if let bodyKey { remember(hit, under: bodyKey, model) }
            return (hit, true)
        }
        searchCacheLookup(model.name, hit: false)
        let results = try await vectorStore.search(search, in: VectorCollection(model: model))
        if let key {
            remember(results, under: key, model)
            if let bodyKey { remember(results, under: bodyKey, model) }
        }
        return (results, false)
    }

    /// A search whose exact body was answered before (REST sends the same bytes again, as a
    /// dashboard polling one query does): the cached results without decoding the body's floats
    /// or hashing the query. Nil when there is no such entry; the caller then takes the full path,
    /// which also answers every error.
    public func searchRepeated(model name: String, body: [UInt8], context: CallContext) async -> SearchOutcome? {
        guard let model = configuration.registry.model(named: name), model.cacheTTL > 0 else { return nil }
        let started = clock.now()
        guard let generation = await vectors.generation(model.name),
              let key = VectorRuntime.bodyKey(model: model.name, generation: generation, body: body),
              let hit = vectors.results.get(key, now: clock.now()) else { return nil }
        searchCacheLookup(model.name, hit: true)
        vectorFinished(model, .search, context, started: started, outcome: "success")
        return SearchOutcome(model: model.name, results: hit, cached: true, tookMs: Self.milliseconds(clock.now() - started))
    }

    /// Upserts, then makes the model's cached searches unreachable — also when the store fails:
    /// a remote store may have taken part of the call.
    func store(_ points: [VectorPoint], _ model: ModelConfig, wait: Bool) async throws(GatewayError) {
        do throws(GatewayError) {
            try await vectorStore.upsert(points, into: VectorCollection(model: model), wait: wait)
        } catch {
            await vectors.invalidate(model.name)
            throw error
        }
        await vectors.invalidate(model.name)
        await refreshPointsGauge(model.name)
    }

    private func searchCacheLookup(_ model: String, hit: Bool) {
        vectors.stats[model]?.search.cacheLookup(hit: hit)
        (hit ? vectors.metrics.searchCacheHits : vectors.metrics.searchCacheMisses)[model]?.inc()
    }

    private func remember(_ results: [ScoredPoint], under key: String, _ model: ModelConfig) {
        vectors.results.set(key, results, cost: VectorRuntime.cost(results) + key.utf8.count, ttl: .seconds(model.cacheTTL),
                            now: clock.now())
    }

    /// A text query is embedded through the model's real-time path — its upstream pool, with
    /// breakers, retries and deadline, behind the model's embedding cache — even for bulk_only
    /// and hybrid models: a search has to answer now, and a batch id is no answer to "what is
    /// nearest". `embed` itself is not called because it would queue a bulk_only model and count
    /// this search a second time as an embed request; the cache key is embed's, so a text
    /// embedded before costs no upstream call.
    private func queryVector(_ model: ModelConfig, text: String, context: CallContext) async throws(GatewayError) -> [Float] {
        guard !text.isEmpty else { throw .invalid("query must not be empty", field: "query") }
        guard text.utf8.count <= maxTextBytes else {
            throw GatewayError(.payloadTooLarge, "query carries \(text.utf8.count) bytes; the limit is \(maxTextBytes)",
                               details: [("field", "query"), ("limit", String(maxTextBytes))])
        }
        let pool = self.pool
        let lookup = try await cache.vectors(forKey: EmbeddingCache.key(model: model.name, texts: [text]),
                                             ttlSeconds: model.cacheTTL) { () async throws(GatewayError) in
            try await pool.embed(model: model, texts: [text], requestID: context.requestID, trace: context.trace).vectors
        }
        guard let v = lookup.vectors.first, v.count == model.vectorSize else {
            throw GatewayError(.upstreamError, "the model's upstream returned no usable embedding for the query",
                               details: [("model", model.name)])
        }
        guard VectorChecks.squaredNorm(v) > 0 else {
            throw .invalid("query embeds to a zero vector; cosine similarity needs a non-zero vector", field: "query")
        }
        return v
    }

    func vectorFinished(_ model: ModelConfig, _ op: VectorOperation, _ context: CallContext,
                                started: GatewayInstant, outcome: String) {
        let took = clock.now() - started
        vectors.stats[model.name]?.operation(op).finished(success: outcome == "success", after: took)
        vectors.metrics.finished(model: model.name, op, protocolName: context.protocolName, outcome: outcome,
                                 seconds: Self.seconds(took))
    }
}
