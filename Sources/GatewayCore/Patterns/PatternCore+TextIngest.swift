/// `{"texts": [...], "payloads": [...]}` ingests: the texts are embedded through the model's own
/// pattern first, so a real_time model stores the points before answering, while a bulk_only
/// model (or a hybrid one that is not urgent) answers with a batch id and its worker stores the
/// points when the batch completes.
public struct TextIngest: Sendable {
    public var model: String
    public var texts: [String]
    /// One per text when given; a text without one gets an empty payload.
    public var payloads: [[String: String]]?
    /// One per text when given; generated (random UUIDs) otherwise.
    public var ids: [String]?
    public var urgent: Bool?
    public var priority: Int?
    public var context: CallContext

    public init(model: String, texts: [String], payloads: [[String: String]]? = nil, ids: [String]? = nil,
                urgent: Bool? = nil, priority: Int? = nil, context: CallContext) {
        self.model = model
        self.texts = texts
        self.payloads = payloads
        self.ids = ids
        self.urgent = urgent
        self.priority = priority
        self.context = context
    }
}

public enum TextIngestOutcome: Sendable {
    /// Embedded and stored now.
    case ingested(IngestOutcome)
    /// Queued: the points (with these ids, in text order) land when the batch completes.
    case queued(QueuedEmbedding, ids: [String])
}

extension PatternCore {
    public func ingestTexts(_ request: TextIngest) async throws(GatewayError) -> TextIngestOutcome {
        let model = try model(named: request.model)
        let started = clock.now()
        let n = request.texts.count
        if let payloads = request.payloads, payloads.count != n {
            throw .invalid("payloads has \(payloads.count) items for \(n) texts; send one payload per text", field: "payloads")
        }
        if let ids = request.ids {
            guard ids.count == n else {
                throw .invalid("ids has \(ids.count) items for \(n) texts; send one id per text", field: "ids")
            }
            for (i, id) in ids.enumerated() {
                guard !id.isEmpty else { throw .invalid("ids[\(i)] must not be empty", field: "ids[\(i)]") }
                try VectorChecks.id(id, field: "ids[\(i)]")
            }
        }
        let ids = request.ids ?? (0..<n).map { _ in PointID.generate() }
        var call = EmbedCall(model: model.name, texts: request.texts, single: false, urgent: request.urgent,
                             priority: request.priority, context: request.context)
        call.ingest = IngestTarget(ids: ids, payloads: request.payloads ?? Array(repeating: [:], count: n))
        switch try await embed(call) {
        case .completed(let done):
            let points = (0..<n).map { VectorPoint(id: ids[$0], vector: done.vectors[$0], payload: call.ingest!.payloads[$0]) }
            return .ingested(try await ingest(model: model.name, points: points, context: request.context))
        case .queued(let queued):
            vectorFinished(model, .ingest, request.context, started: started, outcome: "success")
            return .queued(queued, ids: ids)
        }
    }

    /// A batch worker's half of a queued texts ingest. `wait: false`: the job completing is what
    /// the client waits for, and a remote store may index after acknowledging.
    func landIngest(model: ModelConfig, target: IngestTarget, vectors embeddings: [[Float]]) async throws(GatewayError) {
        guard embeddings.count == target.ids.count else {
            throw GatewayError(.internalError, "\(embeddings.count) embeddings for \(target.ids.count) points")
        }
        let points = embeddings.indices.map {
            VectorPoint(id: target.ids[$0], vector: embeddings[$0], payload: target.payloads[$0])
        }
        for (i, p) in points.enumerated() {
            try VectorChecks.vector(p.vector, dimensions: model.vectorSize, model: model.name, field: "embeddings[\(i)]")
        }
        try await store(points, model, wait: false)
    }
}
