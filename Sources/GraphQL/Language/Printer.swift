/// Prints value literals and type references as graphql-core 3.3's `print_ast` does (graphql-js
/// 17's printer): objects with inner spaces (`{ a: 1 }`), lists and objects longer than 80
/// characters broken one item per line. Introspection's `defaultValue`, printed SDL and the
/// `found: ...` of error messages all quote literals this way.
public enum Printer {
    public static func print(_ value: Value) -> String { buffer(value).lines.joined(separator: "\n") }

    /// `[String!]!`
    public static func print(_ type: TypeReference) -> String {
        type.description
    }

    static let maxLineLength = 80

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
        case .string(let text, let block): return Buffer(block ? BlockString.print(text) : printString(text))
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

    /// graphql-js `printString`: a StringValue literal with `"`, `\`, the C0 controls and
    /// U+007F–U+009F escaped.
    static func printString(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x08: output.append(contentsOf: "\\b".unicodeScalars)
            case 0x09: output.append(contentsOf: "\\t".unicodeScalars)
            case 0x0A: output.append(contentsOf: "\\n".unicodeScalars)
            case 0x0C: output.append(contentsOf: "\\f".unicodeScalars)
            case 0x0D: output.append(contentsOf: "\\r".unicodeScalars)
            case 0x22: output.append(contentsOf: "\\\"".unicodeScalars)
            case 0x5C: output.append(contentsOf: "\\\\".unicodeScalars)
            case 0x00...0x1F, 0x7F...0x9F:
                var hex = String(scalar.value, radix: 16, uppercase: true)
                while hex.count < 4 { hex = "0" + hex }
                output.append(contentsOf: "\\u\(hex)".unicodeScalars)
            default: output.append(scalar)
            }
        }
        output.append("\"")
        return String(output)
    }
}
