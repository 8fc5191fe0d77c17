import Testing

@testable import HTTP1Codec

@Suite("Chunked bodies")
struct HTTP1ChunkedTests {
    static let head = bytes("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")

    @Test(
        "chunk-size lines",
        arguments: [
            ("0", 0), ("5", 5), ("a", 10), ("A", 10), ("00000000000000f", 15), ("1000", 4096),
            ("fffffffffffffff", 0xFFF_FFFF_FFFF_FFFF), ("5;a", 5), ("5;a=b", 5), ("5 ; a = b ", 5),
            ("5\t;\ta\t=\t\"x y\"", 5), ("5;a=\"q \\\" \\\\\";b;c=d", 5), ("5;a=\"caf\u{E9}\"", 5),
        ] as [(String, Int)])
    func chunkSize(_ line: String, expected: Int) throws {
        #expect(try ChunkSizeLine.size(bytes(line)[...]) == expected)
    }

    @Test(
        "malformed chunk-size lines",
        arguments: [
            ("", HTTP1ParseError.invalidChunkSize), (";a", .invalidChunkSize), ("g", .invalidChunkSize),
            ("-1", .invalidChunkSize), ("+1", .invalidChunkSize), ("0x5", .invalidChunkSize),
            ("1000000000000000", .chunkSizeTooLarge), ("5 6", .invalidChunkExtension), ("5;", .invalidChunkExtension),
            ("5;a=", .invalidChunkExtension), ("5;a b", .invalidChunkExtension), ("5;a=\"x", .invalidChunkExtension),
            ("5;a=\"x\\", .invalidChunkExtension), ("5;a=b c", .invalidChunkExtension),
            ("5;a=\"\u{1}\"", .invalidChunkExtension), ("5;(a)", .invalidChunkExtension),
            ("5,a", .invalidChunkSize), ("5\r", .invalidChunkSize),
        ] as [(String, HTTP1ParseError)])
    func malformedChunkSize(_ line: String, expected: HTTP1ParseError) {
        #expect(throws: expected) { try ChunkSizeLine.size(bytes(line)[...]) }
    }

    @Test("chunk data is handed out as it arrives, before the chunk is complete")
    func streamsPartialChunks() throws {
        var parser = HTTP1RequestParser()
        var buffer = Self.head + bytes("a\r\n01234")
        var events: [HTTP1ParseEvent] = []
        try parseAll(&parser, &buffer, into: &events)
        #expect(events.count == 2)
        guard case .body(let first) = events.last else {
            Issue.record("expected body, got \(events)")
            return
        }
        #expect(first == bytes("01234"))
        #expect(buffer.isEmpty)

        buffer += bytes("56789\r\n0\r\n\r\n")
        events = []
        try parseAll(&parser, &buffer, into: &events)
        #expect(events.count == 2)
        guard case .body(let second) = events.first, case .end = events.last else {
            Issue.record("expected body then end, got \(events)")
            return
        }
        #expect(second == bytes("56789"))
    }

    @Test("a chunk-size line is consumed without an event")
    func sizeLineConsumedAlone() throws {
        var parser = HTTP1RequestParser()
        let input = Self.head + bytes("5;x=y\r\n")
        let head = try parser.parse(input[...])
        guard case .head = head.event else {
            Issue.record("expected head")
            return
        }
        let sizeLine = try parser.parse(input[head.consumed...])
        #expect(sizeLine.event == nil)
        #expect(sizeLine.consumed == 7)
    }

    @Test("a chunk over the body limit is refused before its data arrives")
    func refusesOversizeChunkEarly() throws {
        var parser = HTTP1RequestParser(limits: HTTP1Limits(maxBodyBytes: 10))
        let input = Self.head + bytes("6\r\nabcdef\r\n5\r\n")
        var readIndex = 0
        var sawBody = false
        #expect(throws: HTTP1ParseError.bodyTooLarge) {
            while true {
                let (event, consumed) = try parser.parse(input[readIndex...])
                readIndex += consumed
                if case .body = event { sawBody = true }
                if event == nil { break }
            }
        }
        #expect(sawBody)
    }

    @Test("an endless chunk-size line fails once it passes the limit")
    func chunkLineLimitWithoutEnd() throws {
        var parser = HTTP1RequestParser(limits: HTTP1Limits(maxChunkLineBytes: 16))
        var buffer = Self.head
        let head = try parser.parse(buffer[...])
        buffer.removeFirst(head.consumed)
        buffer += bytes("5;aaaaaaaaaaaaaa\r")  // 16 bytes of line plus its CR: still acceptable
        #expect(try parser.parse(buffer[...]).event == nil)
        buffer.append(UInt8(ascii: "a"))
        #expect(throws: HTTP1ParseError.chunkLineTooLong) { try parser.parse(buffer[...]) }
    }

    private func parseAll(
        _ parser: inout HTTP1RequestParser, _ buffer: inout [UInt8], into events: inout [HTTP1ParseEvent]
    ) throws {
        while true {
            let (event, consumed) = try parser.parse(buffer[...])
            buffer.removeFirst(consumed)
            guard let event else { return }
            events.append(event)
        }
    }
}
