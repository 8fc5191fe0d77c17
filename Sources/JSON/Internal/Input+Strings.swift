extension Input {
    /// Scans the string whose opening quote is at `quote` and returns its decoded text and the
    /// index after the closing quote.
    ///
    /// Two passes: the first checks everything (UTF-8, control characters, escapes) and finds the
    /// end; only strings that contain escapes get the second, decoding pass. Most keys and values
    /// have none and become a `String` straight from the input bytes.
    func scanString(quoteAt quote: Int) throws(JSONError) -> (value: String, end: Int) {
        let start = quote + 1
        let (close, hasEscapes) = try validateString(from: start, quote: quote)
        let body = UnsafeBufferPointer(rebasing: bytes[start..<close])
        let value = hasEscapes ? EscapeDecoder.decode(body) : String(decoding: body, as: UTF8.self)
        return (value, close + 1)
    }

    /// Returns the index of the closing quote and whether any `\` escape was seen.
    private func validateString(from start: Int, quote: Int) throws(JSONError) -> (Int, Bool) {
        let limit = limits.maxStringBytes
        var index = start
        var hasEscapes = false
        while true {
            guard index < bytes.count else { throw error(Message.unterminatedString, at: index) }
            let byte = bytes[index]
            // Checked per byte so an endless string fails early, and again at the close
            // because an escape can step a few bytes past the limit.
            guard index - start < limit || (byte == UInt8(ascii: "\"") && index - start == limit) else {
                throw error(Message.stringTooLong(limit), at: quote)
            }
            if byte == UInt8(ascii: "\"") { return (index, hasEscapes) }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                index = try validateEscape(at: index)
            } else if byte < 0x20 {
                throw error(Message.controlCharacter(byte), at: index)
            } else if byte < 0x80 {
                index += 1
            } else {
                index = try validateUTF8Sequence(at: index)
            }
        }
    }

    /// One escape starting at its backslash; returns the index after it. A high surrogate must be
    /// followed at once by a low one, and a low one must not stand alone: lone surrogates are
    /// not Unicode scalars, so no `String` could hold them faithfully.
    private func validateEscape(at backslash: Int) throws(JSONError) -> Int {
        let kind = backslash + 1
        guard kind < bytes.count else { throw error(Message.unterminatedString, at: kind) }
        switch bytes[kind] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return kind + 1
        case UInt8(ascii: "u"):
            let unit = try hexQuad(at: kind + 1)
            let after = kind + 5
            switch unit {
            case 0xD800...0xDBFF:
                guard after < bytes.count else { throw error(Message.unterminatedString, at: after) }
                guard bytes[after] == UInt8(ascii: "\\") else {
                    throw error(Message.unpairedSurrogate(unit), at: backslash)
                }
                guard after + 1 < bytes.count else { throw error(Message.unterminatedString, at: after + 1) }
                guard bytes[after + 1] == UInt8(ascii: "u") else {
                    throw error(Message.unpairedSurrogate(unit), at: backslash)
                }
                guard (0xDC00...0xDFFF).contains(try hexQuad(at: after + 2)) else {
                    throw error(Message.unpairedSurrogate(unit), at: backslash)
                }
                return after + 6
            case 0xDC00...0xDFFF:
                throw error(Message.unpairedSurrogate(unit), at: backslash)
            default:
                return after
            }
        default:
            throw error(Message.invalidEscape(bytes[kind]), at: kind)
        }
    }

    private func hexQuad(at start: Int) throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for index in start..<start + 4 {
            guard index < bytes.count else { throw error(Message.unterminatedString, at: index) }
            guard let digit = Self.hexValue(bytes[index]) else {
                throw error(Message.invalidHexDigit, at: index)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Unicode 15 table 3-7 (well-formed UTF-8 byte sequences): no overlong forms, no encoded
    /// surrogates, nothing above U+10FFFF. The error points at the first byte that cannot
    /// continue the sequence.
    private func validateUTF8Sequence(at lead: Int) throws(JSONError) -> Int {
        let first = bytes[lead]
        var continuationCount = 0
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch first {
        case 0xC2...0xDF: continuationCount = 1
        case 0xE0: continuationCount = 2; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: continuationCount = 2
        case 0xED: continuationCount = 2; secondRange = 0x80...0x9F
        case 0xF0: continuationCount = 3; secondRange = 0x90...0xBF
        case 0xF1...0xF3: continuationCount = 3
        case 0xF4: continuationCount = 3; secondRange = 0x80...0x8F
        default: throw error(Message.invalidUTF8(first), at: lead)
        }
        for index in lead + 1...lead + continuationCount {
            guard index < bytes.count else { throw error(Message.unterminatedString, at: index) }
            let range = index == lead + 1 ? secondRange : 0x80...0xBF
            guard range.contains(bytes[index]) else { throw error(Message.invalidUTF8(bytes[index]), at: index) }
        }
        return lead + continuationCount + 1
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
