/// Where accepted jobs wait, durably, until a worker finishes them. Two implementations: an
/// embedded one (in memory, with an fsync'd append-only journal replayed at start) and one on
/// Redis Streams with a consumer group (several gateway instances share it, and a live one
/// claims the jobs a dead one left behind).
///
/// Rules both keep: an accepted job is never lost (it is completed, failed with a reason, or
/// still queued after any crash); a job's results are written once — a second `complete` for
/// a finished job changes nothing; results stay readable for `resultRetention`.
///
/// Runs on: any task, event loops included, so no implementation may block its caller: the
/// embedded queue sends what waits on the disk to the blocking pool, the Redis one awaits a Redis
/// connection's thread.
public protocol BatchQueue: Sendable {
    /// Durably accepts `job` (on disk / in Redis before returning) and returns its 1-based
    /// position among the model's queued jobs. Throws `queue_full` (with Retry-After) past the
    /// per-model limit, `unavailable` when it cannot be stored.
    func enqueue(_ job: BatchJob) async throws(GatewayError) -> Int

    /// Takes queued jobs of `model`, oldest first, whose texts add up to at most `maxTexts`
    /// (always at least one job if any is queued, even if alone it has more texts), marks them
    /// processing under `consumer`, and returns them. Jobs left processing by a consumer that
    /// died (embedded: at restart; Redis: idle longer than the claim timeout) come back here.
    func claim(model: String, maxTexts: Int, consumer: String) async throws(GatewayError) -> [BatchJob]

    /// Stores the embeddings of a processing job and marks it completed. Idempotent.
    func complete(jobID: String, embeddings: [[Float]]) async throws(GatewayError)

    /// Stores a processing generation job's outputs and marks it completed. Idempotent.
    func complete(jobID: String, outputs: [GeneratedText]) async throws(GatewayError)

    /// Records a failed attempt: with `retry` the job goes back to queued (attempts + 1),
    /// without it the job is failed with `reason`. Idempotent for finished jobs.
    func fail(jobID: String, reason: String, retry: Bool) async throws(GatewayError)

    /// Fails the jobs of `jobIDs` that are still queued (not processing, not finished) with
    /// `reason`, so no worker takes them; returns their ids. For a batch that is cancelled or
    /// expires: a job already running finishes.
    func cancel(jobIDs: [String], reason: String) async throws(GatewayError) -> [String]

    /// The job's current record, or nil when unknown (or past retention).
    func record(jobID: String) async -> BatchRecord?

    /// The record for a client asking after its job: like `record(jobID:)`, but a queue that cannot
    /// be read says so (503) rather than "unknown", which would tell the client its job is gone.
    func lookup(jobID: String) async throws(GatewayError) -> BatchRecord?

    /// The state of each known job among `jobIDs`, without their results (a batch of requests
    /// follows thousands of jobs at once).
    func states(jobIDs: [String]) async throws(GatewayError) -> [String: BatchState]

    /// Per-model counts (pending = queued).
    func counts(model: String) async -> QueueCounts

    /// Queued jobs of `model` ahead of and including a new one: the queue position.
    func pendingJobs(model: String) async -> Int
}

/// Settings both queue implementations share.
public struct BatchQueueSettings: Sendable, Equatable {
    /// Queued (not processing) jobs per model before `enqueue` answers `queue_full`.
    public var maxQueuedPerModel: Int = 10_000
    /// How long finished records stay readable.
    public var resultRetention: Duration = .seconds(24 * 3600)
    /// Seconds a client is told to wait after `queue_full`.
    public var queueFullRetryAfter: Int = 30

    public init(maxQueuedPerModel: Int = 10_000, resultRetention: Duration = .seconds(24 * 3600), queueFullRetryAfter: Int = 30) {
        self.maxQueuedPerModel = maxQueuedPerModel
        self.resultRetention = resultRetention
        self.queueFullRetryAfter = queueFullRetryAfter
    }
}

extension BatchQueue {
    public func states(jobIDs: [String]) async throws(GatewayError) -> [String: BatchState] {
        var out: [String: BatchState] = [:]
        for id in jobIDs {
            if let r = try await lookup(jobID: id) { out[id] = r.state }
        }
        return out
    }

    /// A queue in this process reads its own memory: it cannot fail to answer.
    public func lookup(jobID: String) async throws(GatewayError) -> BatchRecord? {
        await record(jobID: jobID)
    }
}
