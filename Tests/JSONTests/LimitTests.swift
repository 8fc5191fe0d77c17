import Testing

@testable import JSON

@Suite("Limits")
struct LimitTests {
    static func nested(_ depth: Int, object: Bool) -> String {
        object
            ? String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            : String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test("64 levels are fine, the 65th bracket fails", arguments: [false, true])
    func depth(object: Bool) throws {
        _ = try JSON.parse(Self.nested(64, object: object))
        let error = #expect(throws: JSONError.self) { try JSON.parse(Self.nested(65, object: object)) }
        #expect(error?.message == "nesting deeper than 64")
        #expect(error?.offset == (object ? 64 * 5 : 64))
    }

    @Test("a configured depth, also for readFloatArray")
    func configuredDepth() throws {
        let limits = JSONLimits(maxDepth: 2)
        _ = try JSON.parse("[[1]]", limits: limits)
        let error = #expect(throws: JSONError.self) { try JSON.parse("[[[1]]]", limits: limits) }
        #expect(error == JSONError(message: "nesting deeper than 2", offset: 2, line: 1, column: 3))

        var reader = JSONReader(bytes("[[[1]]]"), limits: limits)
        _ = try reader.next()
        _ = try reader.next()
        let arrayError = #expect(throws: JSONError.self) { try reader.readFloatArray(maxCount: 4) }
        #expect(arrayError?.message == "nesting deeper than 2")
    }

    /// Parsing keeps its own stack; only releasing the tree recurses, so stay moderate here.
    @Test("deep nesting allowed by a raised limit")
    func deepButAllowed() throws {
        let depth = 2_000
        let value = try JSON.parse(Self.nested(depth, object: false), limits: JSONLimits(maxDepth: depth))
        #expect(value[0]?[0]?[0] != nil)
    }

    @Test("document size")
    func documentSize() throws {
        let limits = JSONLimits(maxBytes: 10)
        _ = try JSON.parse("[1,2,3,45]", limits: limits)
        let error = #expect(throws: JSONError.self) { try JSON.parse("[1,2,3,456]", limits: limits) }
        #expect(error?.message == "document larger than 10 bytes")
        #expect(error?.offset == 10)
        let lazyError = #expect(throws: JSONError.self) {
            try JSON.parse(bytes(String(repeating: " ", count: 1000)).lazy.map { $0 }, limits: limits)
        }
        #expect(lazyError?.message == "document larger than 10 bytes")
        var reader = JSONReader(bytes("[1,2,3,456]"), limits: limits)
        #expect(throws: JSONError.self) { try reader.next() }
    }

    @Test("string length, for values and keys")
    func stringLength() throws {
        let limits = JSONLimits(maxStringBytes: 5)
        _ = try JSON.parse(#"["abcde","\n\"",{"éab":1}]"#, limits: limits)
        let error = #expect(throws: JSONError.self) { try JSON.parse(#"[1, "abcdef"]"#, limits: limits) }
        #expect(error?.message == "string longer than 5 bytes")
        #expect(error?.offset == 4)
        let keyError = #expect(throws: JSONError.self) { try JSON.parse(#"{"abcdef":1}"#, limits: limits) }
        #expect(keyError?.offset == 1)
        // An escape that starts inside the limit but ends past it.
        let escapeError = #expect(throws: JSONError.self) { try JSON.parse(#""abcd\u0041""#, limits: limits) }
        #expect(escapeError?.message == "string longer than 5 bytes")
    }

    @Test("number length")
    func numberLength() throws {
        let digits400 = "1" + String(repeating: "0", count: 399)
        _ = try JSON.parse(digits400)
        let error = #expect(throws: JSONError.self) { try JSON.parse("[" + digits400 + "0]") }
        #expect(error?.message == "number longer than 400 bytes")
        #expect(error?.offset == 1)
        var reader = JSONReader(bytes("[" + digits400 + "0]"))
        #expect(throws: JSONError.self) { try reader.readDoubleArray(maxCount: 1) }
    }
}
