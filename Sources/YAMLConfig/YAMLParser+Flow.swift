/// Flow collections (`[a, b]`, `{k: v}`), which may span lines, and scalars.
extension Parser {
    mutating func flowNode() throws(YAMLError) -> YAMLNode {
        switch peek() {
        case UInt8(ascii: "["): return try flowSequence()
        case UInt8(ascii: "{"): return try flowMapping()
        default: return try scalar(flow: true)
        }
    }

    mutating func flowSequence() throws(YAMLError) -> YAMLNode {
        let open = position
        ci += 1
        var items: [YAMLNode] = []
        while true {
            try skipFlowSpace(open: open)
            if peek() == UInt8(ascii: "]") { ci += 1; break }
            if peek() == UInt8(ascii: "?"), isBlank(at: ci + 1) { throw fail("complex keys ('?') are not supported") }
            path.append(String(items.count))
            items.append(try flowNode())
            path.removeLast()
            try skipFlowSpace(open: open)
            switch peek() {
            case UInt8(ascii: ","): ci += 1
            case UInt8(ascii: "]"): ci += 1; return YAMLNode(.sequence(items), at: open)
            case colon: throw fail("single-pair mappings inside a flow sequence ('[a: b]') are not supported; use '[{a: b}]'")
            default: throw fail("expected ',' or ']' in the flow sequence opened at \(open)")
            }
        }
        return YAMLNode(.sequence(items), at: open)
    }

    mutating func flowMapping() throws(YAMLError) -> YAMLNode {
        let open = position
        ci += 1
        var entries: [YAMLNode.Entry] = []
        var seen: Set<String> = []
        while true {
            try skipFlowSpace(open: open)
            if peek() == UInt8(ascii: "}") { ci += 1; break }
            let keyPosition = position
            if peek() == UInt8(ascii: "?"), isBlank(at: ci + 1) { throw fail("complex keys ('?') are not supported") }
            if peek() == UInt8(ascii: "[") || peek() == UInt8(ascii: "{") {
                throw fail("a flow collection as a mapping key is not supported")
            }
            let key = try rawScalar(flow: true).text
            path.append(key)
            guard seen.insert(key).inserted else { throw YAMLError("duplicate key '\(key)'", at: keyPosition, path: path) }
            try skipFlowSpace(open: open)
            var value = YAMLNode(.null, at: keyPosition)
            if peek() == colon {
                ci += 1
                try skipFlowSpace(open: open)
                if peek() != UInt8(ascii: ","), peek() != UInt8(ascii: "}") { value = try flowNode() }
            } else if peek() != UInt8(ascii: ","), peek() != UInt8(ascii: "}") {
                throw fail("expected ':' after the key '\(key)'")
            }
            path.removeLast()
            entries.append(.init(key: key, keyPosition: keyPosition, value: value))
            try skipFlowSpace(open: open)
            switch peek() {
            case UInt8(ascii: ","): ci += 1
            case UInt8(ascii: "}"): ci += 1; return YAMLNode(.mapping(entries), at: open)
            default: throw fail("expected ',' or '}' in the flow mapping opened at \(open)")
            }
        }
        return YAMLNode(.mapping(entries), at: open)
    }

    /// Whitespace, comments and line breaks between the tokens of a flow collection.
    mutating func skipFlowSpace(open: YAMLPosition) throws(YAMLError) {
        while true {
            guard restIsEmpty() else { return }
            li += 1
            ci = 0
            if atEnd { throw YAMLError("unterminated flow collection opened at \(open)", at: position, path: path) }
            if atMarker("---") || atMarker("...") { throw fail("a document marker inside the flow collection opened at \(open)") }
        }
    }

    // MARK: Scalars

    mutating func scalar(flow: Bool) throws(YAMLError) -> YAMLNode { try rawScalar(flow: flow).node }

    /// A plain or quoted scalar under the cursor, as written: as a key, `null` is a name like any other.
    mutating func rawScalar(flow: Bool) throws(YAMLError) -> RawScalar {
        let start = position
        switch peek() {
        case UInt8(ascii: "'"): return RawScalar(text: try singleQuoted(), style: .singleQuoted, position: start)
        case UInt8(ascii: "\""): return RawScalar(text: try doubleQuoted(), style: .doubleQuoted, position: start)
        default: break
        }
        try checkPlainStart()
        let begin = ci
        var end = ci
        while let b = peek() {
            if b == hash, ci > begin, lines[li][ci - 1] == space || lines[li][ci - 1] == tab { break }
            if b == colon, isBlank(at: ci + 1) || (flow && isFlowIndicator(peek(1))) { break }
            if flow, isFlowIndicator(b) { break }
            ci += 1
            if b != space, b != tab { end = ci }
        }
        ci = end
        if end == begin { throw fail("expected a value") }
        return RawScalar(text: String(decoding: lines[li][begin..<end], as: UTF8.self), style: .plain, position: start)
    }

