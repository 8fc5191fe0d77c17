/// The embedded queue's memory: every job's record, each model's queue and counts. Both the
/// live queue and replay change it only through `apply`, so a journal replays into exactly the
/// state that wrote it. Not thread-safe: `EmbeddedBatchQueue` keeps it behind its lock.
struct EmbeddedQueueState {
    struct Entry {
        var record: BatchRecord
        /// Acceptance order, to put jobs abandoned by a dead worker back in their old order.
        var sequence: Int
        /// Journal bytes this job would take after compaction (accepted + finished records):
        /// what is not counted here is dead and compaction reclaims it.
        var liveBytes: Int
    }

    private(set) var entries: [String: Entry] = [:]
    private(set) var queues: [String: EmbeddedJobDeque] = [:]
    private(set) var counts: [String: QueueCounts] = [:]
    /// Finished jobs in the order they finished: retention purges from the front. May hold ids
    /// already purged on access; those are skipped.
    private(set) var finished = EmbeddedJobDeque()
    private(set) var liveBytes = 0
    private var nextSequence = 0

    func queued(model: String) -> Int { queues[model]?.count ?? 0 }

    /// Applies one journal record. False when it does not fit the state (a job unknown or in
    /// another state): the live queue never writes such a record; replay counts and skips it.
    @discardableResult
    mutating func apply(_ record: JournalRecord, frameBytes: Int) -> Bool {
        switch record {
        case .accepted(let job):
            return insert(BatchRecord(job: job), frameBytes: frameBytes)
        case .snapshot(let snapshot):
            return insert(snapshot, frameBytes: frameBytes)
        case .claimed(let ids, _):
            var fitted = true
            for id in ids {
                guard let state = entries[id]?.record.state else { fitted = false; continue }
                switch state {
                case .queued:
                    let model = entries[id]!.record.job.model
                    // Claims take from the front; anywhere else only in a surprising journal.
                    if queues[model]?.first == id { queues[model]!.popFirst() } else { queues[model]?.remove(id) }
                    transition(id, to: .processing)
                case .processing:
                    // Replay only: a job a dead process had claimed, claimed again after restart.
                    break
                case .completed, .failed:
                    fitted = false
                }
            }
            return fitted
        case .completed(let id, let embeddings, let attempts, let at):
            return complete(id, attempts: attempts, at: at, frameBytes: frameBytes) {
                $0.embeddings = embeddings
                $0.completedItems = embeddings.count
            }
        case .completedOutputs(let id, let outputs, let attempts, let at):
            return complete(id, attempts: attempts, at: at, frameBytes: frameBytes) {
                $0.outputs = outputs
                $0.completedItems = outputs.count
            }
        case .failed(let id, let reason, let retry, let attempts, let at):
            guard entries[id]?.record.state == .processing else { return false }
            entries[id]!.record.attempts = attempts
            if retry {
                // It was the oldest when claimed: it goes first again.
                transition(id, to: .queued)
                queues[entries[id]!.record.job.model, default: EmbeddedJobDeque()].prepend(id)
            } else {
                transition(id, to: .failed)
                entries[id]!.record.error = reason
                entries[id]!.record.completedAt = at
                finish(id, frameBytes: frameBytes)
            }
            return true
        case .cancelled(let ids, let reason, let at):
            var cancelled: Set<String> = []
            for id in ids where entries[id]?.record.state == .queued {
                transition(id, to: .failed)
                entries[id]!.record.error = reason
                entries[id]!.record.completedAt = at
                // The frame is one for all of them: counted once.
                finish(id, frameBytes: cancelled.isEmpty ? frameBytes : 0)
                cancelled.insert(id)
            }
            // One pass per model queue, not one removal per job: a batch may cancel thousands.
            for model in Set(cancelled.map { entries[$0]!.record.job.model }) {
                var kept = EmbeddedJobDeque()
                for id in queues[model]! where !cancelled.contains(id) { kept.append(id) }
                queues[model] = kept
            }
            return !cancelled.isEmpty
        case .purged(let id):
            guard let entry = entries[id], entry.record.state == .completed || entry.record.state == .failed else {
                return false
            }
            counts[entry.record.job.model]!.remove(entry.record.state)
            liveBytes -= entry.liveBytes
            entries[id] = nil
            return true
        }
    }

