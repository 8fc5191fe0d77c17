/// The second pass over a string that contains escapes, run only after `Input.scanString`
/// has validated it, so nothing here can fail.
enum EscapeDecoder {
    /// Decodes a body `validateString` accepted. Every escape shrinks (6 bytes of `\uXXXX` become
    /// at most 3, 12 bytes of a surrogate pair become 4), so the body's length is enough room.
    static func decode(_ body: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: body.count) { out in
            var index = 0
            var written = 0
            while index < body.count {
                let byte = body[index]
                guard byte == UInt8(ascii: "\\") else {
                    out[written] = byte
                    written += 1
                    index += 1
                    continue
                }
                let kind = body[index + 1]
                guard kind == UInt8(ascii: "u") else {
                    out[written] = unescaped(kind)
                    written += 1
                    index += 2
                    continue
                }
                var scalar = UInt32(quad(body, at: index + 2))
                index += 6
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = UInt32(quad(body, at: index + 2))
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                written += encodeUTF8(scalar, into: out, at: written)
            }
            return written
        }
    }

    private static func unescaped(_ kind: UInt8) -> UInt8 {
        switch kind {
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: kind  // '"', '\\' and '/' stand for themselves
        }
    }

    private static func quad(_ body: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt16 {
        var value: UInt16 = 0
        for index in start..<start + 4 {
            value = value << 4 | UInt16(Input.hexValue(body[index]) ?? 0)
        }
        return value
    }

    private static func encodeUTF8(
        _ scalar: UInt32, into out: UnsafeMutableBufferPointer<UInt8>, at index: Int
    ) -> Int {
        switch scalar {
        case 0..<0x80:
            out[index] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            out[index] = UInt8(0xC0 | scalar >> 6)
            out[index + 1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[index] = UInt8(0xE0 | scalar >> 12)
            out[index + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[index + 2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            out[index] = UInt8(0xF0 | scalar >> 18)
            out[index + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[index + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[index + 3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }
}
