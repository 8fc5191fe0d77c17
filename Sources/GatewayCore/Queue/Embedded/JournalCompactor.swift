#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rewrites the journal as one snapshot record per live job: claims, retries and purged jobs
/// take no room any more. Crash-safe at every step: the new file is written aside, fsynced,
/// renamed over the old one, and the directory fsynced; until the rename the old journal is
/// the truth (a leftover `.compacting` file is deleted at open).
enum JournalCompactor {
    static func temporaryPath(_ journalPath: String) -> String { journalPath + ".compacting" }

    struct Result {
        var descriptor: JournalDescriptor
        var size: Int64
        /// Each job's snapshot frame size: its live bytes from now on.
        var liveBytes: [String: Int]
    }

    /// Writes the new file and renames it into place. A throw means the old journal is still
    /// the one in place and in use; after a return the caller switches to the new descriptor
    /// and fsyncs the directory.
    static func rewrite(_ records: [BatchRecord], journalPath: String, directory: String)
        throws(GatewayError) -> Result
    {
        let temporary = temporaryPath(journalPath)
        let descriptor = JournalDescriptor(fd: try JournalIO.openFile(temporary, O_RDWR | O_CREAT | O_TRUNC))
        var liveBytes: [String: Int] = [:]
        liveBytes.reserveCapacity(records.count)
        var size: Int64 = 0
        do throws(GatewayError) {
            // Batched writes: one syscall per MiB, not per job.
            var buffer = JournalFormat.header
            for record in records {
                let frame = JournalFormat.frame(.snapshot(record))
                liveBytes[record.job.id] = frame.count
                buffer += frame
                if buffer.count >= 1 << 20 {
                    try JournalIO.writeAll(descriptor.fd, buffer, at: size, temporary)
                    size += Int64(buffer.count)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try JournalIO.writeAll(descriptor.fd, buffer, at: size, temporary)
            size += Int64(buffer.count)
            try JournalIO.syncFile(descriptor.fd, temporary)
            try JournalIO.renameFile(temporary, over: journalPath)
        } catch {
            unlink(temporary)
            throw error
        }
        return Result(descriptor: descriptor, size: size, liveBytes: liveBytes)
    }
}
