/// The persistent half of the embedded store's state, kept under the store's lock with the
/// collections it describes: the log being appended to, its generation, and when the next
/// snapshot is due.
///
/// Runs on: whichever thread holds the store's lock — appends from any task (page cache only);
/// `rotate` (fsyncs) from the blocking pool's snapshot, or from `snapshot`/`close` callers.
struct VectorLog {
    let files: VectorStoreFiles
    var writer: JournalWriter
    /// Of the log `writer` appends to.
    private(set) var generation: UInt64
    /// The first log still on disk: older than `generation` when a snapshot failed, so the next
    /// one has more to fold in even if the current log is empty.
    var oldestGeneration: UInt64
    /// Held (open) while the store is: the directory's flock.
    var lock: JournalDescriptor?
    /// A snapshot is scheduled or being written: the log's size triggers no second one.
    var snapshotPending = false
    /// After a failed snapshot, no new attempt before the log reaches this size.
    var nextSnapshotSize: Int64 = 0

    init(files: VectorStoreFiles, writer: JournalWriter, generation: UInt64, oldestGeneration: UInt64,
         lock: JournalDescriptor) {
        self.files = files
        self.writer = writer
        self.generation = generation
        self.oldestGeneration = oldestGeneration
        self.lock = lock
    }

    /// Nothing a snapshot would add: the current log holds no record and no older log is left.
    var isFolded: Bool {
        writer.size == Int64(VectorStoreFiles.headerSize) && oldestGeneration == generation
    }

    /// Whether this change makes a snapshot due; if so, marks it pending (the caller starts it).
    mutating func claimSnapshot(threshold: Int64) -> Bool {
        guard !snapshotPending, writer.failure == nil, writer.size >= max(threshold, nextSnapshotSize) else {
            return false
        }
        snapshotPending = true
        return true
    }

    /// Finishes the current log (fsync) and switches appends to a new one of the next
    /// generation. Returns that generation: the one the snapshot being taken will name.
    mutating func rotate() throws(GatewayError) -> UInt64 {
        try writer.checkWritable()
        if case .sync(let descriptor, _, let path, let kind, _) = writer.commitTarget {
            do throws(GatewayError) {
                try JournalIO.syncFile(descriptor.fd, path, kind: kind)
            } catch {
                // As in group commit: after a failed fsync the log cannot be trusted.
                writer.poison(error)
                throw error
            }
        }
        let next = generation + 1
        let descriptor = try files.createLog(generation: next)
        writer.replace(descriptor, size: Int64(VectorStoreFiles.headerSize), path: files.logPath(next))
        generation = next
        return next
    }

    /// After a snapshot naming `generation` is durable: the logs before it are gone.
    mutating func snapshotWritten(_ generation: UInt64) {
        files.removeLogs(before: generation, from: oldestGeneration)
        oldestGeneration = max(oldestGeneration, generation)
        nextSnapshotSize = 0
    }

    /// After a failed one: the logs stay (replay still covers everything); retry after growth.
    mutating func snapshotFailed(threshold: Int64) {
        nextSnapshotSize = writer.size + max(threshold / 8, 1 << 20)
    }
}
