/// Turns GraphQL source text into tokens (spec §2.1 "Source Text"), one at a time as the parser
/// asks. It works on the UTF-8 bytes, because every syntactically meaningful character is ASCII;
/// columns still count Unicode scalars, as graphql-core reports them.
struct Lexer: Sendable {
    let bytes: [UInt8]
    /// Where the next token's search starts: just past the previous token.
    private(set) var position = 0
    /// The 1-based line of `position`, and the byte offset where that line starts.
    private(set) var line = 1
    private(set) var lineStart = 0
    /// A column already computed on the current line, so that columns of tokens on one long line
    /// (minified queries) cost their distance from the previous token, not from the line start.
    private var columnMarkOffset = 0
    private var columnMarkColumn = 1

    init(_ source: String) {
        bytes = Array(source.utf8)
    }

    @inline(__always)
    func byte(at offset: Int) -> Int {
        offset < bytes.count ? Int(bytes[offset]) : -1
    }

    /// The next token that is not ignored (spec §2.1.7 "Ignored Tokens"):
    ///
    ///     Ignored :: UnicodeBOM | WhiteSpace | LineTerminator | Comment | Comma
    mutating func next() throws(GraphQLError) -> Token {
        var offset = position
        let count = bytes.count
        while offset < count {
            let char = bytes[offset]
            switch char {
            case 0x20, 0x09, 0x2C:  // space, tab, comma
                offset += 1
            case 0x0A:
                offset += 1
                startLine(at: offset)
            case 0x0D:
                offset += byte(at: offset + 1) == 0x0A ? 2 : 1
                startLine(at: offset)
            case 0xEF where byte(at: offset + 1) == 0xBB && byte(at: offset + 2) == 0xBF:  // U+FEFF
                offset += 3
            case 0x23:  // #
                offset = endOfComment(from: offset + 1)
            case 0x22:  // "
                if byte(at: offset + 1) == 0x22 && byte(at: offset + 2) == 0x22 {
                    return try readBlockString(from: offset)
                }
                return try readString(from: offset)
            case 0x21: return punctuator(.bang, at: offset)
            case 0x24: return punctuator(.dollar, at: offset)
            case 0x26: return punctuator(.amp, at: offset)
            case 0x28: return punctuator(.parenL, at: offset)
            case 0x29: return punctuator(.parenR, at: offset)
            case 0x3A: return punctuator(.colon, at: offset)
            case 0x3D: return punctuator(.equals, at: offset)
            case 0x40: return punctuator(.at, at: offset)
            case 0x5B: return punctuator(.bracketL, at: offset)
            case 0x5D: return punctuator(.bracketR, at: offset)
            case 0x7B: return punctuator(.braceL, at: offset)
            case 0x7C: return punctuator(.pipe, at: offset)
            case 0x7D: return punctuator(.braceR, at: offset)
            case 0x30...0x39, 0x2D:  // digit, -
                return try readNumber(from: offset)
            case _ where Lexer.isNameStart(Int(char)):
                return readName(from: offset)
            case 0x2E:  // .
                return try readDots(from: offset)
            default:
                throw unexpectedCharacter(at: offset)
            }
        }
        position = count
        return makeToken(.endOfFile, start: count, end: count, value: nil)
    }

    /// Comment :: `#` CommentChar* [lookahead != CommentChar]
    private func endOfComment(from start: Int) -> Int {
        var offset = start
        while offset < bytes.count, bytes[offset] != 0x0A, bytes[offset] != 0x0D {
            offset += 1
        }
        return offset
    }

    /// Name :: NameStart NameContinue* [lookahead != NameContinue]
    private mutating func readName(from start: Int) -> Token {
        var offset = start + 1
        while offset < bytes.count, Lexer.isNameContinue(Int(bytes[offset])) {
            offset += 1
        }
        let name = String(decoding: bytes[start..<offset], as: UTF8.self)
        return makeToken(.name, start: start, end: offset, value: name)
    }

    /// Punctuator :: one of ! $ & ( ) ... : = @ [ ] { | }
    ///
    /// Only `...` is made of dots; `..` and `.5` get graphql-core's hints.
    private mutating func readDots(from start: Int) throws(GraphQLError) -> Token {
        let next = byte(at: start + 1)
        if next == 0x2E {
            if byte(at: start + 2) == 0x2E {
                return punctuator(.spread, at: start, length: 3)
            }
            throw syntaxError("Unexpected '..', did you mean '...'?", at: start)
        }
        if Lexer.isDigit(next) {
            var end = start + 1
            while Lexer.isDigit(byte(at: end)) { end += 1 }
            let digits = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
            throw syntaxError("Invalid number, expected digit before '.', did you mean '0.\(digits)'?", at: start)
        }
        throw unexpectedCharacter(at: start)
    }

    private func unexpectedCharacter(at offset: Int) -> GraphQLError {
        if bytes[offset] == 0x27 {
            return syntaxError(
                "Unexpected single quote character ('), did you mean to use a double quote (\")?", at: offset)
        }
        return syntaxError("Unexpected character: \(describeCharacter(at: offset)).", at: offset)
    }

