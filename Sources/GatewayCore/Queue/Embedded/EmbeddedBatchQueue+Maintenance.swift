/// What the owner runs besides the `BatchQueue` calls: retention, compaction, shutdown.
extension EmbeddedBatchQueue {
    /// Drops finished jobs older than `resultRetention` (by completion time), journaling each.
    /// The owner runs it periodically; `record(jobID:)` also hides an expired job on access.
    /// Returns how many it purged.
    @discardableResult
    public func purgeExpired() throws(GatewayError) -> Int {
        let now = clock.wallTime()
        return try change { (c) throws(GatewayError) -> Int in
            var purged = 0
            // Completion order is (nearly) expiry order: stop at the first job still kept. A
            // wall clock stepped back can delay a few purges until the next pass, nothing worse.
            while let id = c.state.finished.first {
                if let entry = c.state.entries[id], entry.record.state == .completed || entry.record.state == .failed {
                    guard isExpired(entry.record, now: now) else { break }
                    try record(.purged(id: id), in: &c)
                    purged += 1
                }
                c.state.dropFirstFinished()
            }
            return purged
        }
    }

    /// Rewrites the journal now, whatever its size (tests, and an operator's hook).
    public func compact() throws(GatewayError) {
        try core.withLock { (c) throws(GatewayError) in try compact(&c) }
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
    /// changes throw `unavailable`; reads still answer from memory.
    public func close() {
        core.withLock { c in
            c.journal.close()
            c.lock = nil
        }
    }

    // MARK: compaction

    /// Compacts when the journal is over the threshold and at least half of it is dead.
    func compactIfDue(_ c: inout Core) {
        let size = c.journal.size
        guard size > compactionThreshold, size >= c.nextCompactionSize, c.journal.failure == nil else { return }
        let dead = size - Int64(JournalFormat.header.count) - Int64(c.state.liveBytes)
        guard dead * 2 >= size else { return }
        do throws(GatewayError) {
            try compact(&c)
        } catch {
            // The old journal is still in use and whole; try again after some growth, not on
            // every change.
            c.nextCompactionSize = size + max(compactionThreshold / 8, 1 << 20)
        }
    }

    func compact(_ c: inout Core) throws(GatewayError) {
        try c.journal.checkWritable()
        let result = try JournalCompactor.rewrite(c.state.snapshot(), journalPath: c.journal.path,
                                                  directory: c.journal.directory)
        c.journal.replace(result.descriptor, size: result.size)
        c.state.resetLiveBytes(result.liveBytes)
        c.nextCompactionSize = 0
        do throws(GatewayError) {
            try JournalIO.syncDirectory(c.journal.directory)
        } catch {
            // The rename may not survive a power cut, and what is appended from now on goes to
            // the new file only: refuse changes rather than risk losing accepted jobs.
            c.journal.poison(error)
            throw error
        }
    }
}
