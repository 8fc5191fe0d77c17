/// `__InputValue.defaultValue` as graphql-core 3.3.2 prints it (graphql-js 17's printer): the
/// literal as written in the schema, objects with inner spaces (`{ a: 1 }`) and lists or objects
/// longer than 80 characters broken over indented lines. `Printer.print` follows graphql-js 16,
/// which prints `{a: 1}`, so introspection has its own.
enum DefaultValuePrinter {
    static let maxLineLength = 80

    static func print(_ value: Value) -> String {
        switch value.kind {
        case .variable(let name): return "$" + name
        case .int(let text), .float(let text), .enumValue(let text): return text
        case .string(let text, let block): return block ? BlockString.print(text) : Printer.printString(text)
        case .boolean(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .list(let values):
            let items = values.map(print)
            if 2 + joinedLength(items) > maxLineLength {
                return "[\n" + indented(items.joined(separator: "\n")) + "\n]"
            }
            return "[" + items.joined(separator: ", ") + "]"
        case .object(let fields):
            let items = fields.map { $0.name.value + ": " + print($0.value) }
            if 4 + joinedLength(items) > maxLineLength {
                return "{\n" + indented(items.joined(separator: "\n")) + "\n}"
            }
            return "{ " + items.joined(separator: ", ") + " }"
        }
    }

    /// graphql-core's `joined_length(items, ", ")`: lengths in code points, empty items skipped.
    private static func joinedLength(_ items: [String]) -> Int {
        var length = 0
        for item in items where !item.isEmpty {
            length += (length == 0 ? 0 : 2) + item.unicodeScalars.count
        }
        return length
    }

    private static func indented(_ text: String) -> String {
        "  " + text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
    }
}
