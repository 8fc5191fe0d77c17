/// Block strings (spec §2.9.4): `"""` text whose common indentation and surrounding blank lines
/// are not part of the value, as descriptions are written.
enum BlockString {
    /// The spec's BlockStringValue(rawValue) on lines already split at line terminators:
    /// removes the common indentation of all lines but the first, then leading and trailing
    /// blank lines. Whitespace here is space and tab, which are single bytes, so byte counts
    /// are character counts.
    static func dedent(_ lines: [ArraySlice<UInt8>]) -> [ArraySlice<UInt8>] {
        var commonIndent = Int.max
        var firstNonEmpty: Int? = nil
        var lastNonEmpty = -1
        for (index, line) in lines.enumerated() {
            let indent = leadingWhitespace(line)
            if indent == line.count { continue }
            if firstNonEmpty == nil { firstNonEmpty = index }
            lastNonEmpty = index
            if index != 0 && indent < commonIndent { commonIndent = indent }
        }
        let first = firstNonEmpty ?? 0
        guard first <= lastNonEmpty else { return [] }
        var result: [ArraySlice<UInt8>] = []
        result.reserveCapacity(lastNonEmpty - first + 1)
        for index in first...lastNonEmpty {
            let line = lines[index]
            if index == 0 || commonIndent == Int.max {
                result.append(line)
            } else {
                result.append(line.dropFirst(commonIndent))
            }
        }
        return result
    }

    private static func leadingWhitespace(_ line: ArraySlice<UInt8>) -> Int {
        var count = 0
        for byte in line {
            guard byte == 0x20 || byte == 0x09 else { break }
            count += 1
        }
        return count
    }

    /// graphql-js `printBlockString`: the value between `"""`, on lines of its own when that
    /// reads better or is needed to keep the value intact. Works on Unicode scalars, as
    /// graphql-core does, so a combining mark after a quote changes nothing.
    static func print(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        var escaped: [Unicode.Scalar] = []
        escaped.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\"", index + 2 < scalars.count, scalars[index + 1] == "\"", scalars[index + 2] == "\""
            {
                escaped.append(contentsOf: ["\\", "\"", "\"", "\""])
                index += 3
            } else {
                escaped.append(scalars[index])
                index += 1
            }
        }
        let lines = splitLines(escaped)
        let isSingleLine = lines.count == 1
        let forceLeadingNewLine =
            lines.count > 1 && lines.dropFirst().allSatisfy { $0.isEmpty || $0.first == " " || $0.first == "\t" }
        let hasTrailingTripleQuotes = escaped.count >= 4 && Array(escaped.suffix(4)) == ["\\", "\"", "\"", "\""]
        let hasTrailingQuote = scalars.last == "\"" && !hasTrailingTripleQuotes
        let hasTrailingSlash = scalars.last == "\\"
        let forceTrailingNewLine = hasTrailingQuote || hasTrailingSlash
        let printAsMultipleLines =
            !isSingleLine || scalars.count > 70 || forceTrailingNewLine || forceLeadingNewLine
            || hasTrailingTripleQuotes
        let skipLeadingNewLine = isSingleLine && (scalars.first == " " || scalars.first == "\t")
        var result = String.UnicodeScalarView()
        result.append(contentsOf: "\"\"\"".unicodeScalars)
        if (printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine { result.append("\n") }
        result.append(contentsOf: escaped)
        if printAsMultipleLines || forceTrailingNewLine { result.append("\n") }
        result.append(contentsOf: "\"\"\"".unicodeScalars)
        return String(result)
    }

    /// Splits at GraphQL line terminators only: `\r\n`, `\n`, `\r`.
    private static func splitLines(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var lines: [ArraySlice<Unicode.Scalar>] = []
        var lineStart = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" {
                lines.append(scalars[lineStart..<index])
                index += scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n" ? 2 : 1
                lineStart = index
            } else {
                index += 1
            }
        }
        lines.append(scalars[lineStart...])
        return lines
    }
}

extension Lexer {
    /// Reads a block StringValue (spec §2.9.4) and applies BlockStringValue().
    ///
    ///     StringValue :: `"""` BlockStringCharacter* `"""`
    ///     BlockStringCharacter ::
    ///       - SourceCharacter but not `"""` or `\"""`
    ///       - `\"""`
    mutating func readBlockString(from start: Int) throws(GraphQLError) -> Token {
        var offset = start + 3
        var chunkStart = offset
        var currentLine: [UInt8] = []
        var lines: [ArraySlice<UInt8>] = []
        var lastLineStart = lineStart
        let count = bytes.count
        while offset < count {
            let char = bytes[offset]
            if char == 0x22 && byte(at: offset + 1) == 0x22 && byte(at: offset + 2) == 0x22 {
                currentLine.append(contentsOf: bytes[chunkStart..<offset])
                lines.append(currentLine[...])
                var value: [UInt8] = []
                for (index, line) in BlockString.dedent(lines).enumerated() {
                    if index > 0 { value.append(0x0A) }
                    value.append(contentsOf: line)
                }
                // The token starts on the block string's first line; later tokens are on its last.
                let token = makeToken(
                    .blockString, start: start, end: offset + 3, value: String(decoding: value, as: UTF8.self))
                advanceLines(by: lines.count - 1, lineStart: lastLineStart)
                return token
            }
            if char == 0x5C && byte(at: offset + 1) == 0x22 && byte(at: offset + 2) == 0x22
                && byte(at: offset + 3) == 0x22
            {
                currentLine.append(contentsOf: bytes[chunkStart..<offset])
                chunkStart = offset + 1  // keep the quotes, drop the backslash
                offset += 4
                continue
            }
            if char == 0x0A || char == 0x0D {
                currentLine.append(contentsOf: bytes[chunkStart..<offset])
                lines.append(currentLine[...])
                offset += char == 0x0D && byte(at: offset + 1) == 0x0A ? 2 : 1
                currentLine = []
                chunkStart = offset
                lastLineStart = offset
                continue
            }
            offset += 1
        }
        throw syntaxError("Unterminated string.", at: offset)
    }
}
