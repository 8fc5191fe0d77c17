/// `chunk-size [ chunk-ext ]` (RFC 9112 §7.1), the line before each chunk's data.
enum ChunkSizeLine {
    /// More hex digits than this could overflow Int; no real chunk comes near 2^60 bytes.
    static let maxSizeDigits = 15

    /// The chunk size on `line` (without its CRLF). Extensions are checked loosely and dropped:
    /// we act on none, but garbage there means the framing is not what we think.
    static func size(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Int {
        var index = line.startIndex
        var size = 0
        while index < line.endIndex, let digit = ASCII.hexValue(line[index]) {
            if index - line.startIndex == maxSizeDigits { throw .chunkSizeTooLarge }
            size = size << 4 | digit
            index += 1
        }
        guard index > line.startIndex else { throw .invalidChunkSize }
        if index < line.endIndex, !ASCII.isWhitespace(line[index]), line[index] != ASCII.semicolon {
            throw .invalidChunkSize
        }
        try checkExtensions(line[index...])
        return size
    }

    /// `*( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )`, ext-val = token / quoted-string.
    private static func checkExtensions(_ bytes: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        var index = bytes.startIndex
        let end = bytes.endIndex
        func skipWhitespace() {
            while index < end, ASCII.isWhitespace(bytes[index]) { index += 1 }
        }
        func skipToken() -> Bool {
            let start = index
            while index < end, ASCII.isTokenChar(bytes[index]) { index += 1 }
            return index > start
        }
        while true {
            skipWhitespace()
            if index == end { return }
            guard bytes[index] == ASCII.semicolon else { throw .invalidChunkExtension }
            index += 1
            skipWhitespace()
            guard skipToken() else { throw .invalidChunkExtension }
            skipWhitespace()
            guard index < end, bytes[index] == ASCII.equals else { continue }
            index += 1
            skipWhitespace()
            if index < end, bytes[index] == ASCII.quote {
                index = try endOfQuotedString(bytes, openingAt: index)
            } else if !skipToken() {
                throw .invalidChunkExtension
            }
        }
    }

    /// The index after the closing quote of the quoted-string opening at `open` (RFC 9110 §5.6.4).
    private static func endOfQuotedString(
        _ bytes: ArraySlice<UInt8>, openingAt open: Int
    ) throws(HTTP1ParseError) -> Int {
        var index = open + 1
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == ASCII.quote { return index + 1 }
            if byte == ASCII.backslash {
                index += 1
                guard index < bytes.endIndex else { break }
            }
            guard ASCII.isFieldValueByte(bytes[index]) else { throw .invalidChunkExtension }
            index += 1
        }
        throw .invalidChunkExtension
    }
}
