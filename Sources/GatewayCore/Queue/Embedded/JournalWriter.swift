/// The journal the live queue (or the vector store's log) appends to. Lives inside its owner's
/// lock, so the order of records in the file is the order the state changed in.
///
/// Runs on: whichever thread holds the owner's lock — an event loop included, for appends:
/// `pwrite` of a record into the page cache does not wait for the disk (measured on the bench
/// machine's ext4 with another thread fsyncing the file nonstop: p99 73 µs, 3 in 21,807 over
/// 1 ms; dirty-page throttling aside, which would stall every writer alike). The fsyncs that do
/// wait run on the blocking pool (`JournalGroupCommit`), except `close`'s at shutdown, after
/// the loops have stopped.
struct JournalWriter {
    private(set) var path: String
    let directory: String
    let kind: JournalFileKind
    private(set) var descriptor: JournalDescriptor?
    /// Bytes in the current file: where the next frame goes.
    private(set) var size: Int64
    /// Bytes appended since the queue opened, plus the size then; never goes back (compaction
    /// does not reset it): the offsets group commit waits on.
    private(set) var appended: Int64
    /// Set once the journal can no longer be trusted (a failed fsync, a partial record that
    /// could not be cut, a close): every later change is refused with it.
    private(set) var failure: GatewayError?
    /// Compaction renamed a new file over `path` and the directory is not fsynced yet: until it
    /// is, every group commit fsyncs the directory too, or an acknowledged record could vanish
    /// with the rename in a power cut.
    private(set) var directoryUnsynced = false
    private var closedCleanly = false

    init(path: String, directory: String, descriptor: JournalDescriptor, size: Int64, kind: JournalFileKind = .queue) {
        self.path = path
        self.directory = directory
        self.kind = kind
        self.descriptor = descriptor
        self.size = size
        self.appended = size
    }

    func checkWritable() throws(GatewayError) {
        if let failure { throw failure }
    }

    /// Appends one record (no fsync) and returns its frame's size.
    mutating func append(_ record: JournalRecord) throws(GatewayError) -> Int {
        try append(frame: JournalFormat.frame(record))
    }

    /// Appends several frames with one write (a purge of many jobs); returns each one's size.
    mutating func append(frames: [[UInt8]]) throws(GatewayError) -> [Int] {
        if frames.count == 1 { return [try append(frame: frames[0])] }
        var joined: [UInt8] = []
        joined.reserveCapacity(frames.reduce(0) { $0 + $1.count })
        for frame in frames { joined += frame }
        _ = try append(frame: joined)
        return frames.map(\.count)
    }

    /// Appends one ready frame (built outside the owner's lock, checksum included).
    mutating func append(frame: [UInt8]) throws(GatewayError) -> Int {
        guard !frame.isEmpty else { return 0 }
        try checkWritable()
        guard let descriptor else { throw closed }
        do throws(GatewayError) {
            try JournalIO.writeAll(descriptor.fd, frame, at: size, path, kind: kind)
        } catch {
            // A partial frame must not stay: the next record would land after it, turning a
            // torn tail (recoverable) into corruption in the middle (not).
            do throws(GatewayError) {
                try JournalIO.truncateFile(descriptor.fd, to: size, path, kind: kind)
            } catch let cut {
                poison(GatewayError(.unavailable, "\(error.message); cutting the partial record failed too "
                                    + "(\(cut.message)); the \(kind.owner) accepts no more changes until restarted",
                                    details: cut.details))
            }
            throw error
        }
        size += Int64(frame.count)
        appended += Int64(frame.count)
        return frame.count
    }

    mutating func poison(_ error: GatewayError) {
        if failure == nil { failure = error }
    }

    /// What a group-commit leader is to fsync now.
    var commitTarget: JournalGroupCommit.Target {
        if closedCleanly { return .durable(upTo: appended) }
        if let failure { return .failed(failure) }
        guard let descriptor else { return .failed(closed) }
        return .sync(descriptor, upTo: appended, path: path, kind: kind, directory: directoryUnsynced ? directory : nil)
    }

    /// After compaction: appends go to the new file, which already holds everything. After the
    /// vector store's log rotation: to the next log (`path`), once the old one is fsynced.
    /// `renamedInto`: the new file was renamed into the directory and that is not durable yet.
    mutating func replace(_ descriptor: JournalDescriptor, size: Int64, path: String? = nil, renamedInto: Bool = false) {
        self.descriptor = descriptor
        self.size = size
        if let path { self.path = path }
        if renamedInto { directoryUnsynced = true }
    }

    /// The rename `replace` noted is durable now.
    mutating func directorySynced() {
        directoryUnsynced = false
    }

    private var closed: GatewayError { GatewayError(.unavailable, "\(kind.service) is closed") }

    /// fsyncs and lets go of the file (it closes when no group commit still holds it).
    mutating func close() {
        guard let descriptor, failure == nil else {
            self.descriptor = nil
            return
        }
        do throws(GatewayError) {
            try JournalIO.syncFile(descriptor.fd, path, kind: kind)
            closedCleanly = true
            failure = closed
        } catch {
            poison(error)
        }
        self.descriptor = nil
    }
}
