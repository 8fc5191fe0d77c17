import Testing

@testable import HTTP1Codec

/// The transport answers a refused head in its path's error shape, so the parser must still say
/// which target that head named.
@Suite("The target of a refused head")
struct HTTP1RefusedHeadTargetTests {
    @Test func aContentLengthOverTheLimitLeavesTheTargetReadable() {
        var parser = HTTP1RequestParser(limits: HTTP1Limits(maxBodyBytes: 10))
        let input = Array("POST /v1/embeddings?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n".utf8)
        #expect(parser.targetOfHeadInProgress == "")
        #expect(throws: HTTP1ParseError.bodyTooLarge) { _ = try parser.parse(input[...]) }
        #expect(parser.targetOfHeadInProgress == "/v1/embeddings?x=1")
    }

    @Test func aHeadHandedOutLeavesNoTarget() throws {
        var parser = HTTP1RequestParser(limits: HTTP1Limits(maxBodyBytes: 10))
        let input = Array("POST /v1/embeddings HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n".utf8)
        let (event, _) = try parser.parse(input[...])
        guard case .head = event else {
            Issue.record("no head: \(String(describing: event))")
            return
        }
        #expect(parser.targetOfHeadInProgress == "")
    }
}
