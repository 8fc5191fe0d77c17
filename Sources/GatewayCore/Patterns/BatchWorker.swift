/// Works one model's queue: takes up to batch_size texts of queued jobs when the queue holds a
/// full batch or the processing interval has passed, embeds them in one upstream call, and
/// hands each job its share. A failed call puts the jobs back with backoff until
/// `maxAttempts`, then fails them with the reason.
public final class BatchWorker: Sendable {
    public let model: ModelConfig
    private let core: PatternCore
    private let consumer: String
    private let pollInterval: Duration
    public let maxAttempts: Int

    public init(model: ModelConfig, core: PatternCore, consumer: String, pollInterval: Duration = .milliseconds(200),
                maxAttempts: Int = 5) {
        self.model = model
        self.core = core
        self.consumer = consumer
        self.pollInterval = pollInterval
        self.maxAttempts = maxAttempts
    }

    /// Runs until the task is cancelled.
    public func run() async {
        var lastFlush = core.clock.now()
        var failures = 0
        let interval = Duration.milliseconds(Int64(core.configuration.bulkProcessingInterval * 1000))
        let batchSize = max(1, core.configuration.effectiveBatchSize(model))
        while !Task.isCancelled {
            let pending = await core.queue.pendingJobs(model: model.name)
            let due = core.clock.now() - lastFlush >= interval
            // A job has at least one text, so batch_size queued jobs is surely a full batch.
            let full = pending >= batchSize
            // Jobs queued because the real-time path was down go as soon as it is back.
            let degradedReady = (core.stats[model.name]?.snapshot.degradedPending ?? 0) > 0
                && core.pool.isAvailable(model.name) && failures == 0
            // A due flush claims even with nothing queued here: jobs a dead instance left
            // processing only come back through a claim.
            if due || (pending > 0 && (full || degradedReady)) {
                let ok = await flushOnce(batchSize: batchSize)
                lastFlush = core.clock.now()
                failures = ok ? 0 : failures + 1
                if ok && full { continue }  // more may be waiting
            }
            // Back off while the upstream keeps failing, so a dead model is not hammered.
            let wait = failures == 0 ? pollInterval : min(.seconds(30), pollInterval * (1 << min(failures, 7)))
            try? await Task.sleep(for: wait)
        }
    }

    /// One batch: claim, embed, complete or fail. Returns false when the upstream call failed.
    @discardableResult
    public func flushOnce(batchSize: Int? = nil) async -> Bool {
        let size = batchSize ?? max(1, core.configuration.effectiveBatchSize(model))
        guard let jobs = try? await core.queue.claim(model: model.name, maxTexts: size, consumer: consumer), !jobs.isEmpty else {
            return true
        }
        let texts = jobs.flatMap(\.texts)
        let started = core.clock.now()
        do {
            let result = try await core.pool.embed(model: model, texts: texts, requestID: jobs[0].requestID)
            var offset = 0
            var landingFailed = false
            for job in jobs {
                let share = Array(result.vectors[offset..<(offset + job.texts.count)])
                offset += job.texts.count
                if let target = job.ingest {
                    // Points first: a crash between the two re-runs the job, and its fixed ids
                    // make the second landing replace the first.
                    do throws(GatewayError) {
                        try await core.landIngest(model: model, target: target, vectors: share)
                    } catch {
                        landingFailed = true
                        await failed(job, reason: "storing the embeddings failed: \(error.message)")
                        continue
                    }
                }
                try? await core.queue.complete(jobID: job.id, embeddings: share)
                core.metrics.batchJobs.inc(labels: [model.name, "completed"])
            }
            let took = PatternCore.seconds(core.clock.now() - started)
            core.stats[model.name]?.update { s in
                s.batchesProcessed += 1
                s.batchSecondsTotal += took
                s.itemsProcessed += texts.count
                s.lastFlush = core.clock.now()
                if s.firstFlush == nil { s.firstFlush = started }
                s.degradedPending = max(0, s.degradedPending - jobs.filter(\.degraded).count)
            }
            await refreshDepth()
            return !landingFailed
        } catch {
            for job in jobs { await failed(job, reason: error.message) }
            await refreshDepth()
            return false
        }
    }

    /// Back to the queue for another attempt, or failed for good once the attempts are spent.
    private func failed(_ job: BatchJob, reason: String) async {
        let attempts = (await core.queue.record(jobID: job.id))?.attempts ?? 0
        let retry = attempts + 1 < maxAttempts
        try? await core.queue.fail(jobID: job.id, reason: reason, retry: retry)
        if !retry { core.metrics.batchJobs.inc(labels: [model.name, "failed"]) }
    }

    private func refreshDepth() async {
        core.metrics.queueDepth.set(Double(await core.queue.counts(model: model.name).pending), labels: [model.name])
    }
}
