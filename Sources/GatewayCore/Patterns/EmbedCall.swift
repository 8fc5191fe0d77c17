import Tracing

/// An embed request as every front-end hands it to the core.
public struct EmbedCall: Sendable {
    public var model: String
    public var texts: [String]
    /// The client sent one `text` (answer with `embedding`) rather than `texts`.
    public var single: Bool
    public var urgent: Bool?
    public var priority: Int?
    /// `"batch": true`: queue even on a hybrid model.
    public var batch: Bool
    public var context: CallContext
    /// A texts ingest: the queued job lands its embeddings in the store (see `ingestTexts`).
    var ingest: IngestTarget?

    public init(model: String, texts: [String], single: Bool, urgent: Bool? = nil, priority: Int? = nil,
                batch: Bool = false, context: CallContext) {
        self.model = model
        self.texts = texts
        self.single = single
        self.urgent = urgent
        self.priority = priority
        self.batch = batch
        self.context = context
    }
}

/// Who is calling: for `X-Request-Id` and `traceparent` upstream, the `protocol` label, and the caller's API key.
public struct CallContext: Sendable {
    public var requestID: String
    /// The caller's W3C trace context, or a new one: each upstream call sends a child of it.
    public var trace: TraceContext
    /// "rest", "graphql" or "grpc".
    public var protocolName: String
    /// The API key the caller presented (`Authorization: Bearer …` or `x-api-key`, as HTTP headers
    /// or gRPC metadata), the same on every protocol; nil when none was sent.
    public var credential: String?
    /// False when the caller's protocol has no way to say "queued, read the result later" (the
    /// OpenAI sync API): a hybrid call whose real-time path is down then gets the error, not a job.
    public var acceptsQueued: Bool

    /// Without `trace` the call starts a trace of its own (batch lines, internal calls).
    public init(requestID: String, trace: TraceContext? = nil, protocolName: String, credential: String? = nil,
                acceptsQueued: Bool = true) {
        self.requestID = requestID
        self.trace = trace ?? .fresh()
        self.protocolName = protocolName
        self.credential = credential
        self.acceptsQueued = acceptsQueued
    }
}

/// The two ways an embed call ends well.
public enum EmbedOutcome: Sendable {
    case completed(CompletedEmbedding)
    case queued(QueuedEmbedding)
}

public struct CompletedEmbedding: Sendable {
    public var model: String
    public var pattern: IntegrationPattern
    public var vectors: [[Float]]
    public var processingTimeMs: Double
    public var cached: Bool
    public var endpoint: String
    public var urgent: Bool
    public var processedAt: UnixTime
    public var upstreamMs: Double
    /// The embedding cache's key for these texts; front-ends may key their own encodings by it.
    public var cacheKey: String
}

public struct QueuedEmbedding: Sendable {
    public var model: String
    public var pattern: IntegrationPattern
    public var batchID: String
    public var itemsCount: Int
    public var queuePosition: Int
    public var estimatedCompletion: UnixTime
    public var urgent: Bool
    public var degraded: Bool
    public var queuedAt: UnixTime
}
