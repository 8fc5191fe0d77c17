/// The journal the live queue (or the vector store's log) appends to. Lives inside its owner's
/// lock, so the order of records in the file is the order the state changed in.
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

    /// Appends one ready frame (built outside the owner's lock, checksum included).
    mutating func append(frame: [UInt8]) throws(GatewayError) -> Int {
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
        return .sync(descriptor, upTo: appended, path: path, kind: kind)
    }

    /// After compaction: appends go to the new file, which already holds everything. After the
    /// vector store's log rotation: to the next log (`path`), once the old one is fsynced.
    mutating func replace(_ descriptor: JournalDescriptor, size: Int64, path: String? = nil) {
        self.descriptor = descriptor
        self.size = size
        if let path { self.path = path }
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
