import GatewayHTTP
import Testing

@Suite("RequestHead")
struct RequestHeadTests {
    @Test("split(target:) cuts at the first '?'", arguments: [
        ("/a?b=1", "/a", "b=1"),
        ("/a", "/a", ""),
        ("/?", "/", ""),
        ("/a?b?c", "/a", "b?c"),
        ("*", "*", ""),
        ("", "", ""),
        ("?x=1", "", "x=1"),
        ("/a/b/c?x=1&y=2", "/a/b/c", "x=1&y=2"),
        ("/p%3Fq?r", "/p%3Fq", "r"),
        ("/é?q=ü", "/é", "q=ü"),
        ("/a??", "/a", "?"),
    ] as [(String, String, String)])
    func split(_ target: String, _ path: String, _ query: String) {
        let parts = RequestHead.split(target: target)
        #expect(parts.path == path)
        #expect(parts.query == query)
    }

    @Test("init defaults query and authority")
    func initDefaults() {
        let head = RequestHead(
            method: "GET", path: "/x", version: .http2, headers: ["a": "b"],
            connection: ConnectionInfo(remoteAddress: "[::1]:5"))
        #expect(head.query == "")
        #expect(head.authority == nil)
        #expect(head.connection.remoteAddress == "[::1]:5")
        #expect(!head.connection.isTLS)
        #expect(head.connection.alpn == nil)
        #expect(head.version.rawValue == "HTTP/2")
    }
}
