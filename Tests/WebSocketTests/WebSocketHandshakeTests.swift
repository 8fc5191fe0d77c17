import GatewayHTTP
import Testing

@testable import WebSocket

@Suite struct WebSocketHandshakeTests {
    static func head(method: String = "GET", version: HTTPVersion = .http1_1, _ fields: [(String, String)]) -> RequestHead {
        RequestHead(method: method, path: "/graphql", version: version, headers: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) }),
                    connection: ConnectionInfo(remoteAddress: "127.0.0.1:1"))
    }

    static let good: [(String, String)] = [
        ("Host", "x"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
    ]

    static func replacing(_ name: String, with value: String?) -> [(String, String)] {
        var fields = good.filter { $0.0.lowercased() != name.lowercased() }
        if let value { fields.append((name, value)) }
        return fields
    }

    @Test func offeredSubprotocolsAreTrimmed() {
        let head = RequestHead(method: "GET", path: "/graphql", version: .http1_1,
                               headers: ["Sec-WebSocket-Protocol": "graphql-transport-ws , other"],
                               connection: ConnectionInfo(remoteAddress: "127.0.0.1:1"))
        #expect(WebSocketHandshake.offeredSubprotocols(head) == ["graphql-transport-ws", "other"])
    }

    @Test func offeredSubprotocolsSpanSeveralLines() {
        let head = Self.head(Self.good + [("Sec-WebSocket-Protocol", "a,b"), ("sec-websocket-protocol", " c ,")])
        #expect(WebSocketHandshake.offeredSubprotocols(head) == ["a", "b", "c"])
    }

    /// RFC 6455 §1.3 and §4.2.2 give this pair (hashlib agrees).
    @Test func acceptValueOfTheRFCExample() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func aValidUpgradeYieldsItsKey() {
        #expect(WebSocketHandshake.check(Self.head(Self.good)) == .success("dGhlIHNhbXBsZSBub25jZQ=="))
    }

    @Test(arguments: [
        ("Upgrade", "WebSocket"), ("Upgrade", "foo, websocket"), ("Connection", "keep-alive, Upgrade"),
        ("Connection", "UPGRADE"), ("Sec-WebSocket-Version", " 13 "), ("Content-Length", "0"),
    ])
    func tolerantButValidVariants(_ field: (String, String)) {
        #expect(WebSocketHandshake.check(Self.head(Self.replacing(field.0, with: field.1))) == .success("dGhlIHNhbXBsZSBub25jZQ=="))
    }

    @Test(arguments: [
        (replacing("Upgrade", with: nil), WebSocketHandshake.Problem.notAnUpgrade),
        (replacing("Upgrade", with: "h2c"), .notAnUpgrade),
        (replacing("Upgrade", with: "websockets"), .notAnUpgrade),
        (replacing("Connection", with: nil), .notAnUpgrade),
        (replacing("Connection", with: "keep-alive"), .notAnUpgrade),
        (replacing("Connection", with: "upgraded"), .notAnUpgrade),
        (good + [("Content-Length", "5")], .notAnUpgrade),
        (good + [("Transfer-Encoding", "chunked")], .notAnUpgrade),
        (replacing("Sec-WebSocket-Version", with: nil), .unsupportedVersion),
        (replacing("Sec-WebSocket-Version", with: "8"), .unsupportedVersion),
        (replacing("Sec-WebSocket-Version", with: "13, 8"), .unsupportedVersion),
        (good + [("Sec-WebSocket-Version", "8")], .unsupportedVersion),
        (replacing("Sec-WebSocket-Key", with: nil), .badKey),
        (replacing("Sec-WebSocket-Key", with: ""), .badKey),
        (replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25jZQ"), .badKey),       // no padding
        (replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25jZXg="), .badKey),     // 17 bytes
        (replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25j"), .badKey),         // 15 bytes
        (replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25jZQ!="), .badKey),     // not the alphabet
        (replacing("Sec-WebSocket-Key", with: "dGhl=HNhbXBsZSBub25jZQ=="), .badKey),     // inner padding
        (good + [("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")], .badKey),           // two keys
    ])
    func problems(_ fields: [(String, String)], _ expected: WebSocketHandshake.Problem) {
        #expect(WebSocketHandshake.check(Self.head(fields)) == .failure(expected))
    }

    @Test func onlyGETUpgrades() {
        #expect(WebSocketHandshake.check(Self.head(method: "POST", Self.good)) == .failure(.notAnUpgrade))
    }

    @Test func http10IsRefused() {
        #expect(WebSocketHandshake.check(Self.head(version: .http1_0, Self.good)) == .failure(.notHTTP1))
    }

    @Test func problemsSayWhatToAnswer() {
        #expect(WebSocketHandshake.Problem.unsupportedVersion.httpStatus == 426)
        #expect(WebSocketHandshake.Problem.unsupportedVersion.responseHeaders["sec-websocket-version"] == "13")
        for p in [WebSocketHandshake.Problem.notAnUpgrade, .badKey, .notHTTP1] {
            #expect(p.httpStatus == 400)
            #expect(p.responseHeaders.isEmpty)
        }
    }
}
