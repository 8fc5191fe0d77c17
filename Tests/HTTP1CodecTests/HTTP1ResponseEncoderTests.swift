import GatewayHTTP
import HTTP1Codec
import Testing

@Suite("Response encoder")
struct HTTP1ResponseEncoderTests {
    private func head(
        status: Int = 200, headers: HTTPHeaders = [:], version: HTTPVersion = .http1_1, keepAlive: Bool = true,
        contentLength: Int? = 0
    ) -> String {
        var out: [UInt8] = []
        HTTP1ResponseEncoder.writeHead(
            into: &out, status: status, headers: headers, requestVersion: version, keepAlive: keepAlive,
            contentLength: contentLength)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("Content-Length response")
    func contentLength() {
        var out: [UInt8] = []
        HTTP1ResponseEncoder.writeHead(
            into: &out, status: 200, headers: ["Content-Type": "text/plain", "X-Request-Id": "r1"],
            requestVersion: .http1_1, keepAlive: true, contentLength: 5)
        out += bytes("hello")
        #expect(
            String(decoding: out, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Request-Id: r1\r\nContent-Length: 5\r\n\r\nhello")
    }

    @Test("chunked response with trailers")
    func chunkedWithTrailers() {
        var out: [UInt8] = []
        HTTP1ResponseEncoder.writeHead(
            into: &out, status: 200, headers: ["Trailer": "X-Checksum"], requestVersion: .http1_1, keepAlive: true,
            contentLength: nil)
        HTTP1ResponseEncoder.writeChunk(into: &out, bytes("hello"))
        HTTP1ResponseEncoder.writeChunk(into: &out, [])
        HTTP1ResponseEncoder.writeChunk(into: &out, Array(repeating: UInt8(ascii: "x"), count: 26))
        HTTP1ResponseEncoder.writeLastChunk(into: &out, trailers: ["X-Checksum": "abc", "X-Count": "2"])
        let expected = "HTTP/1.1 200 OK\r\nTrailer: X-Checksum\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n" + "1a\r\n" + String(repeating: "x", count: 26) + "\r\n"
            + "0\r\nX-Checksum: abc\r\nX-Count: 2\r\n\r\n"
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test("last chunk without trailers")
    func lastChunkWithoutTrailers() {
        var out: [UInt8] = []
        HTTP1ResponseEncoder.writeLastChunk(into: &out, trailers: nil)
        #expect(out == bytes("0\r\n\r\n"))
    }

    @Test(
        "chunk sizes in hex",
        arguments: [(1, "1"), (15, "f"), (16, "10"), (255, "ff"), (4096, "1000"), (65_535, "ffff")])
    func chunkSizes(_ count: Int, hex: String) {
        var out: [UInt8] = []
        HTTP1ResponseEncoder.writeChunk(into: &out, Array(repeating: 0, count: count))
        #expect(out.prefix(hex.utf8.count + 2) == (bytes(hex + "\r\n"))[...])
        #expect(out.count == hex.utf8.count + 2 + count + 2)
    }

    @Test("connection handling", arguments: [
        (HTTPVersion.http1_1, true, ""),
        (.http1_1, false, "Connection: close\r\n"),
        (.http1_0, true, "Connection: keep-alive\r\n"),
        (.http1_0, false, "Connection: close\r\n"),
    ])
    func connection(_ version: HTTPVersion, keepAlive: Bool, expected: String) {
        #expect(
            head(version: version, keepAlive: keepAlive, contentLength: 2)
                == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\(expected)\r\n")
    }

    @Test("caller framing and connection fields are replaced")
    func stripsFramingFields() {
        let headers: HTTPHeaders = [
            "content-length": "99", "X-A": "1", "Transfer-Encoding": "gzip", "CONNECTION": "upgrade",
        ]
        #expect(
            head(headers: headers, keepAlive: false, contentLength: 3)
                == "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
    }

    @Test("values cannot inject lines and invalid names are dropped")
    func sanitizesFields() {
        let headers = HTTPHeaders([
            (name: "X-Echo", value: "a\r\nSet-Cookie: evil\u{0}"), (name: "Bad Name", value: "x"),
            (name: "", value: "y"),
        ])
        #expect(
            head(headers: headers, contentLength: 0)
                == "HTTP/1.1 200 OK\r\nX-Echo: a  Set-Cookie: evil \r\nContent-Length: 0\r\n\r\n")
    }

    @Test("statuses without a body get no framing fields")
    func bodilessStatuses() {
        #expect(head(status: 100, keepAlive: false, contentLength: nil) == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(head(status: 204, contentLength: nil) == "HTTP/1.1 204 No Content\r\n\r\n")
        #expect(
            head(status: 304, keepAlive: false, contentLength: 10)
                == "HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n")
    }

    @Test("large Content-Length")
    func largeContentLength() {
        #expect(head(contentLength: 16_777_216) == "HTTP/1.1 200 OK\r\nContent-Length: 16777216\r\n\r\n")
    }

    @Test("reason phrases", arguments: [
        (200, "OK"), (404, "Not Found"), (413, "Content Too Large"), (431, "Request Header Fields Too Large"),
        (505, "HTTP Version Not Supported"), (417, "Expectation Failed"), (501, "Not Implemented"), (599, ""),
    ])
    func reasonPhrase(_ status: Int, expected: String) {
        #expect(HTTP1ResponseEncoder.reasonPhrase(status) == expected)
        #expect(head(status: status).hasPrefix("HTTP/1.1 \(status) \(expected)\r\n"))
    }
}
