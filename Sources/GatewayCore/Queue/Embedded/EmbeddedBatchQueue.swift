import Synchronization

/// The batch queue of a single gateway: state in memory behind one lock, every change appended
/// to `<dataDirectory>/queue/journal.log` and replayed at start (see `JournalFormat`).
///
/// Durability: `enqueue` returns only after its record is fsynced (group commit, so concurrent
/// enqueues share fsyncs). Claims, completions, failures and purges are written but not
/// fsynced: the page cache survives a killed process, and what a power cut loses of them only
/// means a job is processed again — never completed twice, since `complete` applies only to a
/// processing job and replay rebuilds exactly that state.
///
/// Calls are cheap (a lock, a dictionary, an append to the page cache) except `enqueue`,
/// which also waits for the disk, and compaction, which rewrites the journal when it is over
/// `compactionThreshold` bytes and half dead.
///
/// Runs on: any task, event loops included — each call holds the lock only for memory work and
/// a `pwrite` to the page cache. What waits on the disk runs on `pool`: the enqueue's fsync
/// (the caller is suspended until it is done) and compaction (in the background, holding the
/// lock only for its last step). Opening (replay) runs on the caller, before the loops serve.
public final class EmbeddedBatchQueue: BatchQueue {
    struct Core {
        var state: EmbeddedQueueState
        var journal: JournalWriter
        var lock: JournalDescriptor?
        /// After a failed compaction, no new attempt before the journal reaches this size.
        var nextCompactionSize: Int64 = 0
        /// A compaction is queued or running on the pool; no second one starts.
        var compacting = false
        /// Who waits for the running compaction to end (`compact`, tests).
        var compactionWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public let settings: BatchQueueSettings
    /// What opening found in the journal.
    public let replay: EmbeddedQueueReplay
    public let journalPath: String
    let clock: any WallClock
    let compactionThreshold: Int64
    let core: Mutex<Core>
    /// Runs the fsyncs and compactions.
    let pool: BlockingPool
    private let commit: JournalGroupCommit

    /// Opens (creating if needed) the queue in `dataDirectory` and replays its journal. Throws
    /// `unavailable` naming the file when it cannot be opened, read, or trusted (corruption
    /// before the last record), or when another queue holds it. `pool` runs what waits on the
    /// disk.
    public init(dataDirectory: String, settings: BatchQueueSettings = BatchQueueSettings(),
                clock: any WallClock = SystemWallClock(), compactionThreshold: Int = 64 << 20,
                pool: BlockingPool = .shared) throws(GatewayError) {
        // Replay stays on the caller: it runs once, before any loop serves a request.
        let opened = try JournalOpener.open(dataDirectory: dataDirectory)
        self.settings = settings
        self.clock = clock
        self.compactionThreshold = Int64(compactionThreshold)
        self.replay = opened.replay
        self.journalPath = opened.writer.path
        self.pool = pool
        self.commit = JournalGroupCommit(durable: opened.writer.appended, pool: pool)
        self.core = Mutex(Core(state: opened.state, journal: opened.writer, lock: opened.lock))
        core.withLock { compactIfDue(&$0) }
    }

    /// `batch_mixtral_20250715_143000_1f2e3d4c`: the id format of every queue.
    public static func makeID(model: String, at time: UnixTime) -> String {
        BatchID.make(model: model, at: time)
    }

    // MARK: BatchQueue

    public func enqueue(_ job: BatchJob) async throws(GatewayError) -> Int {
        guard !job.texts.isEmpty || job.generation != nil else {
            throw GatewayError(.invalidArgument, "batch job \(job.id) has no texts", details: [("field", "texts")])
        }
        let (position, end) = try change { (c) throws(GatewayError) -> (Int, Int64) in
            guard c.state.entries[job.id] == nil else {
                throw GatewayError(.internalError, "batch id \(job.id) is already in the queue")
            }
            let queued = c.state.queued(model: job.model)
            guard queued < settings.maxQueuedPerModel else {
                throw GatewayError(.queueFull, "the \(job.model) queue holds \(queued) jobs, its limit; retry later",
                                   details: [("model", job.model)], retryAfter: settings.queueFullRetryAfter)
            }
            try record(.accepted(job), in: &c)
            return (queued + 1, c.journal.appended)
        }
        do throws(GatewayError) {
            // Weak: a round may finish on the pool after its last waiter returned, and a queue
            // dropped without `close` (a killed process, in tests) must let go of its lock then.
            try await commit.waitUntilDurable(end) { [weak self] in
                self?.core.withLock { $0.journal.commitTarget } ?? .failed(GatewayError(.unavailable, "batch queue is closed"))
            }
        } catch {
            // The record may or may not be on disk: stop trusting the journal.
            core.withLock { $0.journal.poison(error) }
            throw error
        }
        return position
    }

