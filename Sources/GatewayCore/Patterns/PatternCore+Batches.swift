/// Queued work whatever the model's pattern: what a batch of requests (the OpenAI Batch API)
/// is made of. Every model's worker runs them, real-time models included; the checks are the
/// same as for the call made now.
extension PatternCore {
    /// Queues the embedding of `texts` with `model`. With `jobID` the job gets that id, and a job
    /// already queued under it is left as it is (its id is returned): queueing is then idempotent.
    public func queueEmbedding(model name: String, texts: [String], context: CallContext,
                               jobID: ((String) -> String)? = nil) async throws(GatewayError) -> String {
        let model = try model(named: name)
        let call = EmbedCall(model: model.name, texts: texts, single: false, context: context)
        try validate(call)
        let now = wall.wallTime()
        let job = BatchJob(id: jobID?(model.name) ?? BatchID.make(model: model.name, at: now), model: model.name, texts: texts,
                           pattern: model.pattern, queuedAt: now, requestID: context.requestID,
                           trace: context.trace)
        return try await enqueueOnce(job, model: model, at: now)
    }

    /// Queues one generation with `call.model`; `jobID` as for `queueEmbedding`.
    public func queueGeneration(_ call: GenerateCall, jobID: ((String) -> String)? = nil) async throws(GatewayError) -> String {
        let model = try model(named: call.model)
        let options = try call.options(for: model)
        let now = wall.wallTime()
        let job = BatchJob(id: jobID?(model.name) ?? BatchID.make(model: model.name, at: now), model: model.name, texts: [],
                           pattern: model.pattern, queuedAt: now, requestID: call.context.requestID,
                           trace: call.context.trace, generation: GenerationRequest(input: call.input, options: options))
        return try await enqueueOnce(job, model: model, at: now)
    }

    /// The state of each known job among `ids` (unknown or expired ones are left out).
    public func jobStates(_ ids: [String]) async throws(GatewayError) -> [String: BatchState] {
        try await queue.states(jobIDs: ids)
    }

    private func enqueueOnce(_ job: BatchJob, model: ModelConfig, at now: UnixTime) async throws(GatewayError) -> String {
        if await queue.record(jobID: job.id) != nil { return job.id }
        _ = try await enqueue(job, model: model, urgent: false, degraded: false, at: now)
        return job.id
    }

    /// Fails the jobs among `ids` that no worker has taken yet; returns them.
    public func cancelQueuedJobs(_ ids: [String], reason: String) async throws(GatewayError) -> [String] {
        try await queue.cancel(jobIDs: ids, reason: reason)
    }
}
