extension Lexer {
    /// Reads a quoted StringValue (spec §2.9.4) and resolves its escapes.
    ///
    ///     StringValue ::
    ///       - `""` [lookahead != `"`]
    ///       - `"` StringCharacter+ `"`
    ///     StringCharacter ::
    ///       - SourceCharacter but not `"` or `\` or LineTerminator
    ///       - `\u` EscapedUnicode
    ///       - `\` EscapedCharacter
    ///     EscapedUnicode :: `{` HexDigit+ `}` | HexDigit HexDigit HexDigit HexDigit
    ///     EscapedCharacter :: one of `"` `\` `/` `b` `f` `n` `r` `t`
    mutating func readString(from start: Int) throws(GraphQLError) -> Token {
        var offset = start + 1
        var chunkStart = offset
        // Only strings with escapes need a buffer; the rest decode straight from the source.
        var value: [UInt8]? = nil
        let count = bytes.count
        while offset < count {
            let char = bytes[offset]
            if char == 0x22 {  // "
                let text: String
                if var buffer = value {
                    buffer.append(contentsOf: bytes[chunkStart..<offset])
                    text = String(decoding: buffer, as: UTF8.self)
                } else {
                    text = String(decoding: bytes[chunkStart..<offset], as: UTF8.self)
                }
                return makeToken(.string, start: start, end: offset + 1, value: text)
            }
            if char == 0x5C {  // \
                var buffer = value ?? []
                buffer.append(contentsOf: bytes[chunkStart..<offset])
                let size: Int
                if byte(at: offset + 1) == 0x75 {  // u
                    let scalar: UInt32
                    if byte(at: offset + 2) == 0x7B {  // {
                        (scalar, size) = try readVariableWidthEscape(at: offset)
                    } else {
                        (scalar, size) = try readFixedWidthEscape(at: offset)
                    }
                    appendUTF8(scalar, to: &buffer)
                } else {
                    buffer.append(try escapedCharacter(at: offset))
                    size = 2
                }
                value = buffer
                offset += size
                chunkStart = offset
                continue
            }
            if char == 0x0A || char == 0x0D { break }
            offset += 1
        }
        throw syntaxError("Unterminated string.", at: offset)
    }

    /// `\u{1F600}`: at most 12 characters in all, at least one hex digit, a Unicode scalar value.
    private func readVariableWidthEscape(at start: Int) throws(GraphQLError) -> (UInt32, Int) {
        var point = 0
        var size = 3
        // graphql-core bounds the escape by the characters left; past any non-ASCII character the
        // escape is invalid anyway, so counting bytes instead gives the same result.
        let maxSize = min(12, bytes.count - start)
        while size < maxSize {
            let char = Int(bytes[start + size])
            size += 1
            if char == 0x7D {  // }
                if size >= 5, point <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(point)) {
                    return (scalar.value, size)
                }
                break
            }
            point = (point << 4) | Lexer.hexValue(char)
            if point < 0 { break }
        }
        throw syntaxError("Invalid Unicode escape sequence: '\(text(scalars: size, from: start))'.", at: start)
    }

    /// `\u00E9`, or a surrogate pair of two such escapes read as one scalar.
    private func readFixedWidthEscape(at start: Int) throws(GraphQLError) -> (UInt32, Int) {
        let code = hexCode(at: start + 2)
        if code >= 0, let scalar = Unicode.Scalar(UInt32(code)) {
            return (scalar.value, 6)
        }
        if code >= 0xD800 && code <= 0xDBFF && byte(at: start + 6) == 0x5C && byte(at: start + 7) == 0x75 {
            let trailing = hexCode(at: start + 8)
            if trailing >= 0xDC00 && trailing <= 0xDFFF {
                let scalar = 0x10000 + ((code - 0xD800) << 10) + (trailing - 0xDC00)
                return (UInt32(scalar), 12)
            }
        }
        throw syntaxError("Invalid Unicode escape sequence: '\(text(scalars: 6, from: start))'.", at: start)
    }

    /// Four hex digits as a number, or a negative number if any is not a hex digit.
    private func hexCode(at offset: Int) -> Int {
        Lexer.hexValue(byte(at: offset)) << 12 | Lexer.hexValue(byte(at: offset + 1)) << 8
            | Lexer.hexValue(byte(at: offset + 2)) << 4 | Lexer.hexValue(byte(at: offset + 3))
    }

    private func escapedCharacter(at start: Int) throws(GraphQLError) -> UInt8 {
        switch byte(at: start + 1) {
        case 0x22: return 0x22  // "
        case 0x2F: return 0x2F  // /
        case 0x5C: return 0x5C  // \
        case 0x62: return 0x08  // b
        case 0x66: return 0x0C  // f
        case 0x6E: return 0x0A  // n
        case 0x72: return 0x0D  // r
        case 0x74: return 0x09  // t
        default:
            throw syntaxError("Invalid character escape sequence: '\(text(scalars: 2, from: start))'.", at: start)
        }
    }

    static func hexValue(_ char: Int) -> Int {
        switch char {
        case 0x30...0x39: char - 0x30
        case 0x41...0x46: char - 0x37
        case 0x61...0x66: char - 0x57
        default: -1
        }
    }

    private func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | scalar >> 6))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | scalar >> 12))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | scalar >> 18))
            buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
