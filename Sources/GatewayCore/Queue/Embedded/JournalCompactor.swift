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
        var file = try JournalFileBuilder(temporary: temporaryPath(journalPath), header: JournalFormat.header)
        var liveBytes: [String: Int] = [:]
        liveBytes.reserveCapacity(records.count)
        do throws(GatewayError) {
            for record in records {
                let frame = JournalFormat.frame(.snapshot(record))
                liveBytes[record.job.id] = frame.count
                try file.append(frame)
            }
            let descriptor = try file.finish(renamingTo: journalPath)
            return Result(descriptor: descriptor, size: file.size, liveBytes: liveBytes)
        } catch {
            file.discard()
            throw error
        }
    }
}
