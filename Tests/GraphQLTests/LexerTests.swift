import Testing

@testable import GraphQL

extension LexerTests {
    /// A token as the tests expect it: kind, value, and graphql-core's 1-based line and column.
    struct ExpectedToken: Equatable, CustomStringConvertible {
        var kind: TokenKind
        var value: String?
        var line: Int
        var column: Int

        init(_ kind: TokenKind, _ value: String?, _ line: Int, _ column: Int) {
            self.kind = kind
            self.value = value
            self.line = line
            self.column = column
        }

        var description: String { "\(kind) \(value.map { "'\($0)'" } ?? "") \(line):\(column)" }
    }

    /// Every token of `source` up to and including the end of file.
    static func lexAll(_ source: String) throws(GraphQLError) -> [ExpectedToken] {
        var lexer = Lexer(source)
        var tokens: [ExpectedToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(ExpectedToken(token.kind, token.value, token.location.line, token.location.column))
            if token.kind == .endOfFile { return tokens }
        }
    }
}

/// Expected values come from graphql-core 3.3.2's `Lexer` (`advance()` until `<EOF>`).
@Suite struct LexerTests {
    static let tokenCases: [(String, [ExpectedToken])] = [
        (
            "{ a }",
            [
                .init(.braceL, nil, 1, 1), .init(.name, "a", 1, 3), .init(.braceR, nil, 1, 5),
                .init(.endOfFile, nil, 1, 6),
            ]
        ),
        (
            "! $ & ( ) ... : = @ [ ] { | }",
            [
                .init(.bang, nil, 1, 1), .init(.dollar, nil, 1, 3), .init(.amp, nil, 1, 5), .init(.parenL, nil, 1, 7),
                .init(.parenR, nil, 1, 9), .init(.spread, nil, 1, 11), .init(.colon, nil, 1, 15),
                .init(.equals, nil, 1, 17),
                .init(.at, nil, 1, 19), .init(.bracketL, nil, 1, 21), .init(.bracketR, nil, 1, 23),
                .init(.braceL, nil, 1, 25),
                .init(.pipe, nil, 1, 27), .init(.braceR, nil, 1, 29), .init(.endOfFile, nil, 1, 30),
            ]
        ),
        (
            "name _under Name123 __typename",
            [
                .init(.name, "name", 1, 1), .init(.name, "_under", 1, 6), .init(.name, "Name123", 1, 13),
                .init(.name, "__typename", 1, 21),
                .init(.endOfFile, nil, 1, 31),
            ]
        ),
        (
            "0 -0 1 -12 123456789",
            [
                .init(.int, "0", 1, 1), .init(.int, "-0", 1, 3), .init(.int, "1", 1, 6), .init(.int, "-12", 1, 8),
                .init(.int, "123456789", 1, 12), .init(.endOfFile, nil, 1, 21),
            ]
        ),
        (
            "1.5 -0.0 1e5 1E-3 -1.2e+10 0.5e0",
            [
                .init(.float, "1.5", 1, 1), .init(.float, "-0.0", 1, 5), .init(.float, "1e5", 1, 10),
                .init(.float, "1E-3", 1, 14),
                .init(.float, "-1.2e+10", 1, 19), .init(.float, "0.5e0", 1, 28), .init(.endOfFile, nil, 1, 33),
            ]
        ),
        (
            "\"simple\" \"\" \"with \\\"quote\\\"\" \"\\\\ \\/ \\b \\f \\n \\r \\t\"",
            [
                .init(.string, "simple", 1, 1), .init(.string, "", 1, 10), .init(.string, "with \"quote\"", 1, 13),
                .init(.string, "\\ / \u{8} \u{C} \n \r \t", 1, 30),
                .init(.endOfFile, nil, 1, 52),
            ]
        ),
        (
            "\"\\u00e9\\u{1F600}\\uD83D\\uDE00\\u{0}\"",
            [
                .init(.string, "é😀😀\u{0}", 1, 1), .init(.endOfFile, nil, 1, 35),
            ]
        ),
        (
            "\"\"\"block\"\"\"",
            [
                .init(.blockString, "block", 1, 1), .init(.endOfFile, nil, 1, 12),
            ]
        ),
        (
            "\"\"\"\n    indented\n      more\n    back\n\"\"\"",
            [
                .init(.blockString, "indented\n  more\nback", 1, 1), .init(.endOfFile, nil, 5, 4),
            ]
        ),
        (
            "\"\"\"  first line kept\n  second\n\"\"\"",
            [
                .init(.blockString, "  first line kept\nsecond", 1, 1), .init(.endOfFile, nil, 3, 4),
            ]
        ),
        (
            "\"\"\"with \\\"\"\" escape\"\"\"",
            [
                .init(.blockString, "with \"\"\" escape", 1, 1), .init(.endOfFile, nil, 1, 23),
            ]
        ),
        (
            "\"\"\"\n\n\n\"\"\"",
            [
                .init(.blockString, "", 1, 1), .init(.endOfFile, nil, 4, 4),
            ]
        ),
        (
            "a # comment\nb",
            [
                .init(.name, "a", 1, 1), .init(.name, "b", 2, 1), .init(.endOfFile, nil, 2, 2),
            ]
        ),
        (
            "a,b,,c",
            [
                .init(.name, "a", 1, 1), .init(.name, "b", 1, 3), .init(.name, "c", 1, 6), .init(.endOfFile, nil, 1, 7),
            ]
        ),
        (
            "\u{FEFF}a",
            [
                .init(.name, "a", 1, 2), .init(.endOfFile, nil, 1, 3),
            ]
        ),
        (
            "a\r\nb\rc\nd",
            [
                .init(.name, "a", 1, 1), .init(.name, "b", 2, 1), .init(.name, "c", 3, 1), .init(.name, "d", 4, 1),
                .init(.endOfFile, nil, 4, 2),
            ]
        ),
        (
            "\"\"\"x\r\ny\rz\"\"\"  after",
            [
                .init(.blockString, "x\ny\nz", 1, 1), .init(.name, "after", 3, 7), .init(.endOfFile, nil, 3, 12),
            ]
        ),
        (
            "\"é\" a \"😀\" b",
            [
                .init(.string, "é", 1, 1), .init(.name, "a", 1, 5), .init(.string, "😀", 1, 7), .init(.name, "b", 1, 11),
                .init(.endOfFile, nil, 1, 12),
            ]
        ),
        (
            "\"\"\"é\n  é\"\"\" x",
            [
                .init(.blockString, "é\né", 1, 1), .init(.name, "x", 2, 8), .init(.endOfFile, nil, 2, 9),
            ]
        ),
    ]

