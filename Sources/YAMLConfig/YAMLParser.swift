/// A strict reader for the YAML a configuration file needs: block mappings and sequences, flow
/// collections, plain and quoted scalars, comments, one document. Whatever lies outside that
/// subset (anchors, aliases, tags, block scalars, complex keys, several documents, multi-line
/// scalars) is refused with its line rather than read some other way.
public enum YAMLParser {
    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode {
        var p = Parser(text)
        return try p.document()
    }
}

/// A cursor over the document's lines, as UTF-8 bytes. Every block-level parse returns with the
/// cursor at the start of the next line, and `seekContent` then moves it to the first one with
/// content (or to the end), so that the caller decides by that line's indentation whether the
/// node it is building goes on.
struct Parser {
    let lines: [[UInt8]]
    var li = 0
    var ci = 0
    /// Keys and indices down to the node being parsed, for errors.
    var path: [String] = []

    init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : Array($0)
        }
    }

    // MARK: The document

    mutating func document() throws(YAMLError) -> YAMLNode {
        try seekContent()
        if !atEnd, lines[li].first == UInt8(ascii: "%") {
            throw fail("directives (%YAML, %TAG) are not supported")
        }
        if atMarker("---") {
            ci = 3
            guard restIsEmpty() else { throw fail("content on the '---' line is not supported; start it on the next line") }
            try nextLine()
        }
        let root: YAMLNode
        if atEnd || atMarker("---") || atMarker("...") {
            root = YAMLNode(.null, at: position)
        } else {
            root = try blockNode()
            try seekContent()
        }
        if atEnd { return root }
        if atMarker("...") {
            ci = 3
            guard restIsEmpty() else { throw fail("content after the end-of-document marker '...'") }
            try nextLine()
            if atEnd { return root }
            if atMarker("---") { throw fail("multiple documents are not supported") }
            throw fail("content after the end-of-document marker '...'")
        }
        if atMarker("---") { throw fail("multiple documents are not supported") }
        throw fail("unexpected content at this indentation (check how far it is indented)")
    }

    // MARK: Block nodes

    /// A node whose first character is under the cursor, on a line of its own or after `- `.
    mutating func blockNode() throws(YAMLError) -> YAMLNode {
        let column = ci
        let start = position
        let b = lines[li][ci]
        if b == dash, isBlank(at: ci + 1) { return try blockSequence(indent: column) }
        if b == UInt8(ascii: "?"), isBlank(at: ci + 1) { throw fail("complex keys ('?') are not supported") }
        if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
            let node = try flowNode()
            skipSpaces()
            if peek() == colon, isBlank(at: ci + 1) {
                throw YAMLError("a flow collection as a mapping key is not supported", at: start, path: path)
            }
            try endLine()
            return node
        }
        let scalar = try rawScalar(flow: false)
        skipSpaces()
        if peek() == colon, isBlank(at: ci + 1) {
            ci += 1
            return try blockMapping(indent: column, firstKey: scalar.text, at: start)
        }
        try endLine()
        return scalar.node
    }

    mutating func blockMapping(indent: Int, firstKey: String, at firstPosition: YAMLPosition) throws(YAMLError) -> YAMLNode {
        var entries: [YAMLNode.Entry] = []
        var seen: Set<String> = []
        var key = firstKey
        var keyPosition = firstPosition
        while true {
            path.append(key)
            guard seen.insert(key).inserted else {
                throw YAMLError("duplicate key '\(key)'", at: keyPosition, path: path)
            }
            let value: YAMLNode
            if restIsEmpty() {
                try nextLine()
                value = try indentedValue(parentIndent: indent, sequenceAtParent: true, owner: keyPosition)
            } else {
                value = try inlineValue()
            }
            path.removeLast()
            try seekContent()
            entries.append(.init(key: key, keyPosition: keyPosition, value: value))

            if atEnd || atMarker("---") || atMarker("...") || ci < indent { break }
            if ci > indent { throw unexpectedIndentation(after: value) }
            if lines[li][ci] == dash, isBlank(at: ci + 1) { throw fail("a sequence entry where a mapping key was expected") }
            keyPosition = position
            key = try blockKey()
        }
        return YAMLNode(.mapping(entries), at: firstPosition)
    }

    /// A key at the start of a mapping entry other than the first, and its `:`.
    mutating func blockKey() throws(YAMLError) -> String {
        let b = lines[li][ci]
        if b == UInt8(ascii: "?"), isBlank(at: ci + 1) { throw fail("complex keys ('?') are not supported") }
        if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { throw fail("a flow collection as a mapping key is not supported") }
        let key = try rawScalar(flow: false)
        skipSpaces()
        guard peek() == colon, isBlank(at: ci + 1) else {
            throw YAMLError("expected 'key: value' in this mapping", at: key.position, path: path)
        }
        ci += 1
        return key.text
    }

    mutating func blockSequence(indent: Int) throws(YAMLError) -> YAMLNode {
        let start = position
        var items: [YAMLNode] = []
        while true {
            let entryPosition = position
            ci += 1
            path.append(String(items.count))
            if restIsEmpty() {
                try nextLine()
                items.append(try indentedValue(parentIndent: indent, sequenceAtParent: false, owner: entryPosition))
            } else {
                items.append(try blockNode())
            }
            path.removeLast()
            try seekContent()

            if atEnd || atMarker("---") || atMarker("...") || ci < indent { break }
            if ci > indent { throw unexpectedIndentation(after: items[items.count - 1]) }
            // At the same indentation but not an entry: the mapping this sequence is a value of goes on.
            guard lines[li][ci] == dash, isBlank(at: ci + 1) else { break }
        }
        return YAMLNode(.sequence(items), at: start)
    }

    /// The value of `key:` or `-` with nothing after it on the line: a more indented node on the
    /// following lines, a sequence at the key's own indentation, or null.
    mutating func indentedValue(parentIndent: Int, sequenceAtParent: Bool, owner: YAMLPosition) throws(YAMLError) -> YAMLNode {
        if atEnd || atMarker("---") || atMarker("...") || ci < parentIndent { return YAMLNode(.null, at: owner) }
        if ci == parentIndent {
            if sequenceAtParent, lines[li][ci] == dash, isBlank(at: ci + 1) { return try blockSequence(indent: ci) }
            return YAMLNode(.null, at: owner)
        }
        return try blockNode()
    }

    /// The value after `key: ` on the same line: a scalar or a flow collection, never a block
    /// collection.
    mutating func inlineValue() throws(YAMLError) -> YAMLNode {
        let b = lines[li][ci]
        if b == dash, isBlank(at: ci + 1) { throw fail("a block sequence cannot start on the line of its key") }
        if b == UInt8(ascii: "?"), isBlank(at: ci + 1) { throw fail("complex keys ('?') are not supported") }
        let node = b == UInt8(ascii: "[") || b == UInt8(ascii: "{") ? try flowNode() : try scalar(flow: false)
        skipSpaces()
        if peek() == colon, isBlank(at: ci + 1) {
            throw fail("a mapping cannot start on the line of its key ('a: b: c'); put it on the next line, indented")
        }
        try endLine()
        return node
    }

    // MARK: Lines

    var atEnd: Bool { li >= lines.count }

    var position: YAMLPosition {
        guard li < lines.count else { return YAMLPosition(line: lines.count, column: 1) }
        let column = lines[li].prefix(ci).reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return YAMLPosition(line: li + 1, column: column)
    }

    func fail(_ message: String) -> YAMLError { YAMLError(message, at: position, path: path) }

    func unexpectedIndentation(after value: YAMLNode) -> YAMLError {
        if case .scalar = value.content { return fail("unexpected indentation (a scalar cannot continue on the next line)") }
        return fail("unexpected indentation")
    }

    func peek(_ offset: Int = 0) -> UInt8? {
        guard li < lines.count, ci + offset < lines[li].count else { return nil }
        return lines[li][ci + offset]
    }

    /// A space, a tab or the end of the line: what must follow `-`, `:` and `?` for them to be
    /// indicators.
    func isBlank(at i: Int) -> Bool {
        guard li < lines.count, i < lines[li].count else { return true }
        return lines[li][i] == space || lines[li][i] == tab
    }

    mutating func skipSpaces() {
        while let b = peek(), b == space || b == tab { ci += 1 }
    }

    /// Skips spaces and a comment; true when nothing else is left on the line. A `#` starts a
    /// comment only at the start of a line or after whitespace.
    mutating func restIsEmpty() -> Bool {
        skipSpaces()
        guard let b = peek() else { return true }
        if b == hash, ci == 0 || lines[li][ci - 1] == space || lines[li][ci - 1] == tab {
            ci = lines[li].count
            return true
        }
        return false
    }

    /// Leaves the line without looking at the next: the caller seeks it once it has left the
    /// key or index the value belonged to, so an error there is not blamed on that key.
    mutating func endLine() throws(YAMLError) {
        guard restIsEmpty() else { throw fail("unexpected text after the value") }
        li += 1
        ci = 0
    }

    mutating func nextLine() throws(YAMLError) {
        li += 1
        ci = 0
        try seekContent()
    }

    /// Moves to the first character of the first line, from the current one on, that is not
    /// blank or a comment. Indentation is spaces only: a tab there would make its depth ambiguous.
    mutating func seekContent() throws(YAMLError) {
        while li < lines.count {
            ci = 0
            while peek() == space { ci += 1 }
            let indent = ci
            if peek() == tab {
                if restIsEmpty() { li += 1; continue }
                ci = indent
                throw fail("a tab in indentation (indent with spaces only)")
            }
            if restIsEmpty() { li += 1; continue }
            ci = indent
            return
        }
        ci = 0
    }

    /// `---` or `...` at the start of the line, followed by whitespace or nothing.
    func atMarker(_ marker: String) -> Bool {
        guard li < lines.count, ci == 0 else { return false }
        let line = lines[li]
        return line.starts(with: marker.utf8) && (line.count == 3 || line[3] == space || line[3] == tab)
    }
}

let space = UInt8(ascii: " ")
let tab = UInt8(ascii: "\t")
let hash = UInt8(ascii: "#")
let colon = UInt8(ascii: ":")
let dash = UInt8(ascii: "-")