    // MARK: Positions

    private mutating func startLine(at offset: Int) {
        line += 1
        lineStart = offset
    }

    /// Moves the line bookkeeping past a token that spans lines (a block string).
    mutating func advanceLines(by lines: Int, lineStart newLineStart: Int) {
        line += lines
        lineStart = newLineStart
    }

    @inline(__always)
    private mutating func punctuator(_ kind: TokenKind, at start: Int, length: Int = 1) -> Token {
        makeToken(kind, start: start, end: start + length, value: nil)
    }

    /// A token starting on the current line; moves `position` past it.
    mutating func makeToken(_ kind: TokenKind, start: Int, end: Int, value: String?) -> Token {
        let location = SourceLocation(line: line, column: column(of: start))
        position = end
        return Token(kind: kind, start: start, end: end, location: location, value: value)
    }

    /// Columns count Unicode scalars, i.e. the UTF-8 bytes that are not continuation bytes.
    private mutating func column(of offset: Int) -> Int {
        if columnMarkOffset < lineStart || columnMarkOffset > offset {
            columnMarkOffset = lineStart
            columnMarkColumn = 1
        }
        var column = columnMarkColumn
        var index = columnMarkOffset
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        columnMarkOffset = offset
        columnMarkColumn = column
        return column
    }

    /// Where a byte offset is, computed from the start as graphql-core's `get_location` does:
    /// lines end at `\r\n`, `\n` or `\r`. Only errors need this, so it may scan the whole source.
    func location(ofByte offset: Int) -> SourceLocation {
        var line = 1
        var lineStart = 0
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            switch bytes[index] {
            case 0x0A:
                line += 1
                lineStart = index + 1
            case 0x0D:
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A, index + 1 < end { index += 1 }
                line += 1
                lineStart = index + 1
            default: break
            }
            index += 1
        }
        var column = 1
        for i in lineStart..<end where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(line: line, column: column)
    }

    /// A GraphQLError worded like graphql-core's `GraphQLSyntaxError`.
    func syntaxError(_ description: String, at offset: Int) -> GraphQLError {
        GraphQLError("Syntax Error: \(description)", locations: [location(ofByte: offset)])
    }

    // MARK: Characters

    /// The Unicode scalar starting at a byte offset and how many bytes it takes; the source came
    /// from a Swift String, so it is valid UTF-8.
    func scalar(at offset: Int) -> (value: UInt32, length: Int) {
        let lead = UInt32(bytes[offset])
        switch lead {
        case 0..<0x80: return (lead, 1)
        case 0xC0..<0xE0:
            return ((lead & 0x1F) << 6 | UInt32(bytes[offset + 1] & 0x3F), 2)
        case 0xE0..<0xF0:
            return ((lead & 0x0F) << 12 | UInt32(bytes[offset + 1] & 0x3F) << 6 | UInt32(bytes[offset + 2] & 0x3F), 3)
        default:
            return (
                (lead & 0x07) << 18 | UInt32(bytes[offset + 1] & 0x3F) << 12 | UInt32(bytes[offset + 2] & 0x3F) << 6
                    | UInt32(bytes[offset + 3] & 0x3F), 4
            )
        }
    }

    /// The byte offset `count` scalars after `offset`, stopping at the end of the source.
    func offset(advancing count: Int, from offset: Int) -> Int {
        var index = offset
        var remaining = count
        while remaining > 0 && index < bytes.count {
            index += scalar(at: index).length
            remaining -= 1
        }
        return index
    }

    /// The source text of `count` scalars from `offset`, as graphql-core slices it into messages.
    func text(scalars count: Int, from offset: Int) -> String {
        String(decoding: bytes[offset..<self.offset(advancing: count, from: offset)], as: UTF8.self)
    }

    /// graphql-core's `print_code_point_at`: printable ASCII quoted, anything else as `U+XXXX`,
    /// and `<EOF>` past the end.
    func describeCharacter(at offset: Int) -> String {
        guard offset < bytes.count else { return "<EOF>" }
        let (value, _) = scalar(at: offset)
        if value >= 0x20 && value <= 0x7E {
            return "'\(Character(Unicode.Scalar(UInt8(value))))'"
        }
        var hex = String(value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        return "U+\(hex)"
    }

    @inline(__always)
    static func isDigit(_ char: Int) -> Bool { char >= 0x30 && char <= 0x39 }

    /// NameStart :: Letter | `_`
    @inline(__always)
    static func isNameStart(_ char: Int) -> Bool {
        (char >= 0x61 && char <= 0x7A) || (char >= 0x41 && char <= 0x5A) || char == 0x5F
    }

    /// NameContinue :: Letter | Digit | `_`
    @inline(__always)
    static func isNameContinue(_ char: Int) -> Bool {
        isNameStart(char) || isDigit(char)
    }
}
