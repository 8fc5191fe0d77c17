/// Rewrites the journal as one snapshot record per live job: claims, retries and purged jobs
/// take no room any more. Crash-safe at every step: the new file is written aside, fsynced,
/// renamed over the old one, and the directory fsynced; until the rename the old journal is
/// the truth (a leftover `.compacting` file is deleted at open).
///
/// Runs on: the blocking pool. The queue's lock is held only for `finish` (the last few
/// records and one fsync of them), not for the rewrite: the live jobs are taken as of one
/// offset of the old journal, written and fsynced without the lock, then what was appended to
/// the old journal meanwhile is copied over as it is (`copyTail`), so the new file replays
/// into the same state as the old one.
struct JournalCompactor {
    static func temporaryPath(_ journalPath: String) -> String { journalPath + ".compacting" }

    private var file: JournalFileBuilder
    /// Each snapshotted job's frame size: its live bytes in the new file, before the tail.
    private(set) var liveBytes: [String: Int]
    private let source: JournalDescriptor
    private let sourcePath: String
    /// The old journal's bytes before this offset are in the new file (as snapshots or copied).
    private(set) var copied: Int64

    /// Writes `records` (the live jobs as of old-journal offset `from`) to the new file and
    /// fsyncs it. A throw leaves nothing behind.
    init(records: [BatchRecord], from: Int64, source: JournalDescriptor, journalPath: String) throws(GatewayError) {
        file = try JournalFileBuilder(temporary: Self.temporaryPath(journalPath), header: JournalFormat.header)
        self.source = source
        sourcePath = journalPath
        copied = from
        liveBytes = [:]
        liveBytes.reserveCapacity(records.count)
        do throws(GatewayError) {
            for record in records {
                let frame = JournalFormat.frame(.snapshot(record))
                liveBytes[record.job.id] = frame.count
                try file.append(frame)
            }
            try file.sync()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Copies the old journal's bytes from `copied` up to `end` (whole frames appended since)
    /// into the new file, unsynced.
    mutating func copyTail(upTo end: Int64) throws(GatewayError) {
        var chunk: [UInt8] = []
        while copied < end {
            let want = Int(min(end - copied, Int64(JournalFileBuilder.flushSize)))
            if chunk.count != want { chunk = [UInt8](repeating: 0, count: want) }
            let n = try JournalIO.readFully(source.fd, into: &chunk, at: copied, sourcePath)
            guard n == want else {
                throw GatewayError(.unavailable, "batch queue journal \(sourcePath) shrank during compaction",
                                   details: [("file", sourcePath)])
            }
            try file.append(chunk)
            copied += Int64(n)
        }
    }

    /// fsyncs what was copied last and renames the new file over `path`. Returns its descriptor
    /// and size; the caller switches appends to it and fsyncs the directory.
    mutating func finish(renamingTo path: String) throws(GatewayError) -> (JournalDescriptor, Int64) {
        let descriptor = try file.finish(renamingTo: path)
        return (descriptor, file.size)
    }

    /// After a failure before the rename: the half-written file goes, the old journal stays.
    func discard() {
        file.discard()
    }
}
