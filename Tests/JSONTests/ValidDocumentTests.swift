import Testing

@testable import JSON

@Suite("Valid documents")
struct ValidDocumentTests {
    /// (input, expected tree, canonical serialization). The canonical form is compact, keeps
    /// number text and member order, escapes only what must be escaped and writes the rest as UTF-8.
    static let documents: [(String, JSONValue, String)] = [
        ("null", nil, "null"),
        ("true", true, "true"),
        ("false", false, "false"),
        ("0", 0, "0"),
        ("-0", number("-0"), "-0"),
        ("123", 123, "123"),
        ("-123", -123, "-123"),
        ("1.5", number("1.5"), "1.5"),
        ("-0.0", number("-0.0"), "-0.0"),
        ("1E+2", number("1E+2"), "1E+2"),
        ("1e-2", number("1e-2"), "1e-2"),
        ("2.5E10", number("2.5E10"), "2.5E10"),
        ("18446744073709551615", number("18446744073709551615"), "18446744073709551615"),
        (
            "123456789012345678901234567890", number("123456789012345678901234567890"),
            "123456789012345678901234567890"
        ),
        ("1e400", number("1e400"), "1e400"),
        (
            "0.1000000000000000055511151231257827", number("0.1000000000000000055511151231257827"),
            "0.1000000000000000055511151231257827"
        ),
        ("[1e5, 1E-5, -1.25e+3]", [number("1e5"), number("1E-5"), number("-1.25e+3")], "[1e5,1E-5,-1.25e+3]"),
        ("[-1, -0.5, 0, 0.5, 1]", [-1, -0.5, 0, 0.5, 1], "[-1,-0.5,0,0.5,1]"),
        ("9007199254740993", number("9007199254740993"), "9007199254740993"),
        (#""""#, "", #""""#),
        (#""hello""#, "hello", #""hello""#),
        (#""a\"b\\c\/d""#, "a\"b\\c/d", #""a\"b\\c/d""#),
        (#""\/""#, "/", #""/""#),
        (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t", #""\b\f\n\r\t""#),
        (#""\u0000\u001f\u001F""#, "\u{0}\u{1F}\u{1F}", #""\u0000\u001f\u001f""#),
        (#""\u0041\u00e9\u00E9""#, "Aéé", #""Aéé""#),
        (#""\uD83D\uDE00""#, "😀", #""😀""#),
        (#""\ud83d\ude00x""#, "😀x", #""😀x""#),
        (#""\uDBFF\uDFFF""#, "\u{10FFFF}", "\"\u{10FFFF}\""),
        (#""é中😀""#, "é中😀", #""é中😀""#),
        (#""\u2028\u2029""#, "\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),
        (#""\u007f\u0080""#, "\u{7F}\u{80}", "\"\u{7F}\u{80}\""),
        (#""tab\tinside""#, "tab\tinside", #""tab\tinside""#),
        ("[]", [], "[]"),
        ("{}", [:], "{}"),
        (#"[1,"a",true,null,{}]"#, [1, "a", true, nil, [:]], #"[1,"a",true,null,{}]"#),
        (#"{"a":1,"b":[2,3]}"#, ["a": 1, "b": [2, 3]], #"{"a":1,"b":[2,3]}"#),
        (#"{"b":1,"a":2}"#, ["b": 1, "a": 2], #"{"b":1,"a":2}"#),
        (" \t\n\r[ 1 , 2 ]\r\n ", [1, 2], "[1,2]"),
        (#"{ "a" : { "b" : [ { } ] } }"#, ["a": ["b": [[:]]]], #"{"a":{"b":[{}]}}"#),
        ("[[[[[]]]]]", [[[[[]]]]], "[[[[[]]]]]"),
        (#"{"":""}"#, ["": ""], #"{"":""}"#),
        // Canonically equivalent in Swift, but different keys in JSON: both are kept.
        (#"{"\u00e9":1,"e\u0301":2}"#, ["\u{E9}": 1, "e\u{301}": 2], "{\"\u{E9}\":1,\"e\u{301}\":2}"),
        (#"{"a\u0000b":true}"#, ["a\u{0}b": true], #"{"a\u0000b":true}"#),
        (#"["\"", "\\"]"#, ["\"", "\\"], #"["\"","\\"]"#),
        (
            #"{"nested":{"deep":{"deeper":[null,false]}}}"#, ["nested": ["deep": ["deeper": [nil, false]]]],
            #"{"nested":{"deep":{"deeper":[null,false]}}}"#
        ),
        (#"{"a":[],"b":{},"c":""}"#, ["a": [], "b": [:], "c": ""], #"{"a":[],"b":{},"c":""}"#),
        ("\n\"x\"\n", "x", #""x""#),
    ]

    @Test("parses to the expected value", arguments: documents)
    func parses(_ input: String, expected: JSONValue, canonical: String) throws {
        #expect(try JSON.parse(input) == expected)
        #expect(try JSON.parse(bytes(input)[...]) == expected)
    }

    @Test("serializes to the canonical form, which parses back to the same value", arguments: documents)
    func roundTrips(_ input: String, expected: JSONValue, canonical: String) throws {
        let value = try JSON.parse(input)
        #expect(serialized(value) == canonical)
        #expect(try JSON.parse(canonical) == value)
    }

    @Test("the reader accepts it too", arguments: documents)
    func readerAccepts(_ input: String, expected: JSONValue, canonical: String) throws {
        let tokens = try readAllTokens(bytes(input)).get()
        #expect(tokens.last == .end)
    }

    @Test("the table is big enough")
    func count() {
        #expect(Self.documents.count >= 40)
    }

    @Test("non-contiguous input is parsed the same")
    func nonContiguous() throws {
        let lazy = bytes(#"{"a":[1,2]}"#).lazy.map { $0 }
        #expect(try JSON.parse(lazy) == ["a": [1, 2]])
    }
}
