import GatewayHTTP
import Testing

@testable import HTTP1Codec

struct MalformedRequestCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var limits: HTTP1Limits
    var status: Int
    /// Which rule tripped, so a row cannot pass by failing for an unrelated reason.
    var error: HTTP1ParseError

    init(
        _ name: String, _ input: String, limits: HTTP1Limits = HTTP1Limits(), _ status: Int, _ error: HTTP1ParseError
    ) {
        self.name = name
        self.input = bytes(input)
        self.limits = limits
        self.status = status
        self.error = error
    }

    var testDescription: String { "\(name) → \(status)" }
}

/// A request with `header` as its only field besides Host, so each row shows just its fault.
private func get(_ header: String) -> String {
    "GET / HTTP/1.1\r\nHost: h\r\n\(header)\r\n\r\n"
}

private func post(_ framing: String, _ body: String = "") -> String {
    "POST / HTTP/1.1\r\nHost: h\r\n\(framing)\r\n\r\n\(body)"
}

private func chunked(_ body: String) -> String {
    post("Transfer-Encoding: chunked", body)
}

@Suite("Malformed requests")
struct HTTP1MalformedRequestTests {
    static let small = HTTP1Limits(maxHeaderBytes: 128, maxBodyBytes: 10, maxChunkLineBytes: 32, maxHeaderCount: 4)

