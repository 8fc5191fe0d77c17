import GatewayCore
import GatewayProto

/// `gateway.PatternService`: each method decodes its request, calls the core, and encodes the
/// answer. Field rules follow the REST API so the same call gives the same data and errors.
struct PatternServiceMethods: Sendable {
    let core: PatternCore
    static let prefix = "/gateway.PatternService/"

    func table() -> [(String, GRPCMethod)] {
        let core = self.core
        // The roles of spec §6, as for the same calls over REST.
        let methods: [(String, APIKeyRole, GRPCMethod)] = [
            ("Embed", .write, { try await Self.embed(core, $0) }),
            ("SearchPattern", .read, { try await Self.search(core, $0) }),
            ("Ingest", .write, { try await Self.ingest(core, $0) }),
            ("IngestStream", .write, { try await Self.ingestStream(core, $0) }),
            ("GetBatch", .read, { try await Self.getBatch(core, $0) }),
            ("WatchBatch", .read, { try await Self.watchBatch(core, $0) }),
            ("GetPatternStatus", .read, { try await Self.patternStatus(core, $0) }),
            // Generation needs the write role, like embed (spec §7).
            ("Generate", .write, { try await Self.generate(core, $0) }),
            ("GenerateStream", .write, { try await Self.generateStream(core, $0) }),
        ]
        return methods.map { name, role, method in
            let path = Self.prefix + name
            return (path, { call in
                // The key comes from the call's metadata (`authorization: Bearer …` or
                // `x-api-key`); a refusal ends the call with UNAUTHENTICATED, PERMISSION_DENIED
                // or RESOURCE_EXHAUSTED before the request is read.
                _ = try await core.admit(credential: call.context.credential, needs: role,
                                                operation: String(path.dropFirst()))
                try await method(call)
            })
        }
    }

    static func decode<M: GatewayMessage>(_ type: M.Type, _ bytes: [UInt8]) throws(GRPCStatus) -> M {
        do {
            return try M(decoding: bytes)
        } catch {
            throw GRPCStatus(.invalidArgument, "the request message is not valid protobuf: \(error)")
        }
    }

    static func requireModel(_ model: String) throws(GRPCStatus) {
        if model.isEmpty { throw GRPCStatus(.invalidArgument, "model is required") }
    }

    // MARK: Embed

    static func embed(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(EmbedRequest.self)
        try requireModel(req.model)
        // proto3 cannot tell false or 0 from unset; both mean "not urgent", as an absent field does in REST.
        let outcome = try await core.embed(EmbedCall(
            model: req.model, texts: req.texts, single: false, urgent: req.urgent ? true : nil,
            priority: req.priority == 0 ? nil : Int(req.priority), context: call.context))
        var r = EmbedResponse()
        switch outcome {
        case .completed(let c):
            r.model = c.model
            r.pattern = c.pattern.rawValue
            r.processingMode = "real_time"
            r.status = "completed"
            r.embeddings = c.vectors.map { Embedding(values: $0) }
            r.processingTimeMs = c.processingTimeMs
            r.cached = c.cached
            r.endpoint = c.endpoint
            call.responder.respond(r.encoded(), trailers: [("x-cache", c.cached ? "HIT" : "MISS")])
        case .queued(let q):
            r.model = q.model
            r.pattern = q.pattern.rawValue
            r.processingMode = "bulk"
            r.status = "queued"
            r.batchId = q.batchID
            r.queuePosition = Int32(clamping: q.queuePosition)
            r.estimatedCompletion = q.estimatedCompletion.rfc3339
            r.degraded = q.degraded
            call.responder.respond(r.encoded())
        }
    }

    // MARK: vectors

    static func search(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(SearchRequest.self)
        try requireModel(req.model)
        var filter: [String: String] = [:]
        for (k, v) in req.filter { filter[k] = v }
        // proto3 cannot send "no limit" or "no threshold": 0 means the default (10) and no threshold.
        let query = SearchQuery(
            model: req.model, vector: req.queryVector.isEmpty ? nil : req.queryVector,
            text: req.query.isEmpty ? nil : req.query, limit: req.limit == 0 ? 10 : Int(clamping: req.limit),
            filter: filter, scoreThreshold: req.scoreThreshold == 0 ? nil : req.scoreThreshold,
            ef: req.ef == 0 ? nil : Int(req.ef), exact: req.exact, context: call.context)
        let outcome = try await core.search(query)
        let response = SearchResponse(
            model: outcome.model,
            results: outcome.results.map { GatewayProto.ScoredPoint(id: $0.id, score: $0.score, payload: sortedPairs($0.payload)) },
            cached: outcome.cached, tookMs: outcome.tookMs)
        call.responder.respond(response.encoded(), trailers: [("x-cache", outcome.cached ? "HIT" : "MISS")])
    }

