/// Reads a journal's frames in order, through a 1 MiB window (a large journal is never loaded
/// whole). Decides what a damaged frame means:
///
/// - torn last write (the file ends inside a frame, or the frames at the end fail their
///   checksums with no intact one after them, or the rest of the file is zeros): nobody was
///   told those records were stored (`enqueue` answers only after its whole frame is fsynced;
///   losing an unsynced claim or completion only means redoing work); replay stops there and
///   the caller truncates;
/// - anything else (a damaged length or checksum with good data after it, a frame that
///   checks but does not decode): corruption in the middle, which no truncation may hide:
///   `open` throws, naming the file and the offset.
struct JournalScanner {
    enum Step {
        case record(JournalRecord, frameBytes: Int)
        /// Clean end of file.
        case end
        /// A torn last write starts at `offset`; everything from there is to be cut.
        case tornTail(offset: Int64, reason: String)
    }

    private let fd: Int32
    private let path: String
    private let fileSize: Int64
    /// Where the next frame starts.
    private(set) var offset: Int64
    private var window: [UInt8] = []
    private var windowStart: Int64 = 0

    init(fd: Int32, path: String, fileSize: Int64, start: Int64) {
        self.fd = fd
        self.path = path
        self.fileSize = fileSize
        self.offset = start
    }

    mutating func next() throws(GatewayError) -> Step {
        let at = offset
        let remaining = fileSize - at
        if remaining == 0 { return .end }
        if remaining < Int64(JournalFormat.frameHeaderSize) {
            return .tornTail(offset: at, reason: "incomplete frame header")
        }
        let header = try bytes(at: at, count: JournalFormat.frameHeaderSize)
        let length = Self.u32(header, 0)
        guard ~length == Self.u32(header, 4), length > 0, Int(length) <= JournalFormat.maxPayload else {
            if try isZeroFilled(from: at) { return .tornTail(offset: at, reason: "zero-filled tail") }
            throw corrupt(at, "damaged frame header (length \(length))")
        }
        let end = at + Int64(JournalFormat.frameHeaderSize) + Int64(length)
        if end > fileSize { return .tornTail(offset: at, reason: "record runs past the end of the file") }
        let payload = Array(try bytes(at: at + Int64(JournalFormat.frameHeaderSize), count: Int(length)))
        guard JournalCRC32.checksum(payload) == Self.u32(header, 8) else {
            if try onlyDebrisFollows(end) { return .tornTail(offset: at, reason: "checksum mismatch at the end") }
            throw corrupt(at, "checksum mismatch")
        }
        let record: JournalRecord
        do {
            record = try JournalRecord.decode(payload)
        } catch {
            throw corrupt(at, "undecodable record: \(error.reason)")
        }
        offset = end
        return .record(record, frameBytes: Int(end - at))
    }

    func corrupt(_ at: Int64, _ reason: String) -> GatewayError {
        GatewayError(.unavailable,
                     "batch queue journal \(path) is corrupt at offset \(at): \(reason); it needs repair "
                     + "(or moving aside) before the queue can start",
                     details: [("file", path), ("offset", String(at))])
    }

    // MARK: reading

    private static func u32(_ bytes: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
        let base = bytes.startIndex + i
        return UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16
            | UInt32(bytes[base + 3]) << 24
    }

    /// `count` bytes at `at`, which the caller knows lie inside the file.
    private mutating func bytes(at: Int64, count: Int) throws(GatewayError) -> ArraySlice<UInt8> {
        let windowEnd = windowStart + Int64(window.count)
        if at < windowStart || at + Int64(count) > windowEnd {
            window = [UInt8](repeating: 0, count: max(count, 1 << 20))
            let n = try JournalIO.readFully(fd, into: &window, at: at, path)
            window.removeLast(window.count - n)
            windowStart = at
            guard n >= count else {
                throw GatewayError(.unavailable, "batch queue journal \(path) shrank while being read (at offset \(at))",
                                   details: [("file", path), ("offset", String(at))])
            }
        }
        let start = Int(at - windowStart)
        return window[start..<(start + count)]
    }

    /// Whether no intact record follows `from`: only frames that fail their checksum and then
    /// an incomplete one or the end. Then the damaged frame before is part of a torn tail
    /// (unsynced writes cut short by a power loss) rather than damage in the middle. A damaged
    /// frame header ends the search as "not debris": without a trustworthy length there is no
    /// telling what follows, and cutting would risk discarding good records.
    private mutating func onlyDebrisFollows(_ from: Int64) throws(GatewayError) -> Bool {
        var at = from
        while at < fileSize {
            if fileSize - at < Int64(JournalFormat.frameHeaderSize) { return true }
            let header = try bytes(at: at, count: JournalFormat.frameHeaderSize)
            let length = Self.u32(header, 0)
            guard ~length == Self.u32(header, 4), length > 0, Int(length) <= JournalFormat.maxPayload else {
                return try isZeroFilled(from: at)
            }
            let end = at + Int64(JournalFormat.frameHeaderSize) + Int64(length)
            if end > fileSize { return true }
            let payload = try bytes(at: at + Int64(JournalFormat.frameHeaderSize), count: Int(length))
            if JournalCRC32.checksum(Array(payload)) == Self.u32(header, 8) { return false }
            at = end
        }
        return true
    }

    private mutating func isZeroFilled(from at: Int64) throws(GatewayError) -> Bool {
        var position = at
        while position < fileSize {
            let n = Int(min(fileSize - position, 1 << 20))
            if try bytes(at: position, count: n).contains(where: { $0 != 0 }) { return false }
            position += Int64(n)
        }
        return true
    }
}
