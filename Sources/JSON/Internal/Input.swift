/// The document being read, as raw bytes. Scanners take an index and return the index after what
/// they consumed; the pointer is only valid inside the `withUnsafeBufferPointer` call that made it,
/// so an `Input` never outlives one call into the library.
struct Input {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits

    var count: Int { bytes.count }

    func error(_ message: String, at offset: Int) -> JSONError {
        JSONError(message, at: offset, in: bytes)
    }

    /// RFC 8259 whitespace is exactly SP, HT, LF and CR.
    @inline(__always)
    func skipWhitespace(from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// `true`, `false` or `null` starting at `start`, whose first byte the caller has matched.
    func scanLiteral(_ literal: StaticString, at start: Int) throws(JSONError) -> Int {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for offset in 1..<expected.count {
            let index = start + offset
            guard index < bytes.count else { throw error(Message.unexpectedEnd, at: index) }
            guard bytes[index] == expected[offset] else {
                throw error(Message.expectedLiteral(literal.description), at: index)
            }
        }
        return start + expected.count
    }
}