    public func claim(model: String, maxTexts: Int, consumer: String) async throws(GatewayError) -> [BatchJob] {
        try change { (c) throws(GatewayError) -> [BatchJob] in
            guard let queue = c.state.queues[model], !queue.isEmpty else { return [] }
            // Oldest first, whole jobs; the first one even if alone it is over the limit.
            var jobs: [BatchJob] = []
            var texts = 0
            for i in 0..<queue.count {
                let job = c.state.entries[queue[i]]!.record.job
                if !jobs.isEmpty && texts + job.itemsCount > maxTexts { break }
                jobs.append(job)
                texts += job.itemsCount
            }
            try record(.claimed(ids: jobs.map(\.id), consumer: consumer), in: &c)
            return jobs
        }
    }

    public func complete(jobID: String, embeddings: [[Float]]) async throws(GatewayError) {
        try change { (c) throws(GatewayError) in
            guard let entry = c.state.entries[jobID], entry.record.state == .processing else { return }
            guard embeddings.count == entry.record.job.texts.count else {
                throw GatewayError(.internalError, "batch job \(jobID) has \(entry.record.job.texts.count) texts "
                                   + "but \(embeddings.count) embeddings were stored for it")
            }
            try record(.completed(id: jobID, embeddings: embeddings, attempts: entry.record.attempts + 1,
                                  at: clock.wallTime()), in: &c)
        }
    }

    public func complete(jobID: String, outputs: [GeneratedText]) async throws(GatewayError) {
        try change { (c) throws(GatewayError) in
            guard let entry = c.state.entries[jobID], entry.record.state == .processing else { return }
            guard entry.record.job.generation != nil, outputs.count == entry.record.job.itemsCount else {
                throw GatewayError(.internalError, "batch job \(jobID) cannot take \(outputs.count) generation outputs")
            }
            try record(.completedOutputs(id: jobID, outputs: outputs, attempts: entry.record.attempts + 1,
                                         at: clock.wallTime()), in: &c)
        }
    }

    public func cancel(jobIDs: [String], reason: String) async throws(GatewayError) -> [String] {
        try change { (c) throws(GatewayError) -> [String] in
            let queued = jobIDs.filter { c.state.entries[$0]?.record.state == .queued }
            guard !queued.isEmpty else { return [] }
            try record(.cancelled(ids: queued, reason: reason, at: clock.wallTime()), in: &c)
            return queued
        }
    }

    public func fail(jobID: String, reason: String, retry: Bool) async throws(GatewayError) {
        try change { (c) throws(GatewayError) in
            guard let entry = c.state.entries[jobID], entry.record.state == .processing else { return }
            try record(.failed(id: jobID, reason: reason, retry: retry, attempts: entry.record.attempts + 1,
                               at: clock.wallTime()), in: &c)
        }
    }

    public func record(jobID: String) async -> BatchRecord? {
        let found = core.withLock { c in c.state.entries[jobID]?.record }
        guard let found, isExpired(found, now: clock.wallTime()) else { return found }
        // Past retention: gone for the caller now; journaled if the journal takes it.
        _ = try? change { (c) throws(GatewayError) in
            if let entry = c.state.entries[jobID], isExpired(entry.record, now: clock.wallTime()) {
                try record(.purged(id: jobID), in: &c)
            }
        }
        return nil
    }

    public func counts(model: String) async -> QueueCounts {
        core.withLock { $0.state.counts[model] ?? QueueCounts() }
    }

    public func pendingJobs(model: String) async -> Int {
        core.withLock { $0.state.queued(model: model) }
    }

    // MARK: shared by every change

    /// Runs one operation's changes under the lock, then starts a compaction if that made one
    /// due (between operations, never in the middle of one).
    func change<T>(_ body: (inout Core) throws(GatewayError) -> T) throws(GatewayError) -> T {
        try core.withLock { (c) throws(GatewayError) -> T in
            let result = try body(&c)
            compactIfDue(&c)
            return result
        }
    }

    /// Journals `change`, then applies it: memory never holds what the journal lacks.
    func record(_ change: JournalRecord, in c: inout Core) throws(GatewayError) {
        let bytes = try c.journal.append(change)
        let applied = c.state.apply(change, frameBytes: bytes)
        assert(applied, "the embedded queue journaled a change its state rejects: \(change)")
    }

    func isExpired(_ record: BatchRecord, now: UnixTime) -> Bool {
        guard record.state == .completed || record.state == .failed, let at = record.completedAt else { return false }
        return at + settings.resultRetention <= now
    }
}