    @Test(arguments: tokenCases)
    func lexesTokens(source: String, expected: [ExpectedToken]) throws {
        #expect(try LexerTests.lexAll(source) == expected)
    }

    static let errorCases: [(String, String, Int, Int)] = [
        ("%", "Syntax Error: Unexpected character: '%'.", 1, 1),
        ("?", "Syntax Error: Unexpected character: '?'.", 1, 1),
        ("~", "Syntax Error: Unexpected character: '~'.", 1, 1),
        (".", "Syntax Error: Unexpected character: '.'.", 1, 1),
        ("..", "Syntax Error: Unexpected '..', did you mean '...'?", 1, 1),
        (".5", "Syntax Error: Invalid number, expected digit before '.', did you mean '0.5'?", 1, 1),
        (".123", "Syntax Error: Invalid number, expected digit before '.', did you mean '0.123'?", 1, 1),
        ("'", "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")?", 1, 1),
        ("é", "Syntax Error: Unexpected character: U+00E9.", 1, 1),
        ("😀", "Syntax Error: Unexpected character: U+1F600.", 1, 1),
        ("\u{1}", "Syntax Error: Unexpected character: U+0001.", 1, 1),
        ("a\u{7F}", "Syntax Error: Unexpected character: U+007F.", 1, 2),
        ("01", "Syntax Error: Invalid number, unexpected digit after 0: '1'.", 1, 2),
        ("00", "Syntax Error: Invalid number, unexpected digit after 0: '0'.", 1, 2),
        ("-01", "Syntax Error: Invalid number, unexpected digit after 0: '1'.", 1, 3),
        ("1.", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 1, 3),
        ("1.a", "Syntax Error: Invalid number, expected digit but got: 'a'.", 1, 3),
        ("1e", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 1, 3),
        ("1e+", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 1, 4),
        ("1E-x", "Syntax Error: Invalid number, expected digit but got: 'x'.", 1, 4),
        ("1a", "Syntax Error: Invalid number, expected digit but got: 'a'.", 1, 2),
        ("1_", "Syntax Error: Invalid number, expected digit but got: '_'.", 1, 2),
        ("1.2.3", "Syntax Error: Invalid number, expected digit but got: '.'.", 1, 4),
        ("1.5e5.0", "Syntax Error: Invalid number, expected digit but got: '.'.", 1, 6),
        ("-", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 1, 2),
        ("-a", "Syntax Error: Invalid number, expected digit but got: 'a'.", 1, 2),
        ("0x1F", "Syntax Error: Invalid number, expected digit but got: 'x'.", 1, 2),
        ("\"abc", "Syntax Error: Unterminated string.", 1, 5),
        ("\"abc\n\"", "Syntax Error: Unterminated string.", 1, 5),
        ("\"abc\r", "Syntax Error: Unterminated string.", 1, 5),
        ("\"\\x\"", "Syntax Error: Invalid character escape sequence: '\\x'.", 1, 2),
        ("\"\\é\"", "Syntax Error: Invalid character escape sequence: '\\é'.", 1, 2),
        ("\"abc\\", "Syntax Error: Invalid character escape sequence: '\\'.", 1, 5),
        ("\"\\u{}\"", "Syntax Error: Invalid Unicode escape sequence: '\\u{}'.", 1, 2),
        ("\"\\u{110000}\"", "Syntax Error: Invalid Unicode escape sequence: '\\u{110000}'.", 1, 2),
        ("\"\\u{D800}\"", "Syntax Error: Invalid Unicode escape sequence: '\\u{D800}'.", 1, 2),
        ("\"\\u{123456789}\"", "Syntax Error: Invalid Unicode escape sequence: '\\u{123456789'.", 1, 2),
        ("\"\\u{12\"", "Syntax Error: Invalid Unicode escape sequence: '\\u{12\"'.", 1, 2),
        ("\"\\u{1é}\"", "Syntax Error: Invalid Unicode escape sequence: '\\u{1é'.", 1, 2),
        ("\"\\u12\"", "Syntax Error: Invalid Unicode escape sequence: '\\u12\"'.", 1, 2),
        ("\"\\uXYZW\"", "Syntax Error: Invalid Unicode escape sequence: '\\uXYZW'.", 1, 2),
        ("\"\\uD83D\"", "Syntax Error: Invalid Unicode escape sequence: '\\uD83D'.", 1, 2),
        ("\"\\uD83D\\u0041\"", "Syntax Error: Invalid Unicode escape sequence: '\\uD83D'.", 1, 2),
        ("\"\\uDE00\"", "Syntax Error: Invalid Unicode escape sequence: '\\uDE00'.", 1, 2),
        ("\"\\uD83Dx\"", "Syntax Error: Invalid Unicode escape sequence: '\\uD83D'.", 1, 2),
        ("\"\"\"abc", "Syntax Error: Unterminated string.", 1, 7),
        ("\"\"\"abc\\\"\"\"", "Syntax Error: Unterminated string.", 1, 11),
        ("\n\n  %", "Syntax Error: Unexpected character: '%'.", 3, 3),
        ("a\r\n  %", "Syntax Error: Unexpected character: '%'.", 2, 3),
        ("a\r  %", "Syntax Error: Unexpected character: '%'.", 2, 3),
        ("\"é\" %", "Syntax Error: Unexpected character: '%'.", 1, 5),
        ("\"😀\" %", "Syntax Error: Unexpected character: '%'.", 1, 5),
        ("\"\"\"\n\n\"\"\"\n  %", "Syntax Error: Unexpected character: '%'.", 4, 3),
        ("# comment é 😀\n%", "Syntax Error: Unexpected character: '%'.", 2, 1),
    ]

