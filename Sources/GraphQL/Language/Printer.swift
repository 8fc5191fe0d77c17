/// Prints value literals and type references as graphql-js 16 `print` does; introspection's
/// `defaultValue` is a printed value.
public enum Printer {
    /// `{a: 1, b: [1, 2], c: "x\n"}`: lists and objects on one line, strings escaped as
    /// graphql-js `printString`, block strings as `printBlockString`.
    public static func print(_ value: Value) -> String {
        var output = ""
        write(value, to: &output)
        return output
    }

    /// `[String!]!`
    public static func print(_ type: TypeReference) -> String {
        type.description
    }

    private static func write(_ value: Value, to output: inout String) {
        switch value.kind {
        case .variable(let name):
            output += "$"
            output += name
        case .int(let text), .float(let text), .enumValue(let text):
            output += text
        case .string(let text, let block):
            output += block ? BlockString.print(text) : printString(text)
        case .boolean(let flag):
            output += flag ? "true" : "false"
        case .null:
            output += "null"
        case .list(let values):
            output += "["
            for (index, element) in values.enumerated() {
                if index > 0 { output += ", " }
                write(element, to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, field) in fields.enumerated() {
                if index > 0 { output += ", " }
                output += field.name.value
                output += ": "
                write(field.value, to: &output)
            }
            output += "}"
        }
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
