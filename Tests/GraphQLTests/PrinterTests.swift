import Testing

@testable import GraphQL

/// Printing value literals as graphql-core 3.3 `print_ast` does (strings and block strings checked
/// against graphql-core's `print_string` and `print_block_string`).
@Suite struct PrinterTests {
    private static func value(_ kind: Value.Kind) -> Value {
        Value(kind, at: SourceLocation(line: 1, column: 1))
    }

    /// The value of `{ f(x: <literal>) }`.
    private static func parsedValue(_ literal: String) throws -> Value {
        let document = try Parser.parse("{ f(x: \(literal)) }")
        guard case .operation(let operation) = document.definitions.first,
            case .field(let field) = operation.selectionSet.selections.first,
            let argument = field.arguments.first
        else { throw PrinterTestFailure.shape }
        return argument.value
    }

    static let literalCases: [(String, String)] = [
        ("1", "1"), ("-0", "-0"), ("1.5e10", "1.5e10"), ("true", "true"), ("false", "false"), ("null", "null"),
        ("RED", "RED"), ("$var", "$var"), ("[]", "[]"), ("{}", "{  }"),
        ("[1,2 , 3]", "[1, 2, 3]"),
        ("{a: 1, b: [1, 2], c: \"x\\n\"}", "{ a: 1, b: [1, 2], c: \"x\\n\" }"),
        ("{ nested: { deeper: [ { x: $v } ] } }", "{ nested: { deeper: [{ x: $v }] } }"),
        ("\"\\u00e9\\u{1F600}\"", "\"é😀\""),
        ("\"\"\"\n  block\n    indented\n\"\"\"", "\"\"\"\nblock\n  indented\n\"\"\""),
        ("\"\"\"one line\"\"\"", "\"\"\"one line\"\"\""),
        ("[\"\"\"b\"\"\", \"s\"]", "[\"\"\"b\"\"\", \"s\"]"),
    ]

    @Test(arguments: literalCases)
    func printsParsedLiterals(literal: String, expected: String) throws {
        #expect(Printer.print(try Self.parsedValue(literal)) == expected)
    }

    @Test(arguments: literalCases)
    func printedLiteralsParseBackToTheSameText(literal: String, expected: String) throws {
        #expect(Printer.print(try Self.parsedValue(expected)) == expected)
    }

    static let stringCases: [(String, String)] = [
        ("", "\"\""),
        ("abc", "\"abc\""),
        ("é 😀", "\"é 😀\""),
        ("quote \" and \\ backslash", "\"quote \\\" and \\\\ backslash\""),
        ("controls \u{0}\u{1}\u{8}\t\n\u{B}\u{C}\r\u{1F}", "\"controls \\u0000\\u0001\\b\\t\\n\\u000B\\f\\r\\u001F\""),
        ("del \u{7F} c1 \u{80}\u{9F} nbsp \u{A0}", "\"del \\u007F c1 \\u0080\\u009F nbsp \u{A0}\""),
        ("\u{2028} \u{FEFF}", "\"\u{2028} \u{FEFF}\""),
    ]
    static let blockStringCases: [(String, String)] = [
        ("", "\"\"\"\"\"\""),
        ("abc", "\"\"\"abc\"\"\""),
        ("  leading space", "\"\"\"  leading space\"\"\""),
        ("\tleading tab", "\"\"\"\tleading tab\"\"\""),
        ("trailing quote\"", "\"\"\"\ntrailing quote\"\n\"\"\""),
        ("trailing slash\\", "\"\"\"\ntrailing slash\\\n\"\"\""),
        ("has \"\"\" inside", "\"\"\"has \\\"\"\" inside\"\"\""),
        ("ends with \"\"\"", "\"\"\"\nends with \\\"\"\"\n\"\"\""),
        ("multi\nline", "\"\"\"\nmulti\nline\n\"\"\""),
        ("multi\r\nline\rmixed", "\"\"\"\nmulti\r\nline\rmixed\n\"\"\""),
        ("first\n  indented\n  all", "\"\"\"\nfirst\n  indented\n  all\n\"\"\""),
        (
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "\"\"\"\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\"\"\""
        ),
        (
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "\"\"\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\"\""
        ),
        ("\nstarts with newline", "\"\"\"\n\nstarts with newline\n\"\"\""),
        ("ends with newline\n", "\"\"\"\nends with newline\n\n\"\"\""),
        ("a\n\nb", "\"\"\"\na\n\nb\n\"\"\""),
        (
            "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
            "\"\"\"\nééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\n\"\"\""
        ),
    ]

    @Test(arguments: stringCases)
    func printsStringsWithGraphQLEscapes(text: String, expected: String) throws {
        #expect(Printer.print(Self.value(.string(text, block: false))) == expected)
        // What is printed reads back as the same string.
        guard case .string(let reparsed, false) = try Self.parsedValue(expected).kind else {
            throw PrinterTestFailure.shape
        }
        #expect(reparsed == text)
    }

    @Test(arguments: blockStringCases)
    func printsBlockStringsLikePrintBlockString(text: String, expected: String) {
        #expect(Printer.print(Self.value(.string(text, block: true))) == expected)
    }

    @Test(arguments: [("Int", "Int"), ("[Int]", "[Int]"), ("String!", "String!"), ("[[ID!]!]", "[[ID!]!]")])
    func printsTypeReferences(source: String, expected: String) throws {
        let document = try Parser.parse("query ($v: \(source)) { a }")
        guard case .operation(let operation) = document.definitions.first,
            let type = operation.variableDefinitions.first?.type
        else { throw PrinterTestFailure.shape }
        #expect(Printer.print(type) == expected)
    }
}

private enum PrinterTestFailure: Error {
    case shape
}
