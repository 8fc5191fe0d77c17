/// Little-endian building blocks of journal payloads. Fixed byte order, so a journal written on
/// one machine replays on any other.
struct JournalByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }

    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func i64(_ v: Int64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Counts and sizes: never negative in a well-formed record, at most 4 Gi.
    mutating func count(_ v: Int) {
        precondition(v >= 0 && v <= Int(UInt32.max), "journal field out of range: \(v)")
        u32(UInt32(v))
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func strings(_ list: [String]) {
        count(list.count)
        for s in list { string(s) }
    }

    /// One row of floats as raw IEEE-754 bits: 4 bytes per value, exact round trip.
    mutating func floats(_ row: [Float]) {
        count(row.count)
        #if _endian(little)
        row.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for f in row { u32(f.bitPattern) }
        #endif
    }
}

/// The payload did not decode: the checksum matched but the content is not a record this
/// version understands (a bug, or a journal from a newer version).
struct JournalDecodeError: Error {
    var reason: String
}

/// Reads what `JournalByteWriter` wrote; every read checks the bounds first.
struct JournalByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws(JournalDecodeError) -> Range<Int> {
        guard n >= 0, bytes.count - offset >= n else {
            throw JournalDecodeError(reason: "field of \(n) bytes runs past the record's end")
        }
        defer { offset += n }
        return offset..<(offset + n)
    }

    mutating func u8() throws(JournalDecodeError) -> UInt8 {
        bytes[try take(1).lowerBound]
    }

    mutating func bool() throws(JournalDecodeError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw JournalDecodeError(reason: "boolean byte \(other)")
        }
    }

    mutating func u32() throws(JournalDecodeError) -> UInt32 {
        let r = try take(4)
        var v: UInt32 = 0
        for i in r.reversed() { v = v << 8 | UInt32(bytes[i]) }
        return v
    }

    mutating func i64() throws(JournalDecodeError) -> Int64 {
        let r = try take(8)
        var v: UInt64 = 0
        for i in r.reversed() { v = v << 8 | UInt64(bytes[i]) }
        return Int64(bitPattern: v)
    }

    mutating func count() throws(JournalDecodeError) -> Int {
        Int(try u32())
    }

    mutating func string() throws(JournalDecodeError) -> String {
        let r = try take(try count())
        // Validating decode: a mangled string must not turn into replacement characters silently.
        guard let s = String(validating: bytes[r], as: UTF8.self) else {
            throw JournalDecodeError(reason: "string at byte \(r.lowerBound) is not UTF-8")
        }
        return s
    }

    mutating func strings() throws(JournalDecodeError) -> [String] {
        let n = try count()
        // Each string takes at least its 4-byte length: a huge count fails here, not in reserve.
        guard n <= (bytes.count - offset) / 4 else { throw JournalDecodeError(reason: "list of \(n) strings") }
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try string()) }
        return out
    }

    mutating func floats() throws(JournalDecodeError) -> [Float] {
        let n = try count()
        guard n <= (bytes.count - offset) / 4 else { throw JournalDecodeError(reason: "row of \(n) floats") }
        let r = try take(n * 4)
        return [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                #if _endian(little)
                // One copy: the vector store's snapshot carries whole matrices.
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[r]))
                #else
                for k in 0..<n {
                    let bits = raw.loadUnaligned(fromByteOffset: r.lowerBound + 4 * k, as: UInt32.self)
                    buffer[k] = Float(bitPattern: UInt32(littleEndian: bits))
                }
                #endif
            }
            initialized = n
        }
    }
}
