/// Reads a journal's frames in order, through a 1 MiB window (a large journal is never loaded
/// whole). Decides what a damaged frame means:
///
/// - torn last write (the file ends inside a frame, or the frames at the end fail their
///   checksums or have damaged headers with no intact frame anywhere after them, e.g. zeros
///   or garbage a crash left past the last write): nobody was
///   told those records were stored (`enqueue` answers only after its whole frame is fsynced;
///   losing an unsynced claim or completion only means redoing work); replay stops there and
///   the caller truncates;
/// - anything else (a damaged length or checksum with good data after it, a frame that
///   checks but does not decode): corruption in the middle, which no truncation may hide:
///   `open` throws, naming the file and the offset.
///
/// Generic over the record type, so the vector store's log and snapshot (same frames, other
/// records) are read by the same rules.
///
/// Runs on: the opener's thread, at startup (the queue's journal, the vector store's files).
struct JournalScanner<Record> {
    enum Step {
        case record(Record, frameBytes: Int)
        /// Clean end of file.
        case end
        /// A torn last write starts at `offset`; everything from there is to be cut.
        case tornTail(offset: Int64, reason: String)
    }

    private let fd: Int32
    private let path: String
    private let fileSize: Int64
    private let kind: JournalFileKind
    private let decode: ([UInt8]) throws(JournalDecodeError) -> Record
    /// Where the next frame starts.
    private(set) var offset: Int64
    private var window: [UInt8] = []
    private var windowStart: Int64 = 0

    init(fd: Int32, path: String, fileSize: Int64, start: Int64, kind: JournalFileKind,
         decode: @escaping ([UInt8]) throws(JournalDecodeError) -> Record) {
        self.fd = fd
        self.path = path
        self.fileSize = fileSize
        self.offset = start
        self.kind = kind
        self.decode = decode
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
            if try noIntactFrame(from: at + 1) {
                return .tornTail(offset: at, reason: "damaged frame header with no intact record after it")
            }
            throw corrupt(at, "damaged frame header (length \(length))")
        }
        let end = at + Int64(JournalFormat.frameHeaderSize) + Int64(length)
        if end > fileSize { return .tornTail(offset: at, reason: "record runs past the end of the file") }
        let payload = Array(try bytes(at: at + Int64(JournalFormat.frameHeaderSize), count: Int(length)))
        guard JournalCRC32.checksum(payload) == Self.u32(header, 8) else {
            if try onlyDebrisFollows(end) { return .tornTail(offset: at, reason: "checksum mismatch at the end") }
            throw corrupt(at, "checksum mismatch")
        }
        let record: Record
        do {
            record = try decode(payload)
        } catch {
            throw corrupt(at, "undecodable record: \(error.reason)")
        }
        offset = end
        return .record(record, frameBytes: Int(end - at))
    }

    func corrupt(_ at: Int64, _ reason: String) -> GatewayError {
        GatewayError(.unavailable,
                     "\(kind.file) \(path) is corrupt at offset \(at): \(reason); it needs repair "
                     + "(or moving aside) before the \(kind.owner) can start",
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
            let n = try JournalIO.readFully(fd, into: &window, at: at, path, kind: kind)
            window.removeLast(window.count - n)
            windowStart = at
            guard n >= count else {
                throw GatewayError(.unavailable, "\(kind.file) \(path) shrank while being read (at offset \(at))",
                                   details: [("file", path), ("offset", String(at))])
            }
        }
        let start = Int(at - windowStart)
        return window[start..<(start + count)]
    }

    /// Whether no intact record follows `from`: only frames that fail their checksum and then
    /// an incomplete one or the end. Then the damaged frame before is part of a torn tail
    /// (unsynced writes cut short by a power loss) rather than damage in the middle. After a
    /// damaged frame header the frames' lengths cannot be followed, so every later offset is
    /// tried instead (`noIntactFrame`).
    private mutating func onlyDebrisFollows(_ from: Int64) throws(GatewayError) -> Bool {
        var at = from
        while at < fileSize {
            if fileSize - at < Int64(JournalFormat.frameHeaderSize) { return true }
            let header = try bytes(at: at, count: JournalFormat.frameHeaderSize)
            let length = Self.u32(header, 0)
            guard ~length == Self.u32(header, 4), length > 0, Int(length) <= JournalFormat.maxPayload else {
                return try noIntactFrame(from: at)
            }
            let end = at + Int64(JournalFormat.frameHeaderSize) + Int64(length)
            if end > fileSize { return true }
            let payload = try bytes(at: at + Int64(JournalFormat.frameHeaderSize), count: Int(length))
            if JournalCRC32.checksum(Array(payload)) == Self.u32(header, 8) { return false }
            at = end
        }
        return true
    }

    /// Whether no frame with a consistent header and a matching checksum starts at any offset
    /// from `start` on: a resynchronising search, so garbage past the last write is told from a
    /// damaged header with good records after it (a random match has odds of 2^-64). Costly only
    /// over damaged bytes, which are few at a torn tail.
    private mutating func noIntactFrame(from start: Int64) throws(GatewayError) -> Bool {
        var at = start
        while fileSize - at >= Int64(JournalFormat.frameHeaderSize) {
            let header = try bytes(at: at, count: JournalFormat.frameHeaderSize)
            let length = Self.u32(header, 0)
            if ~length == Self.u32(header, 4), length > 0, Int(length) <= JournalFormat.maxPayload,
               at + Int64(JournalFormat.frameHeaderSize) + Int64(length) <= fileSize
            {
                let crc = Self.u32(header, 8)
                let payload = try bytes(at: at + Int64(JournalFormat.frameHeaderSize), count: Int(length))
                if JournalCRC32.checksum(Array(payload)) == crc { return false }
            }
            at += 1
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

extension JournalScanner where Record == JournalRecord {
    /// The batch queue's journal.
    init(fd: Int32, path: String, fileSize: Int64, start: Int64) {
        self.init(fd: fd, path: path, fileSize: fileSize, start: start, kind: .queue, decode: JournalRecord.decode)
    }
}
