import Testing

@testable import Upstream

@Suite("Header lines")
struct HeaderLineTests {
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n", HeaderLine.statusLine),
        ("HTTP/2 503\r\n", .statusLine),
        ("Content-Type: application/json\r\n", .field(name: "content-type", value: "application/json")),
        ("X-Request-Id:abc\r\n", .field(name: "x-request-id", value: "abc")),
        ("Retry-After:  2 \t\r\n", .field(name: "retry-after", value: "2")),
        ("X-Empty:\r\n", .field(name: "x-empty", value: "")),
        ("Location: http://a/b:c\r\n", .field(name: "location", value: "http://a/b:c")),
        ("Date: x\n", .field(name: "date", value: "x")),
        ("  folded  more\r\n", .continuation("folded  more")),
        ("\r\n", .end),
        ("\n", .end),
        ("no colon here\r\n", .malformed),
        (": no name\r\n", .malformed),
    ])
    func classifies(line: String, expected: HeaderLine) {
        let parsed = Array(line.utf8).withUnsafeBufferPointer { HeaderLine($0) }
        #expect(parsed == expected)
    }

    @Test(arguments: [("X-Request-Id", "x-request-id"), ("already", "already"), ("ÄB", "Äb")])
    func lowercasesASCIIOnly(name: String, expected: String) {
        #expect(HeaderLine.lowercased(name) == expected)
    }
}