    /// After replay: jobs still processing belonged to a worker of the dead process. They go back
    /// to the front of their queues in acceptance order; the attempt does not count (the
    /// worker died, not the upstream). Returns how many.
    mutating func requeueAbandoned() -> Int {
        let abandoned = entries.values.filter { $0.record.state == .processing }.sorted { $0.sequence > $1.sequence }
        for entry in abandoned {
            transition(entry.record.job.id, to: .queued)
            queues[entry.record.job.model, default: EmbeddedJobDeque()].prepend(entry.record.job.id)
        }
        return abandoned.count
    }

    /// One record per live job, in an order that replays into this state: per model the
    /// processing jobs (oldest first) then the queue in order, then finished jobs in the
    /// order they finished.
    func snapshot() -> [BatchRecord] {
        var out: [BatchRecord] = []
        out.reserveCapacity(entries.count)
        let processing = entries.values.filter { $0.record.state == .processing }.sorted { $0.sequence < $1.sequence }
        for model in queues.keys.sorted() {
            out += processing.lazy.filter { $0.record.job.model == model }.map(\.record)
            out += queues[model]!.map { entries[$0]!.record }
        }
        for id in finished {
            if let entry = entries[id], entry.record.state == .completed || entry.record.state == .failed {
                out.append(entry.record)
            }
        }
        return out
    }

    /// Retention went past the oldest finished job (or it was already purged on access).
    mutating func dropFirstFinished() {
        finished.popFirst()
    }

    /// Each job's live bytes, for a compaction to start from.
    var liveBytesByJob: [String: Int] {
        entries.mapValues(\.liveBytes)
    }

    /// After compaction each snapshotted job's live bytes are its snapshot frame plus what it
    /// gained since the snapshot was taken (`before`: its bytes then); jobs accepted since
    /// keep theirs.
    mutating func rebaseLiveBytes(_ frames: [String: Int], before: [String: Int]) {
        for (id, frame) in frames where entries[id] != nil {
            entries[id]!.liveBytes += frame - (before[id] ?? 0)
        }
        liveBytes = entries.values.reduce(0) { $0 + $1.liveBytes }
        var compacted = EmbeddedJobDeque()
        for id in finished where entries[id] != nil { compacted.append(id) }
        finished = compacted
    }

    // MARK: helpers

    private mutating func insert(_ record: BatchRecord, frameBytes: Int) -> Bool {
        let id = record.job.id
        guard entries[id] == nil else { return false }
        entries[id] = Entry(record: record, sequence: nextSequence, liveBytes: frameBytes)
        nextSequence += 1
        liveBytes += frameBytes
        let model = record.job.model
        counts[model, default: QueueCounts()].add(record.state)
        // Every model with a job has a queue, even an empty one: `snapshot` walks models by it.
        if queues[model] == nil { queues[model] = EmbeddedJobDeque() }
        switch record.state {
        case .queued: queues[model]!.append(id)
        case .processing: break  // `requeueAbandoned` decides where it goes
        case .completed, .failed: finished.append(id)
        }
        return true
    }

    /// A processing job's results (`fill` sets them) and its end; false for any other job.
    private mutating func complete(_ id: String, attempts: Int, at: UnixTime, frameBytes: Int,
                                   _ fill: (inout BatchRecord) -> Void) -> Bool {
        guard entries[id]?.record.state == .processing else { return false }
        transition(id, to: .completed)
        entries[id]!.record.attempts = attempts
        fill(&entries[id]!.record)
        entries[id]!.record.completedAt = at
        finish(id, frameBytes: frameBytes)
        return true
    }

    private mutating func transition(_ id: String, to state: BatchState) {
        let old = entries[id]!.record.state
        let model = entries[id]!.record.job.model
        counts[model]!.remove(old)
        counts[model]!.add(state)
        entries[id]!.record.state = state
    }

    private mutating func finish(_ id: String, frameBytes: Int) {
        entries[id]!.liveBytes += frameBytes
        liveBytes += frameBytes
        finished.append(id)
    }
}

fileprivate extension QueueCounts {
    mutating func add(_ state: BatchState) {
        switch state {
        case .queued: pending += 1
        case .processing: processing += 1
        case .completed: completed += 1
        case .failed: failed += 1
        }
    }

    mutating func remove(_ state: BatchState) {
        switch state {
        case .queued: pending -= 1
        case .processing: processing -= 1
        case .completed: completed -= 1
        case .failed: failed -= 1
        }
    }
}
