import Tracing

/// One accepted request waiting for (or done with) its batch: an embed (its texts) or a
/// generation (`generation`, with no texts). A job is the unit a client sees through its
/// `batch_id`; the worker packs several embed jobs of one model into one upstream call, and runs
/// generation jobs side by side.
public struct BatchJob: Sendable, Equatable {
    /// `batch_{model}_{yyyyMMdd_HHmmss}_{suffix}`, unique even within one second.
    public var id: String
    public var model: String
    public var texts: [String]
    /// `bulk_only`, or `hybrid` for a hybrid request that was not urgent (or was degraded).
    public var pattern: IntegrationPattern
    public var urgent: Bool
    /// Queued because the real-time path was down (breaker open, every replica failing).
    public var degraded: Bool
    public var queuedAt: UnixTime
    public var requestID: String
    /// The accepting request's trace: the worker's upstream calls continue it, however much later.
    public var trace: TraceContext?
    /// Set for a texts ingest: the embeddings become points of the model's collection before
    /// the job counts as completed.
    public var ingest: IngestTarget?
    /// Set for a queued generation (spec §7): what to generate. Its result is one output.
    public var generation: GenerationRequest?

    /// What the job counts as: its texts, or one generation.
    public var itemsCount: Int { generation == nil ? texts.count : 1 }

    public init(id: String, model: String, texts: [String], pattern: IntegrationPattern, urgent: Bool = false,
                degraded: Bool = false, queuedAt: UnixTime, requestID: String, trace: TraceContext? = nil,
                ingest: IngestTarget? = nil, generation: GenerationRequest? = nil) {
        self.id = id
        self.model = model
        self.texts = texts
        self.pattern = pattern
        self.urgent = urgent
        self.degraded = degraded
        self.queuedAt = queuedAt
        self.requestID = requestID
        self.trace = trace
        self.ingest = ingest
        self.generation = generation
    }
}

/// A queued generation: the input and the options, as accepted.
public struct GenerationRequest: Sendable, Equatable {
    public var input: GenerationInput
    public var options: GenerationOptions

    public init(input: GenerationInput, options: GenerationOptions) {
        self.input = input
        self.options = options
    }
}

/// Where a texts ingest's embeddings go: one id and one payload per text, fixed at acceptance so
/// a job re-run after a crash replaces its own points instead of adding copies.
public struct IngestTarget: Sendable, Equatable {
    public var ids: [String]
    public var payloads: [[String: String]]

    public init(ids: [String], payloads: [[String: String]]) {
        self.ids = ids
        self.payloads = payloads
    }
}

public enum BatchState: String, Sendable, CaseIterable {
    case queued, processing, completed, failed
}

/// What `GET /api/v1/external/batch/{id}` shows of a job.
public struct BatchRecord: Sendable, Equatable {
    public var job: BatchJob
    public var state: BatchState
    /// Upstream attempts made so far.
    public var attempts: Int
    public var completedItems: Int
    /// Present once completed, in the order of `job.texts`.
    public var embeddings: [[Float]]?
    /// A generation job's result, once completed (one output).
    public var outputs: [GeneratedText]?
    /// Why it failed, once failed.
    public var error: String?
    public var completedAt: UnixTime?

    public init(job: BatchJob, state: BatchState = .queued, attempts: Int = 0, completedItems: Int = 0,
                embeddings: [[Float]]? = nil, outputs: [GeneratedText]? = nil, error: String? = nil,
                completedAt: UnixTime? = nil) {
        self.job = job
        self.state = state
        self.attempts = attempts
        self.completedItems = completedItems
        self.embeddings = embeddings
        self.outputs = outputs
        self.error = error
        self.completedAt = completedAt
    }
}

/// Counts for the queue status endpoint.
public struct QueueCounts: Sendable, Equatable {
    public var pending = 0
    public var processing = 0
    public var completed = 0
    public var failed = 0

    public init(pending: Int = 0, processing: Int = 0, completed: Int = 0, failed: Int = 0) {
        self.pending = pending
        self.processing = processing
        self.completed = completed
        self.failed = failed
    }

    public static func += (a: inout QueueCounts, b: QueueCounts) {
        a.pending += b.pending
        a.processing += b.processing
        a.completed += b.completed
        a.failed += b.failed
    }
}
