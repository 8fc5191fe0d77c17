import GatewayHTTP
import Testing

@testable import HTTP1Codec

struct ValidRequestCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var limits = HTTP1Limits()
    var expected: [ParsedRequest]

    init(_ name: String, _ input: String, limits: HTTP1Limits = HTTP1Limits(), _ expected: ParsedRequest...) {
        self.name = name
        self.input = bytes(input)
        self.limits = limits
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("Valid requests")
struct HTTP1RequestParserTests {
    static let atLimitHead = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: 0123456789\r\n\r\n"

    static let cases: [ValidRequestCase] = [
        ValidRequestCase(
            "GET with several headers",
            "GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n"
                + "X-Trace:  \t abc def \t \r\n\r\n",
            ParsedRequest(
                "GET", "/a/b?x=1",
                headers: ["Host: example.com", "User-Agent: test/1.0", "Accept: */*", "X-Trace: abc def"])),
        ValidRequestCase(
            "POST with Content-Length body",
            "POST /submit HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
            ParsedRequest(
                "POST", "/submit", headers: ["Host: h", "Content-Length: 11", "Content-Type: text/plain"],
                body: .length(11), bodyBytes: "hello world")),
        ValidRequestCase(
            "chunked body with extensions and trailers",
            "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6 ; a ; b = \"q \\\" x\"\r\n world\r\n"
                + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n",
            ParsedRequest(
                "POST", "/up", headers: ["Host: h", "Transfer-Encoding: chunked"], body: .chunked,
                bodyBytes: "hello world")),
        ValidRequestCase(
            "chunked with upper-case coding and hex sizes",
            "PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: CHUNKED\r\n\r\n"
                + "A\r\n0123456789\r\n00b\r\nabcdefghijk\r\n000\r\n\r\n",
            ParsedRequest(
                "PUT", "/x", headers: ["Host: h", "Transfer-Encoding: CHUNKED"], body: .chunked,
                bodyBytes: "0123456789abcdefghijk")),
        ValidRequestCase(
            "HTTP/1.0 keep-alive",
            "GET /old HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
            ParsedRequest("GET", "/old", .http1_0, headers: ["Connection: Keep-Alive"], keepAlive: true)),
        ValidRequestCase(
            "HTTP/1.0 closes by default",
            "GET / HTTP/1.0\r\n\r\n",
            ParsedRequest("GET", "/", .http1_0, headers: [], keepAlive: false)),
        ValidRequestCase(
            "HTTP/1.1 Connection close among other tokens",
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nConnection: CLOSE\r\n\r\n",
            ParsedRequest(
                "GET", "/", headers: ["Host: h", "Connection: keep-alive, Upgrade", "Connection: CLOSE"],
                keepAlive: false)),
        ValidRequestCase(
            "three pipelined requests in one buffer",
            "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n",
            ParsedRequest("GET", "/1", headers: ["Host: h"]),
            ParsedRequest(
                "POST", "/2", headers: ["Host: h", "Content-Length: 3"], body: .length(3), bodyBytes: "abc"),
            ParsedRequest(
                "POST", "/3", headers: ["Host: h", "Transfer-Encoding: chunked"], body: .chunked,
                bodyBytes: "data")),
        ValidRequestCase(
            "leading empty lines",
            "\r\n\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
            ParsedRequest("GET", "/", headers: ["Host: h"])),
        ValidRequestCase(
            "LF-only line ends",
            "POST /lf HTTP/1.1\nHost: h\nContent-Length: 2\n\nhi",
            ParsedRequest("POST", "/lf", headers: ["Host: h", "Content-Length: 2"], body: .length(2), bodyBytes: "hi")),
        ValidRequestCase(
            "Content-Length list of identical values",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello",
            ParsedRequest(
                "POST", "/", headers: ["Host: h", "Content-Length: 5, 5"], body: .length(5), bodyBytes: "hello")),
        ValidRequestCase(
            "repeated identical Content-Length headers",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 005\r\n\r\nhello",
            ParsedRequest(
                "POST", "/", headers: ["Host: h", "Content-Length: 5", "Content-Length: 005"], body: .length(5),
                bodyBytes: "hello")),
        ValidRequestCase(
            "Content-Length zero",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
            ParsedRequest("POST", "/", headers: ["Host: h", "Content-Length: 0"], body: .length(0))),
        ValidRequestCase(
            "Expect: 100-continue",
            "PUT /big HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\nbody",
            ParsedRequest(
                "PUT", "/big", headers: ["Host: h", "Expect: 100-Continue", "Content-Length: 4"],
                expectsContinue: true, body: .length(4), bodyBytes: "body")),
        ValidRequestCase(
            "Expect: 100-continue ignored for HTTP/1.0",
            "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
            ParsedRequest(
                "PUT", "/", .http1_0, headers: ["Expect: 100-continue", "Content-Length: 1"], keepAlive: false,
                body: .length(1), bodyBytes: "x")),
        ValidRequestCase(
            "absolute-form target",
            "GET http://example.com:8080/a?b=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n",
            ParsedRequest("GET", "http://example.com:8080/a?b=1", headers: ["Host: example.com:8080"])),
        ValidRequestCase(
            "OPTIONS *",
            "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            ParsedRequest("OPTIONS", "*", headers: ["Host: h"])),
        ValidRequestCase(
            "CONNECT authority-form",
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
            ParsedRequest("CONNECT", "example.com:443", headers: ["Host: example.com:443"])),
        ValidRequestCase(
            "lower-case method is still a token",
            "get /x HTTP/1.1\r\nHost: h\r\n\r\n",
            ParsedRequest("get", "/x", headers: ["Host: h"])),
        ValidRequestCase(
            "obs-text and empty values",
            "GET / HTTP/1.1\r\nHost: h\r\nX-Name: café ☕\r\nX-Empty:\r\nX-Blank:   \t\r\n\r\n",
            ParsedRequest("GET", "/", headers: ["Host: h", "X-Name: café ☕", "X-Empty: ", "X-Blank: "])),
        ValidRequestCase(
            "head exactly at the byte limit",
            atLimitHead, limits: HTTP1Limits(maxHeaderBytes: atLimitHead.utf8.count),
            ParsedRequest("GET", "/", headers: ["Host: h", "X-Pad: 0123456789"])),
        ValidRequestCase(
            "header count exactly at the limit",
            "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits: HTTP1Limits(maxHeaderCount: 3),
            ParsedRequest("GET", "/", headers: ["Host: h", "A: 1", "B: 2"])),
        ValidRequestCase(
            "body exactly at the limit, by length and chunked",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n12345678"
                + "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n123\r\n5\r\n45678\r\n0\r\n\r\n",
            limits: HTTP1Limits(maxBodyBytes: 8),
            ParsedRequest(
                "POST", "/", headers: ["Host: h", "Content-Length: 8"], body: .length(8), bodyBytes: "12345678"),
            ParsedRequest(
                "POST", "/", headers: ["Host: h", "Transfer-Encoding: chunked"], body: .chunked,
                bodyBytes: "12345678")),
    ]

    @Test("parses to the same events however the bytes arrive", arguments: cases, Feed.all)
    func validRequest(_ row: ValidRequestCase, feed: Feed) {
        let transcript = drive(row.input, feed: feed, limits: row.limits)
        #expect(transcript.error == nil)
        #expect(transcript.requests == row.expected)
        #expect(transcript.leftover == 0)
    }

    @Test("complete head lines are consumed before the head is complete")
    func consumesCompleteLines() throws {
        var parser = HTTP1RequestParser()
        var buffer = bytes("GET / HTTP/1.1\r\nHost: h\r\nX-Par")
        let partial = try parser.parse(buffer[...])
        #expect(partial.event == nil)
        #expect(partial.consumed == "GET / HTTP/1.1\r\nHost: h\r\n".utf8.count)
        buffer.removeFirst(partial.consumed)
        buffer += bytes("t: 1\r\n\r\n")
        let complete = try parser.parse(buffer[...])
        #expect(complete.consumed == buffer.count)
        guard case .head(let head) = complete.event else {
            Issue.record("expected head, got \(String(describing: complete.event))")
            return
        }
        #expect(head.headers.map(\.value) == ["h", "1"])
    }

    @Test("a request without a body ends without more bytes")
    func endsWithoutMoreBytes() throws {
        var parser = HTTP1RequestParser()
        let input = bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        let head = try parser.parse(input[...])
        #expect(head.consumed == input.count)
        let end = try parser.parse([])
        #expect(end.consumed == 0)
        guard case .end = end.event else {
            Issue.record("expected end, got \(String(describing: end.event))")
            return
        }
        #expect(try parser.parse([]).event == nil)
    }
}