    static func ingest(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(IngestRequest.self)
        try requireModel(req.model)
        let outcome = try await core.ingest(model: req.model, points: points(req), context: call.context)
        call.responder.respond(IngestResponse(model: outcome.model, ingested: UInt32(clamping: outcome.ingested), ids: outcome.ids).encoded())
    }

    /// Each message is ingested as it arrives, so a long stream never sits in memory whole; the
    /// answer totals them. A cancelled stream keeps what was ingested before the cancel.
    static func ingestStream(_ core: PatternCore, _ call: GRPCCall) async throws {
        var reader = call.messages()
        var model = ""
        var total = 0
        var ids: [String] = []
        while let bytes = try await reader.next() {
            let req = try Self.decode(IngestRequest.self, bytes)
            if model.isEmpty { model = req.model }
            try requireModel(model)
            if !req.model.isEmpty && req.model != model {
                throw GRPCStatus(.invalidArgument, "every message of a stream must name the same model (\(model), not \(req.model))")
            }
            guard !req.points.isEmpty else { continue }
            let outcome = try await core.ingest(model: model, points: points(req), context: call.context)
            model = outcome.model
            total += outcome.ingested
            ids += outcome.ids
        }
        try requireModel(model)
        call.responder.respond(IngestResponse(model: model, ingested: UInt32(clamping: total), ids: ids).encoded())
    }

    private static func points(_ req: IngestRequest) -> [VectorPoint] {
        req.points.map { p in
            var payload: [String: String] = [:]
            for (k, v) in p.payload { payload[k] = v }
            return VectorPoint(id: p.id, vector: p.vector, payload: payload)
        }
    }

    static func sortedPairs(_ d: [String: String]) -> [(key: String, value: String)] {
        d.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    // MARK: batches and status

    static func getBatch(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(GetBatchRequest.self)
        call.responder.respond(try await batchStatus(core, req.batchId).encoded())
    }

    private static func batchStatus(_ core: PatternCore, _ id: String) async throws(GRPCStatus) -> BatchStatus {
        guard !id.isEmpty else { throw GRPCStatus(.invalidArgument, "batch_id is required") }
        let found: BatchRecord?
        do throws(GatewayError) { found = try await core.batch(id: id) } catch { throw GRPCStatus(error) }
        guard let record = found else {
            throw GRPCStatus(.notFound, "no batch \"\(id)\" (unknown, or older than the result retention)")
        }
        return BatchStatusMapping.message(record)
    }

    /// The current state at once, then one message per change, ending after completed or failed.
    static func watchBatch(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(GetBatchRequest.self)
        var last: BatchStatus?
        while true {
            let now = try await batchStatus(core, req.batchId)
            if now != last {
                try await call.responder.send(now.encoded())
                last = now
            }
            if now.status == "completed" || now.status == "failed" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func patternStatus(_ core: PatternCore, _ call: GRPCCall) async throws {
        _ = try await call.request(PatternStatusRequest.self)
        let models = await core.modelStatus().map { s in
            ModelStatus(name: s.name, pattern: s.pattern.rawValue, breakerState: s.breakerState,
                        failureCount: UInt32(clamping: s.failureCount), requests: UInt64(clamping: s.requests),
                        successRate: s.successRate, avgResponseTimeMs: s.averageResponseMs,
                        queueDepth: UInt32(clamping: s.queueDepth), cacheHitRatio: s.cacheHitRatio)
        }
        call.responder.respond(PatternStatus(models: models).encoded())
    }
}

enum BatchStatusMapping {
    static func message(_ r: BatchRecord) -> BatchStatus {
        var m = BatchStatus()
        m.batchId = r.job.id
        m.model = r.job.model
        m.status = r.state.rawValue
        m.itemsCount = UInt32(clamping: r.job.itemsCount)
        m.completedItems = UInt32(clamping: r.completedItems)
        if r.state == .completed, let e = r.embeddings, r.job.generation == nil { m.embeddings = e.map { Embedding(values: $0) } }
        if r.state == .completed, let outputs = r.outputs {
            m.outputs = outputs.map { GenerateMapping.output($0, of: r) }
        }
        if r.state == .failed { m.error = r.error ?? "failed" }
        m.attempts = UInt32(clamping: r.attempts)
        m.queuedAt = r.job.queuedAt.rfc3339
        m.completedAt = r.completedAt?.rfc3339 ?? ""
        return m
    }
}
