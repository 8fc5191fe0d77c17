/// Value literals and strings printed as graphql-core 3.3's `print_ast` prints them: lists and
/// objects stay on one line up to 80 characters and wrap one item per line beyond that; strings
/// escape what JSON would; descriptions use block strings when they can. Schema printing
/// (default values) and validation messages (`found: ...`) both quote literals this way.
enum LiteralPrinter {
    static let maxLineLength = 80

    static func print(_ value: Value) -> String { buffer(value).lines.joined(separator: "\n") }

    /// A printed literal: its lines, and its length as graphql-core's PrintBuffer counts it
    /// (characters, newlines and the indentation wrapping adds), which decides later wrapping.
    struct Buffer {
        var lines: [String]
        var length: Int

        init(_ text: String) {
            lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            length = text.unicodeScalars.count
        }

        init(lines: [String], length: Int) {
            self.lines = lines
            self.length = length
        }

        var newlines: Int { lines.count - 1 }

        /// `a` then `b` with `separator` between, continuing on `a`'s last line.
        static func join(_ parts: [Buffer], separator: String) -> Buffer {
            var result = Buffer(lines: [""], length: 0)
            for (index, part) in parts.enumerated() {
                if index > 0 {
                    result.append(Buffer(separator))
                }
                result.append(part)
            }
            return result
        }

        mutating func append(_ other: Buffer) {
            lines[lines.count - 1] += other.lines[0]
            lines.append(contentsOf: other.lines.dropFirst())
            length += other.length
        }

        /// Every line two spaces further in.
        func indented() -> Buffer {
            Buffer(lines: lines.map { "  " + $0 }, length: length + 2 * (newlines + 1))
        }
    }

    static func buffer(_ value: Value) -> Buffer {
        switch value.kind {
        case .variable(let name): return Buffer("$" + name)
        case .int(let text), .float(let text): return Buffer(text)
        case .string(let text, let block): return Buffer(block ? printBlockString(text) : printString(text))
        case .boolean(let flag): return Buffer(flag ? "true" : "false")
        case .null: return Buffer("null")
        case .enumValue(let name): return Buffer(name)
        case .list(let values):
            let items = values.map(buffer)
            if 2 + joinedLength(items) > maxLineLength {
                return wrap("[", Buffer.join(items, separator: "\n").indented(), "]")
            }
            var result = Buffer("[")
            result.append(Buffer.join(items, separator: ", "))
            result.append(Buffer("]"))
            return result
        case .object(let fields):
            let items = fields.map { field -> Buffer in
                var item = Buffer(field.name.value + ": ")
                item.append(buffer(field.value))
                return item
            }
            if 4 + joinedLength(items) > maxLineLength {
                return wrap("{", Buffer.join(items, separator: "\n").indented(), "}")
            }
            var result = Buffer("{ ")
            result.append(Buffer.join(items, separator: ", "))
            result.append(Buffer(" }"))
            return result
        }
    }

    private static func joinedLength(_ items: [Buffer]) -> Int {
        items.isEmpty ? 0 : items.reduce(0) { $0 + $1.length } + 2 * (items.count - 1)
    }

    /// `open` + newline + body + newline + `close`, as graphql-core's `wrap`/`block`.
    private static func wrap(_ open: String, _ body: Buffer, _ close: String) -> Buffer {
        Buffer(lines: [open] + body.lines + [close], length: body.length + 2 * open.count + 2 * close.count)
    }

    /// A JSON-like string literal (graphql-js `printString`).
    static func printString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x00...0x1F, 0x7F...0x9F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A `"""` block string (graphql-js `printBlockString`).
    static func printBlockString(_ value: String) -> String {
        let escaped = value.replacingOccurrences("\"\"\"", with: "\\\"\"\"")
        let lines = splitLines(escaped)
        let isSingleLine = lines.count == 1
        let forceLeadingNewLine =
            lines.count > 1 && lines.dropFirst().allSatisfy { $0.isEmpty || $0.first == " " || $0.first == "\t" }
        let hasTrailingTripleQuotes = escaped.hasSuffix("\\\"\"\"")
        let hasTrailingQuote = value.hasSuffix("\"") && !hasTrailingTripleQuotes
        let hasTrailingSlash = value.hasSuffix("\\")
        let forceTrailingNewLine = hasTrailingQuote || hasTrailingSlash
        let printAsMultipleLines =
            !isSingleLine || value.unicodeScalars.count > 70 || forceTrailingNewLine || forceLeadingNewLine
            || hasTrailingTripleQuotes
        let skipLeadingNewLine = isSingleLine && (value.first == " " || value.first == "\t")
        let before = (printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine ? "\n" : ""
        let after = printAsMultipleLines || forceTrailingNewLine ? "\n" : ""
        return "\"\"\"" + before + escaped + after + "\"\"\""
    }

    /// Whether a description can be printed as a block string without changing its value.
    static func isPrintableAsBlockString(_ value: String) -> Bool {
        if value.isEmpty { return true }
        var isEmptyLine = true
        var hasIndent = false
        var hasCommonIndent = true
        var seenNonEmptyLine = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n":
                if isEmptyLine && !seenNonEmptyLine { return false }
                seenNonEmptyLine = true
                isEmptyLine = true
                hasIndent = false
            case " ", "\t":
                hasIndent = hasIndent || isEmptyLine
            default:
                if scalar.value <= 0x0F { return false }
                hasCommonIndent = hasCommonIndent && hasIndent
                isEmptyLine = false
            }
        }
        if isEmptyLine { return false }
        if hasCommonIndent && seenNonEmptyLine { return false }
        return true
    }

    /// Lines split at `\r\n`, `\n` or `\r`.
    private static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }
}

fileprivate extension String {
    /// Foundation-free `replacingOccurrences(of:with:)`.
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
