import Tracing

/// Works one model's queue: takes up to batch_size items of queued jobs when the queue holds a
/// full batch or the processing interval has passed, embeds the texts in upstream calls of at
/// most batch_size inputs each (a single job may be larger than a batch), and hands each job its
/// share once every part has answered; queued generations run side by side, one call each. A failed part puts the jobs back with backoff until
/// `maxAttempts`, then fails them with the reason. While no endpoint of the model passes its
/// health checks, jobs wait in the queue without spending attempts.
/// Runs on: its own detached task (global executor), one per queued model.
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
            // Health checks have every endpoint out of rotation: a claim would only spend the
            // jobs' attempts on calls that cannot be made.
            let reachable = core.pool.isInRotation(model.name)
            // A due flush claims even with nothing queued here: jobs a dead instance left
            // processing only come back through a claim.
            if reachable && (due || (pending > 0 && (full || degradedReady))) {
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

    /// One batch: claim, then embed and generate, complete or fail. Returns false when an
    /// upstream call failed. Embed jobs share upstream calls; generation jobs (at most
    /// batch_size of them, each counting as one item of the claim) run side by side, one call each.
    @discardableResult
    public func flushOnce(batchSize: Int? = nil) async -> Bool {
        let size = batchSize ?? max(1, core.configuration.effectiveBatchSize(model))
        guard let jobs = try? await core.queue.claim(model: model.name, maxTexts: size, consumer: consumer), !jobs.isEmpty else {
            return true
        }
        let started = core.clock.now()
        let generations = jobs.filter { $0.generation != nil }
        let embeds = jobs.filter { $0.generation == nil }
        async let generated = generate(generations)
        let embedded = embeds.isEmpty ? true : await embed(embeds, size: size)
        let ok = await generated && embedded
        let took = PatternCore.seconds(core.clock.now() - started)
        core.stats[model.name]?.update { s in
            s.batchesProcessed += 1
            s.batchSecondsTotal += took
            s.itemsProcessed += jobs.reduce(0) { $0 + $1.itemsCount }
            s.lastFlush = core.clock.now()
            if s.firstFlush == nil { s.firstFlush = started }
            s.degradedPending = max(0, s.degradedPending - jobs.filter(\.degraded).count)
        }
        await refreshDepth()
        return ok
    }

    /// The embed jobs of one claim: their texts in calls of at most `size`, each job its share.
    private func embed(_ jobs: [BatchJob], size: Int) async -> Bool {
        let texts = jobs.flatMap(\.texts)
        do {
            let vectors = try await embedInParts(texts, size: size, requestID: jobs[0].requestID,
                                             trace: jobs[0].trace ?? .fresh())
            var offset = 0
            var landingFailed = false
            for job in jobs {
                let share = Array(vectors[offset..<(offset + job.texts.count)])
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
            return !landingFailed
        } catch {
            for job in jobs { await failed(job, reason: error.message) }
            return false
        }
    }

    /// The generation jobs of one claim, all at once; each completes or fails on its own.
    private func generate(_ jobs: [BatchJob]) async -> Bool {
        guard !jobs.isEmpty else { return true }
        return await withTaskGroup(of: Bool.self) { group in
            for job in jobs {
                guard let request = job.generation else { continue }
                group.addTask { [self] in
                    let started = core.clock.now()
                    do throws(GatewayError) {
                        let answer = try await core.pool.generate(model: model, input: request.input, options: request.options,
                                                                  requestID: job.requestID, trace: job.trace ?? .fresh())
                        let took = core.clock.now() - started
                        core.generation.record(model: model.name, protocolName: "batch", usage: answer.value.usage,
                                               firstToken: took, total: took)
                        try? await core.queue.complete(jobID: job.id, outputs: [answer.value])
                        core.metrics.batchJobs.inc(labels: [model.name, "completed"])
                        return true
                    } catch {
                        await failed(job, reason: error.message)
                        return false
                    }
                }
            }
            var allGood = true
            for await ok in group { allGood = allGood && ok }
            return allGood
        }
    }

    /// The texts' embeddings, in order, from upstream calls of at most `size` inputs made one
    /// after another. Nothing is kept between claims: a crash between parts leaves the jobs
    /// processing, and whoever claims them again sends every part anew, so a result is written
    /// once and whole.
    /// Jobs packed into one call continue the first job's trace, as they carry its request id.
    private func embedInParts(_ texts: [String], size: Int, requestID: String,
                              trace: TraceContext) async throws(GatewayError) -> [[Float]] {
        guard texts.count > size else {
            return try await core.pool.embed(model: model, texts: texts, requestID: requestID, trace: trace).vectors
        }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let end = min(start + size, texts.count)
            vectors += try await core.pool.embed(model: model, texts: Array(texts[start..<end]), requestID: requestID,
                                                 trace: trace).vectors
            start = end
        }
        return vectors
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
