import Testing

@testable import JSON
import GatewayTestSupport

@Suite("JSONReader")
struct JSONReaderTests {
    @Test("token sequence")
    func tokens() throws {
        let tokens = try readAllTokens(bytes(#" {"a": [1, "x", true, false, null], "b": {}, "c": -2.5e3} "#)).get()
        #expect(
            tokens == [
                .beginObject, .key("a"), .beginArray, .number(JSONNumber(1)), .string("x"), .bool(true), .bool(false),
                .null, .endArray, .key("b"), .beginObject, .endObject, .key("c"),
                .number(JSONNumber(text: "-2.5e3")!), .endObject, .end,
            ])
    }

    @Test("a scalar document, and .end repeats")
    func scalar() throws {
        var reader = JSONReader(bytes(" \"s\" "))
        #expect(try reader.next() == .string("s"))
        #expect(reader.offset == 4)
        #expect(try reader.next() == .end)
        #expect(reader.offset == 5)
        #expect(try reader.next() == .end)
    }

    @Test("reads from a slice, reporting offsets from the slice's start")
    func slice() throws {
        let buffer = bytes("xx[1,]yy")
        var reader = JSONReader(buffer[2..<6])
        #expect(try reader.next() == .beginArray)
        #expect(try reader.next() == .number(JSONNumber(1)))
        let error = #expect(throws: JSONError.self) { try reader.next() }
        #expect(error?.message == "trailing comma")
        #expect(error?.offset == 3)
    }

    /// A request body shaped like the REST front-end's: 384 floats written the ways clients
    /// write them (shortest float text, the float printed as a double, short decimals, integers).
    static func queryBody(seed: UInt64) -> (body: [UInt8], texts: [String]) {
        var random = SeededGenerator(seed: seed)
        let texts = (0..<384).map { _ -> String in
            let value = Float.random(in: -1...1, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return value.description
            case 1: return Double(value).description
            case 2: return String(Int.random(in: -5...5, using: &random))
            default: return String(format3: value)
            }
        }
        return (bytes(#"{"query_vector":["# + texts.joined(separator: ", ") + #"],"limit":10}"#), texts)
    }

    @Test("readFloatArray on a 384-float body gives the float nearest each text")
    func floatArray() throws {
        let (body, texts) = Self.queryBody(seed: 1)
        var reader = JSONReader(body)
        #expect(try reader.next() == .beginObject)
        #expect(try reader.next() == .key("query_vector"))
        let vector = try reader.readFloatArray(maxCount: 384)
        #expect(vector.map(\.bitPattern) == texts.map { Float($0)!.bitPattern })
        // Away from the rare double-rounding ties these agree with the brief's definition.
        #expect(vector == texts.map { Float(Double($0)!) })
        #expect(try reader.next() == .key("limit"))
        #expect(try reader.next() == .number(JSONNumber(10)))
        #expect(try reader.next() == .endObject)
        #expect(try reader.next() == .end)
    }

    @Test("readDoubleArray on the same body")
    func doubleArray() throws {
        let (body, texts) = Self.queryBody(seed: 2)
        var reader = JSONReader(body)
        _ = try reader.next()
        _ = try reader.next()
        #expect(try reader.readDoubleArray(maxCount: 1000).map(\.bitPattern) == texts.map { Double($0)!.bitPattern })
    }

    @Test(
        "readFloatArray errors",
        arguments: [
            ("[1,null]", "expected number", 3),
            (#"[1,"2"]"#, "expected number", 3),
            ("[1,[2]]", "expected number", 3),
            ("[1,2,3]", "array longer than 2 elements", 5),
            ("[1,]", "trailing comma", 3),
            ("[1 2]", "expected ',' or ']' after array element", 3),
            ("[01]", "leading zero in number", 2),
            ("[1e39]", "number out of range", 1),
            ("[-1e39]", "number out of range", 1),
            ("[1", "unexpected end of input", 2),
            ("3", "expected array of numbers", 0),
            (" {}", "expected array of numbers", 1),
            ("", "unexpected end of input", 0),
        ] as [(String, String, Int)])
    func floatArrayErrors(_ input: String, message: String, offset: Int) {
        var reader = JSONReader(bytes(input))
        let error = #expect(throws: JSONError.self) { try reader.readFloatArray(maxCount: 2) }
        #expect(error?.message == message)
        #expect(error?.offset == offset)
    }

    @Test("readFloatArray accepts every number form and tiny values")
    func floatArrayForms() throws {
        var reader = JSONReader(bytes(" [ 0 , -0 , 1E2 , 2.5e-1 , 1e-50 , 3.4028235e38 ] "))
        let values = try reader.readFloatArray(maxCount: 10)
        #expect(values == [0, -0.0, 100, 0.25, 0, Float.greatestFiniteMagnitude])
        #expect(values[1].sign == .minus)
        #expect(try reader.next() == .end)
    }

    @Test("empty array, arrays of arrays, and the reader resumes after each")
    func nestedArrays() throws {
        var reader = JSONReader(bytes("[[1,2], [], [3]]"))
        #expect(try reader.next() == .beginArray)
        #expect(try reader.readFloatArray(maxCount: 8) == [1, 2])
        #expect(try reader.readFloatArray(maxCount: 8) == [])
        #expect(try reader.readDoubleArray(maxCount: 8) == [3])
        #expect(try reader.next() == .endArray)
        #expect(try reader.next() == .end)
    }

    @Test("readFloatArray where no value can start")
    func floatArrayMisplaced() throws {
        var reader = JSONReader(bytes(#"{"a":[1]}"#))
        #expect(try reader.next() == .beginObject)
        let error = #expect(throws: JSONError.self) { try reader.readFloatArray(maxCount: 8) }
        #expect(error?.message == "expected object key")
        #expect(error?.offset == 1)
    }

    @Test("skipValue skips whole containers and scalars")
    func skipValue() throws {
        var reader = JSONReader(bytes(#"{"skip":{"x":[1,{"y":2}],"z":"w"},"also":7,"keep":5}"#))
        #expect(try reader.next() == .beginObject)
        #expect(try reader.next() == .key("skip"))
        try reader.skipValue()
        #expect(try reader.next() == .key("also"))
        try reader.skipValue()
        #expect(try reader.next() == .key("keep"))
        #expect(try reader.next() == .number(JSONNumber(5)))
        #expect(try reader.next() == .endObject)
        #expect(try reader.next() == .end)
    }

    @Test("skipValue still validates what it skips")
    func skipValueValidates() throws {
        var reader = JSONReader(bytes(#"{"skip":[1,{"y":2,"y":3}]}"#))
        _ = try reader.next()
        _ = try reader.next()
        let error = #expect(throws: JSONError.self) { try reader.skipValue() }
        #expect(error?.message == #"duplicate key "y""#)
    }

    @Test("duplicate keys are caught in large objects and only within one object")
    func duplicateKeys() throws {
        let keys = (0..<40).map { "\"k\($0)\":{\"k0\":0}" }
        let document = "{" + keys.joined(separator: ",") + "}"
        #expect(try JSON.parse(document)["k39"]?["k0"] == 0)
        let repeated = "{" + keys.joined(separator: ",") + ",\"k17\":1}"
        let error = #expect(throws: JSONError.self) { try JSON.parse(repeated) }
        #expect(error?.message == #"duplicate key "k17""#)
        #expect(error?.offset == document.utf8.count)
    }

    @Test("a duplicate-key message shows a long key cut short and escaped")
    func duplicateKeyMessage() {
        let key = String(repeating: "a", count: 50) + "\n"
        let document = "{\"\(key.replacingNewline)\":1,\"\(key.replacingNewline)\":2}"
        let error = #expect(throws: JSONError.self) { try JSON.parse(document) }
        #expect(error?.message == "duplicate key \"" + String(repeating: "a", count: 40) + "…\"")
        let short = #expect(throws: JSONError.self) { try JSON.parse(#"{"a\nb":1,"a\nb":2}"#) }
        #expect(short?.message == #"duplicate key "a\nb""#)
    }
}

extension String {
    /// Three decimals, the way hand-written or rounded vectors look.
    init(format3 value: Float) {
        let thousandths = Int((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = abs(thousandths)
        let fraction = String(magnitude % 1000)
        self = sign + String(magnitude / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    var replacingNewline: String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
    }
}
