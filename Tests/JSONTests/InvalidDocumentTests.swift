import Testing

@testable import JSON

@Suite("Invalid documents")
struct InvalidDocumentTests {
    /// (input bytes, message, byte offset). The offset is the first byte that cannot continue a
    /// valid document, or the input length when it ends too early.
    static let documents: [([UInt8], String, Int)] = [
        // Structure.
        (bytes(""), "unexpected end of input", 0),
        (bytes("   "), "unexpected end of input", 3),
        (bytes("["), "unexpected end of input", 1),
        (bytes("[1,"), "unexpected end of input", 3),
        (bytes("[1,2"), "unexpected end of input", 4),
        (bytes(#"{"a":"#), "unexpected end of input", 5),
        (bytes(#"{"a""#), "unexpected end of input", 4),
        (bytes("[1,]"), "trailing comma", 3),
        (bytes(#"{"a":1,}"#), "trailing comma", 7),
        (bytes("[,1]"), "expected value", 1),
        (bytes("{,}"), "expected object key", 1),
        (bytes("{a:1}"), "expected object key", 1),
        (bytes("{'a':1}"), "expected object key", 1),
        (bytes(#"{"a" 1}"#), "expected ':' after object key", 5),
        (bytes(#"{"a"}"#), "expected ':' after object key", 4),
        (bytes(#"{"a":1 "b":2}"#), "expected ',' or '}' after object member", 7),
        (bytes(#"{"a":1]"#), "expected ',' or '}' after object member", 6),
        (bytes("[1 2]"), "expected ',' or ']' after array element", 3),
        (bytes("[1}"), "expected ',' or ']' after array element", 2),
        (bytes("[true false]"), "expected ',' or ']' after array element", 6),
        (bytes("1 2"), "unexpected data after JSON value", 2),
        (bytes("{} x"), "unexpected data after JSON value", 3),
        (bytes("[1]]"), "unexpected data after JSON value", 3),
        (bytes(#"{"a":1}}"#), "unexpected data after JSON value", 7),
        (bytes("// comment\n1"), "expected value", 0),
        (bytes("/* */ 1"), "expected value", 0),
        (bytes("'a'"), "expected value", 0),
        ([0x0C] + bytes("1"), "expected value", 0),  // form feed is not JSON whitespace
        (bytes("\u{A0}1"), "expected value", 0),  // nor is NO-BREAK SPACE
        ([0xEF, 0xBB, 0xBF] + bytes("1"), "byte order mark is not allowed", 0),
        (bytes(#"{"a":1,"a":2}"#), #"duplicate key "a""#, 7),
        (bytes(#"[1,{"k":1,"k\u0000":2,"k":3}]"#), #"duplicate key "k""#, 22),

        // Literals.
        (bytes("NaN"), "expected value", 0),
        (bytes("Infinity"), "expected value", 0),
        (bytes("-Infinity"), "expected digit after '-'", 1),
        (bytes("True"), "expected value", 0),
        (bytes("tru"), "unexpected end of input", 3),
        (bytes("trux"), "expected 'true'", 3),
        (bytes("nul1"), "expected 'null'", 3),
        (bytes("fals"), "unexpected end of input", 4),

        // Numbers.
        (bytes("01"), "leading zero in number", 1),
        (bytes("-01"), "leading zero in number", 2),
        (bytes("[00]"), "leading zero in number", 2),
        (bytes("+1"), "expected value", 0),
        (bytes(".5"), "expected value", 0),
        (bytes("5."), "unexpected end of input", 2),
        (bytes("5.x"), "expected digit after '.'", 2),
        (bytes("[5.]"), "expected digit after '.'", 3),
        (bytes("1e"), "unexpected end of input", 2),
        (bytes("1e+"), "unexpected end of input", 3),
        (bytes("[1e]"), "expected digit in exponent", 3),
        (bytes("[1e+]"), "expected digit in exponent", 4),
        (bytes("-"), "unexpected end of input", 1),
        (bytes("-a"), "expected digit after '-'", 1),
        (bytes("0x10"), "unexpected data after JSON value", 1),
        (bytes("1.5.3"), "unexpected data after JSON value", 3),

        // Strings.
        (bytes(#""abc"#), "unterminated string", 4),
        (bytes(#""\"#), "unterminated string", 2),
        (bytes(#""a\u00"#), "unterminated string", 6),
        (bytes(#"["a]"#), "unterminated string", 4),
        (bytes(#""\q""#), #"invalid escape \q"#, 2),
        (bytes(#""\U0041""#), #"invalid escape \U"#, 2),
        (bytes(#""\é""#), #"invalid escape \ followed by byte 0xC3"#, 2),
        (bytes(#""\u12G4""#), #"invalid hex digit in \u escape"#, 5),
        (bytes(#""\uD800""#), #"unpaired surrogate \uD800"#, 1),
        (bytes(#""\udc00""#), #"unpaired surrogate \uDC00"#, 1),
        (bytes(#""x\uD800\u0041""#), #"unpaired surrogate \uD800"#, 2),
        (bytes(#""\uD800x""#), #"unpaired surrogate \uD800"#, 1),
        (bytes(#""\uD800\n""#), #"unpaired surrogate \uD800"#, 1),
        (bytes(#""\uDBFF\uDBFF""#), #"unpaired surrogate \uDBFF"#, 1),
        (bytes("\"a\u{1}b\""), "unescaped control character 0x01 in string", 2),
        (bytes("\"a\nb\""), "unescaped control character 0x0A in string", 2),
        (bytes("\"\t\""), "unescaped control character 0x09 in string", 1),
        ([0x22, 0x00, 0x22], "unescaped control character 0x00 in string", 1),

        // UTF-8 (RFC 3629, Unicode table 3-7).
        ([0x22, 0xFF, 0x22], "invalid UTF-8 byte 0xFF", 1),
        ([0x22, 0x80, 0x22], "invalid UTF-8 byte 0x80", 1),
        ([0x22, 0xC3, 0x28, 0x22], "invalid UTF-8 byte 0x28", 2),
        ([0x22, 0xC0, 0x80, 0x22], "invalid UTF-8 byte 0xC0", 1),  // overlong
        ([0x22, 0xE0, 0x80, 0x80, 0x22], "invalid UTF-8 byte 0x80", 2),  // overlong
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8 byte 0xA0", 2),  // encoded surrogate
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "invalid UTF-8 byte 0x90", 2),  // above U+10FFFF
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], "invalid UTF-8 byte 0xF5", 1),
        ([0x22, 0xE2, 0x82, 0x22], "invalid UTF-8 byte 0x22", 3),
        ([0x22, 0xE2, 0x82], "unterminated string", 3),
        ([0xC3, 0xA9], "expected value", 0),  // non-ASCII outside a string
    ]

    @Test("rejected with the expected message and offset", arguments: documents)
    func rejected(_ input: [UInt8], message: String, offset: Int) {
        #expect(throws: JSONError.self) { try JSON.parse(input) }
        do {
            _ = try JSON.parse(input)
        } catch {
            #expect(error.message == message)
            #expect(error.offset == offset)
        }
    }

    @Test("the reader fails the same way", arguments: documents)
    func readerAgrees(_ input: [UInt8], message: String, offset: Int) throws {
        let parseError = #expect(throws: JSONError.self) { try JSON.parse(input) }
        switch readAllTokens(input) {
        case .success: Issue.record("reader accepted an invalid document")
        case .failure(let error): #expect(error == parseError)
        }
    }

    @Test("the table is big enough")
    func count() {
        #expect(Self.documents.count >= 40)
    }

    /// (input, message, offset, line, column); lines start after LF only, columns count bytes.
    static let multiline: [(String, String, Int, Int, Int)] = [
        ("{\n  \"a\": 1,\n}", "trailing comma", 12, 3, 1),
        ("[\n1,\n2\n3]", "expected ',' or ']' after array element", 7, 4, 1),
        ("{\r\n  \"a\": tru\r\n}", "expected 'true'", 13, 2, 11),
        ("\n\n   x", "expected value", 5, 3, 4),
        ("[\"é\", \"ü\",\n \"a\"b]", "expected ',' or ']' after array element", 17, 2, 5),
    ]

    @Test("line and column", arguments: multiline)
    func lineAndColumn(_ input: String, message: String, offset: Int, line: Int, column: Int) {
        let error = #expect(throws: JSONError.self) { try JSON.parse(input) }
        #expect(error == JSONError(message: message, offset: offset, line: line, column: column))
        #expect(error?.description == "\(message) at line \(line), column \(column) (byte \(offset))")
    }
}