    @Test(arguments: errorCases)
    func reportsLexicalErrors(source: String, message: String, line: Int, column: Int) {
        #expect(throws: GraphQLError.self) { try LexerTests.lexAll(source) }
        do {
            _ = try LexerTests.lexAll(source)
        } catch {
            #expect(error.message == message)
            #expect(error.locations == [SourceLocation(line: line, column: column)])
        }
    }

    @Test func bomIsIgnoredAnywhere() throws {
        #expect(try LexerTests.lexAll("a\u{FEFF}b").map(\.value) == ["a", "b", nil])
    }

    @Test func longSingleLineKeepsScalarColumns() throws {
        // Columns on one long line are computed incrementally; they must still count scalars.
        let source = (0..<2_000).map { "\"é\($0)\" f\($0)" }.joined(separator: " ")
        let tokens = try LexerTests.lexAll(source)
        #expect(tokens.count == 4_001)
        var column = 1
        for index in 0..<2_000 {
            #expect(tokens[2 * index].column == column)
            let stringLength = "\"é\(index)\"".unicodeScalars.count
            #expect(tokens[2 * index + 1].column == column + stringLength + 1)
            column += stringLength + 1 + "f\(index)".count + 1
        }
    }

    @Test func blockStringValuesFollowBlockStringValueAlgorithm() throws {
        let cases: [(String, String)] = [
            ("\"\"\"\n  a\n   b\n\"\"\"", "a\n b"),
            ("\"\"\"  a\n  b\"\"\"", "  a\nb"),
            ("\"\"\"\n\t\ta\n\t\tb\n\n\"\"\"", "a\nb"),
            ("\"\"\"   \n  \n\"\"\"", ""),
            ("\"\"\"a\\\"\"\"b\"\"\"", "a\"\"\"b"),
            ("\"\"\"a\\nb\"\"\"", "a\\nb"),
        ]
        for (source, value) in cases {
            #expect(try LexerTests.lexAll(source).first?.value == value, "\(source)")
        }
    }
}
