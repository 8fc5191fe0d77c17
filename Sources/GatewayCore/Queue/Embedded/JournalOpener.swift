#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening: directories, the lock, the journal's header, replay, cutting a torn tail.
///
/// Runs on: the caller of `EmbeddedBatchQueue.init`, once, before the loops serve: replay reads
/// the whole journal.
enum JournalOpener {
    struct Opened {
        var state: EmbeddedQueueState
        var writer: JournalWriter
        var lock: JournalDescriptor
        var replay: EmbeddedQueueReplay
    }

    static func open(dataDirectory: String) throws(GatewayError) -> Opened {
        let parent = dataDirectory.hasSuffix("/") ? String(dataDirectory.dropLast()) : dataDirectory
        let directory = parent + "/queue"
        let path = directory + "/journal.log"
        try JournalIO.makeDirectories(directory)
        // A separate lock file: compaction replaces journal.log, and the lock must not move.
        let lockPath = directory + "/journal.lock"
        let lock = JournalDescriptor(fd: try JournalIO.openFile(lockPath, O_RDWR | O_CREAT))
        try JournalIO.lockExclusively(lock.fd, lockPath)
        // A compaction that died before its rename: the journal is still the truth.
        unlink(JournalCompactor.temporaryPath(path))

        let descriptor = JournalDescriptor(fd: try JournalIO.openFile(path, O_RDWR | O_CREAT))
        var size = try JournalIO.size(descriptor.fd, path)
        try checkHeader(descriptor.fd, path: path, size: &size, directory: directory, parent: parent)

        var state = EmbeddedQueueState()
        var replay = EmbeddedQueueReplay()
        var scanner = JournalScanner(fd: descriptor.fd, path: path, fileSize: size, start: Int64(JournalFormat.header.count))
        scan: while true {
            switch try scanner.next() {
            case .record(let record, let frameBytes):
                replay.records += 1
                if !state.apply(record, frameBytes: frameBytes) { replay.skipped += 1 }
            case .end:
                break scan
            case .tornTail(let offset, let reason):
                // Cut it, so the next record follows the last good one.
                try JournalIO.truncateFile(descriptor.fd, to: offset, path)
                size = offset
                replay.truncatedAt = offset
                replay.truncationReason = reason
                break scan
            }
        }
        replay.requeued = state.requeueAbandoned()
        // What was read is now surely on disk, so group commit can start from here.
        try JournalIO.syncFile(descriptor.fd, path)
        let writer = JournalWriter(path: path, directory: directory, descriptor: descriptor, size: size)
        return Opened(state: state, writer: writer, lock: lock, replay: replay)
    }

    /// A new (or torn-at-birth) file gets the header; any other start is not our journal.
    private static func checkHeader(_ fd: Int32, path: String, size: inout Int64, directory: String, parent: String)
        throws(GatewayError)
    {
        let header = JournalFormat.header
        var start = [UInt8](repeating: 0, count: header.count)
        let n = try JournalIO.readFully(fd, into: &start, at: 0, path)
        if n == header.count && start == header { return }
        guard n < header.count, Array(start[0..<n]) == Array(header[0..<n]) else {
            throw GatewayError(.unavailable, "batch queue journal \(path) is corrupt at offset 0: not a journal "
                               + "(unknown header or version)", details: [("file", path), ("offset", "0")])
        }
        try JournalIO.truncateFile(fd, to: 0, path)
        try JournalIO.writeAll(fd, header, at: 0, path)
        try JournalIO.syncFile(fd, path)
        // A new file's name lives in its directory, and a new directory's in its parent: make
        // the creation durable too (once, when the journal is born).
        try JournalIO.syncDirectory(directory)
        try JournalIO.syncDirectory(parent.isEmpty ? "/" : parent)
        size = Int64(header.count)
    }
}
