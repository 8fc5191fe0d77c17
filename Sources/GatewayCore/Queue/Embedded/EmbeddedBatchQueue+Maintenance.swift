/// What the owner runs besides the `BatchQueue` calls: retention, compaction, shutdown.
extension EmbeddedBatchQueue {
    /// Drops finished jobs older than `resultRetention` (by completion time), journaling each.
    /// The owner runs it periodically; `record(jobID:)` also hides an expired job on access.
    /// Returns how many it purged.
    ///
    /// Runs on: the caller (the gateway calls it from a detached task every 10 s, not from a
    /// loop); it holds the lock for one write of all the purge records, and a compaction it makes
    /// due runs on the pool.
    @discardableResult
    public func purgeExpired() throws(GatewayError) -> Int {
        let now = clock.wallTime()
        return try change { (c) throws(GatewayError) -> Int in
            // Completion order is (nearly) expiry order: stop at the first job still kept. A
            // wall clock stepped back can delay a few purges until the next pass, nothing worse.
            var victims: [String] = []
            var passed = 0
            for id in c.state.finished {
                if let entry = c.state.entries[id], entry.record.state == .completed || entry.record.state == .failed {
                    guard isExpired(entry.record, now: now) else { break }
                    victims.append(id)
                }
                passed += 1
            }
            if !victims.isEmpty {
                // One write for the lot: the lock is held for one syscall, not one per job.
                let records = victims.map { JournalRecord.purged(id: $0) }
                let sizes = try c.journal.append(frames: records.map(JournalFormat.frame))
                for (record, bytes) in zip(records, sizes) {
                    let applied = c.state.apply(record, frameBytes: bytes)
                    assert(applied, "the embedded queue journaled a purge its state rejects: \(record)")
                }
            }
            for _ in 0..<passed { c.state.dropFirstFinished() }
            return victims.count
        }
    }

    /// Rewrites the journal now, whatever its size (tests, and an operator's hook), on the
    /// pool; first waits for a compaction already running.
    public func compact() async throws(GatewayError) {
        while true {
            await compactionSettled()
            let plan = try core.withLock { (c) throws(GatewayError) -> CompactionPlan? in
                try c.journal.checkWritable()
                return c.compacting ? nil : planCompaction(&c)
            }
            guard let plan else { continue }
            try await pool.run(.long) { [self] () throws(GatewayError) in
                if let error = runCompaction(plan) { throw error }
            }
            return
        }
    }

    /// Returns once no compaction is queued or running.
    func compactionSettled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let running = core.withLock { c in
                if c.compacting { c.compactionWaiters.append(continuation) }
                return c.compacting
            }
            if !running { continuation.resume() }
        }
    }

    /// The journal file's size in bytes.
    public var journalSize: Int64 {
        core.withLock { $0.journal.size }
    }

    /// Why the queue refuses changes, once its journal cannot be trusted (or it was closed).
    public var journalFailure: GatewayError? {
        core.withLock { $0.journal.failure }
    }

    /// fsyncs and closes the journal and frees the data directory for another queue. Later
    /// changes throw `unavailable`; reads still answer from memory. A compaction still running
    /// gives up without touching the journal.
    ///
    /// Runs on: the caller, fsync included — the gateway calls it at shutdown, after the loops
    /// have stopped.
    public func close() {
        core.withLock { c in
            c.journal.close()
            c.lock = nil
        }
    }

    // MARK: compaction

    /// What a compaction starts from: the live jobs as of one offset of the journal.
    struct CompactionPlan: Sendable {
        var records: [BatchRecord]
        /// Each job's live bytes then, to carry what the tail adds over to the new file.
        var liveBefore: [String: Int]
        var from: Int64
        var source: JournalDescriptor
        var path: String
        var directory: String
    }

    /// Starts a compaction on the pool when the journal is over the threshold and at least half
    /// of it is dead.
    func compactIfDue(_ c: inout Core) {
        let size = c.journal.size
        guard !c.compacting, size > compactionThreshold, size >= c.nextCompactionSize, c.journal.failure == nil else {
            return
        }
        let dead = size - Int64(JournalFormat.header.count) - Int64(c.state.liveBytes)
        guard dead * 2 >= size else { return }
        c.compacting = true
        pool.submit(.long) { [self] in
            // The live jobs are copied here, not on the loop whose change made this due: a
            // copy of every live job is work that grows with the queue.
            guard let plan = core.withLock({ c in c.journal.failure == nil ? Self.plan(c) : nil }) else {
                endCompaction(failed: false)
                return
            }
            _ = runCompaction(plan)
        }
    }

    /// Marks a compaction as running and takes what it needs (under the lock; memory only).
    func planCompaction(_ c: inout Core) -> CompactionPlan? {
        guard let plan = Self.plan(c) else { return nil }
        c.compacting = true
        return plan
    }

    private static func plan(_ c: borrowing Core) -> CompactionPlan? {
        guard let source = c.journal.descriptor else { return nil }
        return CompactionPlan(records: c.state.snapshot(), liveBefore: c.state.liveBytesByJob, from: c.journal.size,
                              source: source, path: c.journal.path, directory: c.journal.directory)
    }

    /// The rewrite, on a pool thread: the snapshot and most of the tail without the lock, the
    /// last of the tail, its fsync and the rename under it, the directory's fsync after.
    /// Returns why it failed, if it did; the old journal is then still the one in use.
    func runCompaction(_ plan: CompactionPlan) -> GatewayError? {
        var compactor: JournalCompactor
        do throws(GatewayError) {
            compactor = try JournalCompactor(records: plan.records, from: plan.from, source: plan.source,
                                             journalPath: plan.path)
        } catch {
            endCompaction(failed: true)
            return error
        }
        do throws(GatewayError) {
            // Catch up with what was appended meanwhile while that is big, so the part done
            // under the lock stays small.
            for _ in 0..<4 {
                let end = core.withLock { $0.journal.size }
                guard end - compactor.copied > 256 << 10 else { break }
                try compactor.copyTail(upTo: end)
            }
            try core.withLock { (c) throws(GatewayError) in
                // Closed or poisoned meanwhile: the old journal stays as it is.
                try c.journal.checkWritable()
                guard c.journal.descriptor === plan.source else {
                    throw GatewayError(.unavailable, "batch queue journal was replaced during compaction")
                }
                try compactor.copyTail(upTo: c.journal.size)
                let (descriptor, size) = try compactor.finish(renamingTo: plan.path)
                c.journal.replace(descriptor, size: size, renamedInto: true)
                c.state.rebaseLiveBytes(compactor.liveBytes, before: plan.liveBefore)
            }
        } catch {
            compactor.discard()
            endCompaction(failed: true)
            return error
        }
        var failure: GatewayError?
        do throws(GatewayError) {
            try JournalIO.syncDirectory(plan.directory)
            core.withLock { $0.journal.directorySynced() }
        } catch {
            // The rename may not survive a power cut, and what is appended from now on goes to
            // the new file only: refuse changes rather than risk losing accepted jobs.
            core.withLock { $0.journal.poison(error) }
            failure = error
        }
        endCompaction(failed: false)
        return failure
    }

    private func endCompaction(failed: Bool) {
        let waiters = core.withLock { c -> [CheckedContinuation<Void, Never>] in
            c.compacting = false
            // After a failure, try again after some growth, not on every change.
            c.nextCompactionSize = failed ? c.journal.size + max(compactionThreshold / 8, 1 << 20) : 0
            defer { c.compactionWaiters = [] }
            return c.compactionWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
