/// What a scalar means as a Swift value, after the YAML 1.2 core schema: only plain scalars are
/// booleans and numbers, booleans are `true`/`false` (three capitalisations), and a number that
/// does not fit its type is an error rather than a rounded or wrapped value.
enum ScalarConversion {
    static func string(_ node: YAMLNode, _ path: [CodingKey]) throws -> String {
        switch node.content {
        case let .scalar(text, _): return text
        case .null: throw DecodingError.valueNotFound(String.self, context(node, path, "expected a string, found null"))
        default: throw DecodingError.typeMismatch(String.self, context(node, path, "expected a string, found \(describe(node))"))
        }
    }

    static func bool(_ node: YAMLNode, _ path: [CodingKey]) throws -> Bool {
        let text = try plain(node, Bool.self, "true or false", path)
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw DecodingError.typeMismatch(Bool.self, context(node, path, "expected true or false, found \(describe(node))"))
        }
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ node: YAMLNode, _ path: [CodingKey]) throws -> T {
        let text = try plain(node, T.self, "an integer", path)
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        var radix = 10
        if body.hasPrefix("0x") { radix = 16; body = body.dropFirst(2) }
        else if body.hasPrefix("0o") { radix = 8; body = body.dropFirst(2) }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.hexDigitValue ?? radix) < radix }) else {
            throw DecodingError.typeMismatch(T.self, context(node, path, "expected an integer, found \(describe(node))"))
        }
        // Parsing the digits with their sign keeps T.min in range.
        guard let value = T((negative ? "-" : "") + body, radix: radix) else {
            throw DecodingError.dataCorrupted(context(node, path, "\(text) is out of range for \(T.self)"))
        }
        return value
    }

    static func float<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type, _ node: YAMLNode, _ path: [CodingKey]) throws -> T {
        let text = try plain(node, T.self, "a number", path)
        let lower = text.lowercased()
        if [".inf", "+.inf", "-.inf", ".nan"].contains(lower) {
            throw DecodingError.dataCorrupted(context(node, path, "\(text): infinity and NaN are not accepted here"))
        }
        guard isDecimal(text), let value = T(text) else {
            throw DecodingError.typeMismatch(T.self, context(node, path, "expected a number, found \(describe(node))"))
        }
        guard value.isFinite else {
            throw DecodingError.dataCorrupted(context(node, path, "\(text) is out of range for \(T.self)"))
        }
        return value
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, checked here because Swift's own
    /// parser also takes `inf`, `nan` and hexadecimal floats.
    static func isDecimal(_ text: String) -> Bool {
        var s = Substring(text)
        func digits(_ s: inout Substring) -> Int {
            let n = s.prefix(while: { $0.isASCII && $0.isNumber }).count
            s = s.dropFirst(n)
            return n
        }
        if s.first == "-" || s.first == "+" { s = s.dropFirst() }
        var count = digits(&s)
        if s.first == "." {
            s = s.dropFirst()
            count += digits(&s)
        }
        guard count > 0 else { return false }
        if s.first == "e" || s.first == "E" {
            s = s.dropFirst()
            if s.first == "-" || s.first == "+" { s = s.dropFirst() }
            guard digits(&s) > 0 else { return false }
        }
        return s.isEmpty
    }

    /// The text of a plain scalar; quoted scalars are strings, so they are a type mismatch here.
    static func plain(_ node: YAMLNode, _ type: Any.Type, _ expected: String, _ path: [CodingKey]) throws -> String {
        switch node.content {
        case let .scalar(text, .plain): return text
        case .null: throw DecodingError.valueNotFound(type, context(node, path, "expected \(expected), found null"))
        default: throw DecodingError.typeMismatch(type, context(node, path, "expected \(expected), found \(describe(node))"))
        }
    }

    static func describe(_ node: YAMLNode) -> String {
        switch node.content {
        case .null: return "null"
        case let .scalar(text, .plain): return "'\(text)'"
        case let .scalar(text, _): return "the quoted string \"\(text)\""
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        }
    }

    static func context(_ node: YAMLNode, _ path: [CodingKey], _ message: String) -> DecodingError.Context {
        DecodingError.Context(codingPath: path, debugDescription: "\(node.position): \(message)")
    }
}
