import Testing
import Upstream

@Suite("SSE decoder (WHATWG event-stream interpretation)")
struct SSEDecoderTests {
    typealias Event = SSEDecoder.Event

    /// All at once, and one byte per read: both must give the same events.
    private func decode(_ text: String, limit: Int = 1 << 20) throws -> [Event] {
        let bytes = Array(text.utf8)
        var whole = SSEDecoder(maxEventBytes: limit)
        let once = try whole.feed(bytes)
        var split = SSEDecoder(maxEventBytes: limit)
        var bytewise: [Event] = []
        for b in bytes { bytewise += try split.feed([b]) }
        #expect(once == bytewise, "split delivery changed the events of \(text.debugDescription)")
        return once
    }

    @Test("the standard's cases and vLLM's chunks", arguments: [
        ("data: hello\n\n", [Event(data: "hello")]),
        ("data:hello\n\n", [Event(data: "hello")]),
        ("data:  two spaces\n\n", [Event(data: " two spaces")]),
        ("data: a\ndata: b\n\n", [Event(data: "a\nb")]),
        ("data\n\n", [Event(data: "")]),
        ("data:\ndata:\n\n", [Event(data: "\n")]),
        ("event: delta\ndata: {\"text\":\"hi\"}\n\n", [Event(name: "delta", data: #"{"text":"hi"}"#)]),
        ("data: one\r\n\r\ndata: two\r\rdata: three\n\n",
         [Event(data: "one"), Event(data: "two"), Event(data: "three")]),
        (": keep-alive\n\ndata: x\n\n", [Event(data: "x")]),
        ("event: e\n\ndata: y\n\n", [Event(data: "y")]),  // an event with no data is not dispatched, and its name resets
        ("id: 7\ndata: a\n\ndata: b\n\n", [Event(data: "a", id: "7"), Event(data: "b", id: "7")]),
        ("id: 7\ndata: a\n\nid\ndata: b\n\n", [Event(data: "a", id: "7"), Event(data: "b", id: "")]),
        ("retry: 1500\ndata: a\n\nretry: x1\ndata: b\n\n", [Event(data: "a", retry: 1500), Event(data: "b")]),
        ("unknown: field\ndata: a\n\n", [Event(data: "a")]),
        ("\u{FEFF}data: bom\n\n", [Event(data: "bom")]),
        ("data: no end", []),
        ("data: [DONE]\n\n", [Event(data: "[DONE]")]),
        ("data: é ✓\n\n", [Event(data: "é ✓")]),
    ])
    func table(_ input: String, _ expected: [Event]) throws {
        #expect(try decode(input) == expected)
    }

    @Test func anUnfinishedEventIsDroppedAtTheEnd() throws {
        var d = SSEDecoder()
        #expect(try d.feed(Array("data: a\n\ndata: half".utf8)) == [Event(data: "a")])
        d.finish()
        #expect(try d.feed(Array("\n\n".utf8)).isEmpty)
    }

    @Test func aCRAtTheEndOfOneReadAndLFAtTheStartOfTheNextAreOneLineEnd() throws {
        var d = SSEDecoder()
        #expect(try d.feed(Array("data: a\r".utf8)).isEmpty)
        #expect(try d.feed(Array("\ndata: b\r".utf8)).isEmpty)
        #expect(try d.feed(Array("\n\r\n".utf8)) == [Event(data: "a\nb")])
    }

    @Test func oversizedLinesAndEventsAreRefused() throws {
        #expect(throws: SSEDecoder.Failure.eventTooLarge(limit: 8)) { try decode("data: 0123456789\n\n", limit: 8) }
        #expect(throws: SSEDecoder.Failure.eventTooLarge(limit: 16)) {
            try decode("data: 0123456\ndata: 0123456\ndata: 0123456\n\n", limit: 16)
        }
        #expect(try decode("data: 0123\n\n", limit: 16) == [Event(data: "0123")])
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        var d = SSEDecoder()
        let events = try d.feed([UInt8]("data: ".utf8) + [0xFF, 0x41] + [10, 10])
        #expect(events == [Event(data: "\u{FFFD}A")])
    }
}

@Suite("NDJSON decoder")
struct NDJSONDecoderTests {
    private func lines(_ text: String, limit: Int = 1 << 20) throws -> [String] {
        let bytes = Array(text.utf8)
        var whole = NDJSONDecoder(maxLineBytes: limit)
        var once = try whole.feed(bytes)
        if let last = whole.finish() { once.append(last) }
        var split = NDJSONDecoder(maxLineBytes: limit)
        var bytewise: [[UInt8]] = []
        for b in bytes { bytewise += try split.feed([b]) }
        if let last = split.finish() { bytewise.append(last) }
        #expect(once == bytewise)
        return once.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("lines as Ollama streams them", arguments: [
        ("{\"a\":1}\n{\"b\":2}\n", ["{\"a\":1}", "{\"b\":2}"]),
        ("{\"a\":1}\r\n\r\n{\"b\":2}", ["{\"a\":1}", "{\"b\":2}"]),
        ("\n\n", []),
        ("", []),
        ("{\"response\":\"a\\nb\"}\n", ["{\"response\":\"a\\nb\"}"]),
        ("x\ry\n", ["x\ry"]),
    ])
    func table(_ input: String, _ expected: [String]) throws {
        #expect(try lines(input) == expected)
    }

    @Test func aLineOverTheLimitIsRefusedEvenBeforeItsNewline() {
        var d = NDJSONDecoder(maxLineBytes: 4)
        #expect(throws: NDJSONDecoder.Failure.lineTooLong(limit: 4)) { _ = try d.feed(Array("12345".utf8)) }
        var e = NDJSONDecoder(maxLineBytes: 4)
        #expect(throws: NDJSONDecoder.Failure.lineTooLong(limit: 4)) {
            _ = try e.feed(Array("12".utf8))
            _ = try e.feed(Array("345\n".utf8))
        }
        var f = NDJSONDecoder(maxLineBytes: 4)
        #expect((try? f.feed(Array("1234\n12".utf8))) == [Array("1234".utf8)])
    }
}
