#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A journal-format file written whole beside its final name, then renamed into place: the
/// queue's compacted journal, the vector store's snapshot and each new log. Until the rename the
/// old file (or none) is what a restart finds, so a crash mid-write loses nothing.
///
/// Runs on: the blocking pool (through its owners: compaction, snapshots, log rotation).
struct JournalFileBuilder {
    let temporary: String
    let kind: JournalFileKind
    let descriptor: JournalDescriptor
    /// Bytes written or buffered so far, header included: the finished file's size.
    private(set) var size: Int64 = 0
    private var written: Int64 = 0
    private var buffer: [UInt8]

    /// Creates (or empties) `temporary` and buffers `header` as its first bytes.
    init(temporary: String, header: [UInt8], kind: JournalFileKind = .queue) throws(GatewayError) {
        self.temporary = temporary
        self.kind = kind
        descriptor = JournalDescriptor(fd: try JournalIO.openFile(temporary, O_RDWR | O_CREAT | O_TRUNC, kind: kind))
        buffer = header
        buffer.reserveCapacity(Self.flushSize + 4096)
        size = Int64(header.count)
    }

    /// Batched writes: one syscall per MiB, not per frame.
    static let flushSize = 1 << 20

    mutating func append(_ frame: [UInt8]) throws(GatewayError) {
        buffer += frame
        size += Int64(frame.count)
        if buffer.count >= Self.flushSize { try flush() }
    }

    private mutating func flush() throws(GatewayError) {
        guard !buffer.isEmpty else { return }
        try JournalIO.writeAll(descriptor.fd, buffer, at: written, temporary, kind: kind)
        written += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and fsyncs it, so that `finish` later has only what came
    /// after to wait for.
    mutating func sync() throws(GatewayError) {
        try flush()
        try JournalIO.syncFile(descriptor.fd, temporary, kind: kind)
    }

    /// Writes the rest, fsyncs, and renames the file over `path`. The caller fsyncs the
    /// directory to make the rename durable. Returns the open descriptor of the file now at `path`.
    mutating func finish(renamingTo path: String) throws(GatewayError) -> JournalDescriptor {
        try flush()
        try JournalIO.syncFile(descriptor.fd, temporary, kind: kind)
        try JournalIO.renameFile(temporary, over: path, kind: kind)
        return descriptor
    }

    /// After a failure: the half-written file goes; whatever was at the final name stays.
    func discard() {
        unlink(temporary)
    }
}