    func isFlowIndicator(_ b: UInt8?) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
            || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")
    }

    /// Characters that cannot begin a plain scalar: the constructs this reader leaves out get
    /// their own message; the rest are misplaced punctuation.
    func checkPlainStart() throws(YAMLError) {
        guard let b = peek() else { throw fail("expected a value") }
        switch b {
        case UInt8(ascii: "&"): throw fail("anchors ('&') are not supported")
        case UInt8(ascii: "*"): throw fail("aliases ('*') are not supported")
        case UInt8(ascii: "!"): throw fail("tags ('!') are not supported")
        case UInt8(ascii: "|"): throw fail("literal block scalars ('|') are not supported")
        case UInt8(ascii: ">"): throw fail("folded block scalars ('>') are not supported")
        case UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            throw fail("'\(Character(Unicode.Scalar(b)))' cannot start a plain scalar; quote the value")
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), hash:
            throw fail("unexpected '\(Character(Unicode.Scalar(b)))'")
        case dash where isBlank(at: ci + 1): throw fail("a block sequence cannot start here")
        case UInt8(ascii: "?") where isBlank(at: ci + 1): throw fail("complex keys ('?') are not supported")
        case colon where isBlank(at: ci + 1): throw fail("a mapping key is missing before ':'")
        default: return
        }
    }

    /// `'…'` on one line; `''` is a quote.
    mutating func singleQuoted() throws(YAMLError) -> String {
        let open = position
        ci += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else {
                throw YAMLError("unterminated single-quoted scalar (a quoted scalar must end on its line)", at: open, path: path)
            }
            ci += 1
            if b == UInt8(ascii: "'") {
                guard peek() == UInt8(ascii: "'") else { break }
                ci += 1
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `"…"` on one line, with YAML's escapes.
    mutating func doubleQuoted() throws(YAMLError) -> String {
        let open = position
        ci += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else {
                throw YAMLError("unterminated double-quoted scalar (a quoted scalar must end on its line)", at: open, path: path)
            }
            if b == UInt8(ascii: "\"") { ci += 1; break }
            if b != UInt8(ascii: "\\") { out.append(b); ci += 1; continue }
            let escapePosition = position
            ci += 1
            guard let e = peek() else {
                throw YAMLError("unterminated double-quoted scalar (a quoted scalar must end on its line)", at: open, path: path)
            }
            ci += 1
            if let simple = Self.simpleEscapes[e] {
                out.append(contentsOf: simple.utf8)
                continue
            }
            let digits: Int
            switch e {
            case UInt8(ascii: "x"): digits = 2
            case UInt8(ascii: "u"): digits = 4
            case UInt8(ascii: "U"): digits = 8
            default:
                throw YAMLError("unknown escape '\\\(Character(Unicode.Scalar(e)))' in a double-quoted scalar", at: escapePosition, path: path)
            }
            var code = try hexDigits(digits, escape: escapePosition)
            if (0xD800..<0xDC00).contains(code), peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") {
                ci += 2
                let low = try hexDigits(4, escape: escapePosition)
                guard (0xDC00..<0xE000).contains(low) else {
                    throw YAMLError("a high surrogate escape not followed by a low one", at: escapePosition, path: path)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw YAMLError("the escape does not name a Unicode scalar (a lone surrogate?)", at: escapePosition, path: path)
            }
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hexDigits(_ count: Int, escape: YAMLPosition) throws(YAMLError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let b = peek(), let d = Self.hexValue(b) else {
                throw YAMLError("expected \(count) hexadecimal digits after the escape", at: escape, path: path)
            }
            value = value << 4 | d
            ci += 1
        }
        return value
    }

    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    static let simpleEscapes: [UInt8: String] = [
        UInt8(ascii: "0"): "\u{0}", UInt8(ascii: "a"): "\u{7}", UInt8(ascii: "b"): "\u{8}",
        UInt8(ascii: "t"): "\t", tab: "\t", UInt8(ascii: "n"): "\n", UInt8(ascii: "v"): "\u{B}",
        UInt8(ascii: "f"): "\u{C}", UInt8(ascii: "r"): "\r", UInt8(ascii: "e"): "\u{1B}",
        space: " ", UInt8(ascii: "\""): "\"", UInt8(ascii: "/"): "/", UInt8(ascii: "\\"): "\\",
        UInt8(ascii: "N"): "\u{85}", UInt8(ascii: "_"): "\u{A0}", UInt8(ascii: "L"): "\u{2028}",
        UInt8(ascii: "P"): "\u{2029}",
    ]
}

struct RawScalar {
    var text: String
    var style: YAMLScalarStyle
    var position: YAMLPosition

    /// As a value, a plain `~` or `null` (in any of its YAML 1.2 spellings) is null.
    var node: YAMLNode {
        switch (style, text) {
        case (.plain, "~"), (.plain, "null"), (.plain, "Null"), (.plain, "NULL"): return YAMLNode(.null, at: position)
        default: return YAMLNode(.scalar(text, style), at: position)
        }
    }
}