    static let cases: [MalformedRequestCase] = [
        // Request line.
        MalformedRequestCase(
            "two spaces after the method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, .malformedRequestLine),
        MalformedRequestCase(
            "two spaces before the version", "GET /  HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidVersion),
        MalformedRequestCase("tab as separator", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidMethod),
        MalformedRequestCase("leading space", " GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400, .malformedRequestLine),
        MalformedRequestCase("trailing space", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400, .invalidVersion),
        MalformedRequestCase("no version", "GET /\r\nHost: h\r\n\r\n", 400, .malformedRequestLine),
        MalformedRequestCase("method only", "GET\r\n\r\n", 400, .malformedRequestLine),
        MalformedRequestCase("non-token method", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidMethod),
        MalformedRequestCase("relative target", "GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidTarget),
        MalformedRequestCase("asterisk target for GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidTarget),
        MalformedRequestCase(
            "authority-form for GET", "GET example.com:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidTarget),
        MalformedRequestCase("origin-form for CONNECT", "CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidTarget),
        MalformedRequestCase(
            "control byte in target", "GET /a\u{01}b HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidTarget),
        MalformedRequestCase("DEL in target", "GET /a\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", 400, .invalidTarget),
        MalformedRequestCase("bare CR in request line", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400, .bareCR),
        MalformedRequestCase("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, .versionNotSupported),
        MalformedRequestCase("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505, .versionNotSupported),
        MalformedRequestCase("HTTP/3.0", "GET / HTTP/3.0\r\nHost: h\r\n\r\n", 505, .versionNotSupported),
        MalformedRequestCase("lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400, .invalidVersion),
        MalformedRequestCase("version without minor", "GET / HTTP/1\r\nHost: h\r\n\r\n", 400, .invalidVersion),
        MalformedRequestCase("version with three parts", "GET / HTTP/1.1.1\r\nHost: h\r\n\r\n", 400, .invalidVersion),
        MalformedRequestCase("two-digit version", "GET / HTTP/11\r\nHost: h\r\n\r\n", 400, .invalidVersion),

        // Field lines.
        MalformedRequestCase("header line without colon", get("NoColonHere"), 400, .missingColon),
        MalformedRequestCase("space before colon", get("X-Name : value"), 400, .whitespaceBeforeColon),
        MalformedRequestCase("obs-fold", get("X-Name: one\r\n  two"), 400, .obsoleteLineFolding),
        MalformedRequestCase("obs-fold with tab", get("X-Name: one\r\n\ttwo"), 400, .obsoleteLineFolding),
        MalformedRequestCase("parenthesis in name", get("X(Name): value"), 400, .invalidHeaderName),
        MalformedRequestCase("quote in name", get("X\"Name: value"), 400, .invalidHeaderName),
        MalformedRequestCase("empty name", get(": value"), 400, .emptyHeaderName),
        MalformedRequestCase("NUL in value", get("X-Name: a\u{0}b"), 400, .invalidHeaderValue),
        MalformedRequestCase("control byte in value", get("X-Name: a\u{1B}b"), 400, .invalidHeaderValue),
        MalformedRequestCase("DEL in value", get("X-Name: a\u{7F}b"), 400, .invalidHeaderValue),
        MalformedRequestCase("bare CR in value", get("X-Name: a\rb"), 400, .bareCR),
        MalformedRequestCase("CR CR LF line end", "GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", 400, .bareCR),
        MalformedRequestCase("bare CR as line end", "GET / HTTP/1.1\rHost: h\r\n\r\n", 400, .bareCR),

        // Host and Expect.
        MalformedRequestCase("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, .missingHost),
        MalformedRequestCase("two Host headers", get("Host: other"), 400, .multipleHosts),
        MalformedRequestCase("unknown expectation", get("Expect: something-else"), 417, .unsupportedExpectation),
        MalformedRequestCase(
            "100-continue with another expectation", get("Expect: 100-continue, x"), 417, .unsupportedExpectation),

        // Content-Length.
        MalformedRequestCase(
            "Content-Length and Transfer-Encoding",
            post("Content-Length: 5\r\nTransfer-Encoding: chunked", "0\r\n\r\n"), 400, .lengthAndChunked),
        MalformedRequestCase(
            "two different Content-Length headers",
            post("Content-Length: 5\r\nContent-Length: 6", "hello!"), 400, .conflictingContentLength),
        MalformedRequestCase(
            "Content-Length list of differing values",
            post("Content-Length: 5, 6", "hello!"), 400, .conflictingContentLength),
        MalformedRequestCase("negative Content-Length", post("Content-Length: -5"), 400, .invalidContentLength),
        MalformedRequestCase("signed Content-Length", post("Content-Length: +5", "hello"), 400, .invalidContentLength),
        MalformedRequestCase("non-numeric Content-Length", post("Content-Length: five"), 400, .invalidContentLength),
        MalformedRequestCase("hex Content-Length", post("Content-Length: 0x5", "hello"), 400, .invalidContentLength),
        MalformedRequestCase(
            "space inside Content-Length", post("Content-Length: 1 0", "0123456789"), 400, .invalidContentLength),
        MalformedRequestCase("empty Content-Length", post("Content-Length: "), 400, .invalidContentLength),
        MalformedRequestCase(
            "Content-Length list with an empty element",
            post("Content-Length: 5,", "hello"), 400, .invalidContentLength),
        MalformedRequestCase(
            "Content-Length overflowing Int", post("Content-Length: 99999999999999999999"), 400, .invalidContentLength),
        MalformedRequestCase(
            "Content-Length over the body limit",
            post("Content-Length: 11", "01234567890"), limits: small, 413, .bodyTooLarge),
        MalformedRequestCase(
            "huge valid Content-Length over the default limit",
            post("Content-Length: 9223372036854775807"), 413, .bodyTooLarge),

        // Transfer-Encoding.
        MalformedRequestCase(
            "unknown transfer coding", post("Transfer-Encoding: gzip", "x"), 501, .unsupportedTransferCoding),
        MalformedRequestCase(
            "coding before chunked",
            post("Transfer-Encoding: gzip, chunked", "0\r\n\r\n"), 501, .unsupportedTransferCoding),
        MalformedRequestCase(
            "coding after chunked",
            post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip", "0\r\n\r\n"),
            501, .unsupportedTransferCoding),
        MalformedRequestCase(
            "chunked twice", post("Transfer-Encoding: chunked, chunked", "0\r\n\r\n"), 400, .chunkedTwice),
        MalformedRequestCase(
            "empty Transfer-Encoding", post("Transfer-Encoding: ", "0\r\n\r\n"), 400, .invalidTransferEncoding),
        MalformedRequestCase(
            "Transfer-Encoding in HTTP/1.0",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, .transferEncodingInHTTP10),

        // Chunked framing.
        MalformedRequestCase("non-hex chunk size", chunked("zz\r\n"), 400, .invalidChunkSize),
        MalformedRequestCase("empty chunk size", chunked("\r\nhello\r\n0\r\n\r\n"), 400, .invalidChunkSize),
        MalformedRequestCase(
            "chunk size with junk after it", chunked("5x\r\nhello\r\n0\r\n\r\n"), 400, .invalidChunkSize),
        MalformedRequestCase(
            "chunk size of 16 hex digits", chunked("0000000000000005\r\nhello\r\n0\r\n\r\n"), 400, .chunkSizeTooLarge),
        MalformedRequestCase("chunk size overflowing Int", chunked("ffffffffffffffffff\r\n"), 400, .chunkSizeTooLarge),
        MalformedRequestCase(
            "chunk extension abuse",
            chunked("5;" + String(repeating: "a", count: 40) + "\r\nhello\r\n0\r\n\r\n"),
            limits: small, 400, .chunkLineTooLong),
        MalformedRequestCase(
            "chunk extension abuse without line end",
            chunked("5;" + String(repeating: "a", count: 200)), limits: small, 400, .chunkLineTooLong),
        MalformedRequestCase(
            "chunk extension without name", chunked("5;=x\r\nhello\r\n0\r\n\r\n"), 400, .invalidChunkExtension),
        MalformedRequestCase(
            "unterminated quoted chunk extension",
            chunked("5;a=\"x\r\nhello\r\n0\r\n\r\n"), 400, .invalidChunkExtension),
        MalformedRequestCase(
            "chunk-size line ended by bare LF", chunked("5\nhello\r\n0\r\n\r\n"), 400, .chunkLineWithoutCR),
        MalformedRequestCase(
            "chunk data not followed by CRLF", chunked("5\r\nhelloX\r\n0\r\n\r\n"), 400, .missingChunkDataCRLF),
        MalformedRequestCase(
            "chunk data followed by bare LF", chunked("5\r\nhello\n0\r\n\r\n"), 400, .missingChunkDataCRLF),
        MalformedRequestCase(
            "chunked total over the body limit",
            chunked("6\r\nhello!\r\n6\r\nhello!\r\n0\r\n\r\n"), limits: small, 413, .bodyTooLarge),
        MalformedRequestCase("trailer line without colon", chunked("0\r\nNoColon\r\n\r\n"), 400, .missingColon),
        MalformedRequestCase("trailer with NUL", chunked("0\r\nX-Sum: \u{0}\r\n\r\n"), 400, .invalidHeaderValue),
        MalformedRequestCase(
            "too many trailers",
            chunked("0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n"), limits: small, 431, .tooManyHeaders),
        MalformedRequestCase(
            "oversize trailer section",
            chunked("0\r\nX-Pad: \(String(repeating: "p", count: 200))\r\n\r\n"), limits: small, 431, .headTooLarge),

        // Size limits.
        MalformedRequestCase(
            "oversize header block",
            get("X-Pad: \(String(repeating: "p", count: 200))"), limits: small, 431, .headTooLarge),
        MalformedRequestCase(
            "oversize request line",
            "GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: h\r\n\r\n",
            limits: small, 431, .headTooLarge),
        MalformedRequestCase(
            "header block over the default 64 KiB",
            get("X-Pad: \(String(repeating: "p", count: 70_000))"), 431, .headTooLarge),
        MalformedRequestCase(
            "too many headers",
            "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", limits: small, 431, .tooManyHeaders),

        // A bad request after a good one still closes the connection.
        MalformedRequestCase(
            "bad second pipelined request",
            "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/9.9\r\n\r\n", 505, .versionNotSupported),
    ]

    @Test("is rejected with its status however the bytes arrive", arguments: cases, Feed.all)
    func malformedRequest(_ row: MalformedRequestCase, feed: Feed) {
        let transcript = drive(row.input, feed: feed, limits: row.limits)
        #expect(row.error.status == row.status)
        #expect(transcript.error == row.error)
        // Whatever was handed out before the error must not depend on how the bytes arrived.
        #expect(transcript == drive(row.input, feed: .whole, limits: row.limits))
    }

    @Test("NUL and CTL bytes in names are invalid", arguments: [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xFF] as [UInt8])
    func invalidNameByte(_ byte: UInt8) {
        let input = bytes("GET / HTTP/1.1\r\nHost: h\r\nX") + [byte] + bytes(": v\r\n\r\n")
        #expect(drive(input, feed: .whole).error == .invalidHeaderName)
    }

    @Test("a throw leaves the parser dead")
    func deadAfterThrow() throws {
        var parser = HTTP1RequestParser()
        let input = bytes("GET / HTTP/2.0\r\n\r\n")
        #expect(throws: HTTP1ParseError.versionNotSupported) { try parser.parse(input[...]) }
        let next = bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(throws: HTTP1ParseError.versionNotSupported) { try parser.parse(next[...]) }
    }

    @Test("an endless head fails as soon as it passes the limit")
    func headLimitWithoutEnd() throws {
        var parser = HTTP1RequestParser(limits: HTTP1Limits(maxHeaderBytes: 100))
        var buffer = bytes("GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ")
        buffer += Array(repeating: UInt8(ascii: "p"), count: 100 - buffer.count)
        var readIndex = 0
        let atLimit = try parser.parse(buffer[readIndex...])
        #expect(atLimit.event == nil)
        readIndex += atLimit.consumed
        buffer.append(UInt8(ascii: "p"))
        #expect(throws: HTTP1ParseError.headTooLarge) { try parser.parse(buffer[readIndex...]) }
    }
}
