import Testing

@testable import JSON

@Suite("JSONValue and JSONObject")
struct JSONValueTests {
    @Test("typed accessors")
    func accessors() throws {
        let value = try JSON.parse(#"{"s":"x","n":2,"f":2.5,"b":false,"z":null,"a":[1],"o":{"k":"v"}}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.intValue == 2)
        #expect(value["f"]?.doubleValue == 2.5)
        #expect(value["f"]?.intValue == nil)
        #expect(value["b"]?.boolValue == false)
        #expect(value["z"]?.isNull == true)
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == nil)
        #expect(value["a"]?.arrayValue?.count == 1)
        #expect(value["o"]?["k"] == "v")
        #expect(value["o"]?.objectValue?.keys == ["k"])
        #expect(value["missing"] == nil)
        #expect(value["s"]?["k"] == nil)
        #expect(value["s"]?.numberValue == nil)
    }

    @Test("set replaces in place, appends new keys, nil removes")
    func editing() {
        var object: JSONObject = ["a": 1, "b": 2]
        object.set("a", 10)
        object["c"] = 3
        #expect(serialized(.object(object)) == #"{"a":10,"b":2,"c":3}"#)
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object.removeValue(forKey: "b") == 2)
        #expect(object.removeValue(forKey: "b") == nil)
        #expect(object.count == 1)
        #expect(Array(object.map(\.key)) == ["c"])
    }

    @Test("keys and strings compare by UTF-8 bytes, not canonical equivalence")
    func exactComparison() {
        let composed = "\u{E9}"
        let decomposed = "e\u{301}"
        #expect(composed == decomposed)  // Swift's String says equal...
        #expect(JSONValue.string(composed) != .string(decomposed))  // ...JSON does not
        var object: JSONObject = [composed: 1]
        #expect(object[decomposed] == nil)
        object.set(decomposed, 2)
        #expect(object.count == 2)
    }

    @Test("object equality follows member order")
    func orderSensitive() {
        #expect((["a": 1, "b": 2] as JSONValue) != ["b": 2, "a": 1])
        #expect((["a": 1, "b": 2] as JSONValue) == ["a": 1, "b": 2])
    }

    @Test("parse accepts String, [UInt8] and ArraySlice alike")
    func inputTypes() throws {
        let text = #"{"a":[true]}"#
        let expected: JSONValue = ["a": [true]]
        #expect(try JSON.parse(text) == expected)
        #expect(try JSON.parse(bytes(text)) == expected)
        #expect(try JSON.parse(bytes("  " + text)[2...]) == expected)
        #expect(try JSON.parse(Substring(text).utf8) == expected)
    }
}
