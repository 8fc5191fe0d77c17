import Testing

@testable import JSON

@Suite("JSONWriter")
struct JSONWriterTests {
    func text(_ writer: JSONWriter) -> String { String(decoding: writer.bytes, as: UTF8.self) }

    @Test("commas and colons come automatically")
    func structure() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("ids")
        writer.beginArray()
        writer.number(1)
        writer.number(-2)
        writer.beginObject()
        writer.endObject()
        writer.beginArray()
        writer.endArray()
        writer.endArray()
        writer.key("ok")
        writer.bool(true)
        writer.key("none")
        writer.null()
        writer.key("name")
        writer.string("x")
        writer.endObject()
        #expect(text(writer) == #"{"ids":[1,-2,{},[]],"ok":true,"none":null,"name":"x"}"#)
        _ = try JSON.parse(writer.bytes)
    }

    @Test(
        "doubles use the shortest round-trip text; NaN and infinities become null",
        arguments: [
            (0.1, "0.1"), (-0.0, "-0.0"), (100, "100.0"), (1e-7, "1e-07"), (1e16, "1e+16"),
            (.leastNonzeroMagnitude, "5e-324"), (.greatestFiniteMagnitude, "1.7976931348623157e+308"),
            (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
        ] as [(Double, String)])
    func doubles(_ value: Double, expected: String) throws {
        var writer = JSONWriter()
        writer.number(value)
        #expect(text(writer) == expected)
        if value.isFinite { #expect(try JSON.parse(writer.bytes).doubleValue == value) }
    }

    @Test(
        "milliseconds have exactly three decimals, rounded; huge or non-finite values fall back",
        arguments: [
            (0, "0.000"), (0.0004, "0.000"), (0.0005, "0.001"), (1, "1.000"), (12.3456, "12.346"),
            (-0.25, "-0.250"), (-1234.5, "-1234.500"), (999.9996, "1000.000"), (1e16, "1e+16"), (.nan, "null"),
        ] as [(Double, String)])
    func milliseconds(_ value: Double, expected: String) throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.milliseconds(value)
        writer.raw(Array("7".utf8))
        writer.endArray()
        #expect(text(writer) == "[\(expected),7]")
        _ = try JSON.parse(writer.bytes)
    }

    @Test("floats, ints and number text")
    func otherNumbers() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.number(Float(0.1))
        writer.number(Float.nan)
        writer.number(Int.min)
        writer.number(Int.max)
        writer.number(0)
        writer.number(JSONNumber(text: "18446744073709551615")!)
        writer.raw(#"{"pre":"encoded"}"#.utf8)
        writer.endArray()
        #expect(
            text(writer)
                == #"[0.1,null,-9223372036854775808,9223372036854775807,0,18446744073709551615,{"pre":"encoded"}]"#)
    }

    @Test("strings escape quote, backslash and control characters only")
    func escaping() {
        var writer = JSONWriter()
        writer.string("q\"b\\s/é😀\u{7F}\u{2028}")
        #expect(text(writer) == "\"q\\\"b\\\\s/é😀\u{7F}\u{2028}\"")
    }

    @Test("every control character", arguments: 0..<32)
    func controlCharacters(_ code: Int) throws {
        let named: [Int: String] = [8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"]
        let hexDigits = Array("0123456789abcdef")
        let expected = named[code] ?? "\\u00" + String(hexDigits[code >> 4]) + String(hexDigits[code & 0xF])
        var writer = JSONWriter()
        let string = String(UnicodeScalar(UInt8(code)))
        writer.string(string)
        #expect(text(writer) == "\"\(expected)\"")
        #expect(try JSON.parse(writer.bytes) == .string(string))
    }

    @Test("a writer can be reused")
    func reuse() {
        var writer = JSONWriter(capacity: 16)
        writer.number(1)
        writer.removeAll()
        writer.beginArray()
        writer.number(2)
        writer.endArray()
        #expect(text(writer) == "[2]")
    }

    @Test("value writes a tree as JSON.serialize does")
    func value() {
        let tree: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": [:]]
        var writer = JSONWriter()
        writer.beginArray()
        writer.value(tree)
        writer.value(tree)
        writer.endArray()
        let one = #"{"a":[1,2.5,"x",null,true],"b":{}}"#
        #expect(text(writer) == "[\(one),\(one)]")
        #expect(serialized(tree) == one)
        #expect(tree.description == one)
    }
}
