import TLS
import Testing

@Suite("TLSSession handshake and ALPN")
struct TLSSessionTests {
    let certs: TestCertificates

    init() throws {
        certs = try TestCertificates.shared()
    }

    @Test func handshakeCompletesOnTLS13() throws {
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext())
        #expect(!pair.server.session.isHandshakeComplete)
        #expect(pair.server.session.negotiatedVersion == nil)
        pair.pump()
        #expect(
            pair.bothSucceeded,
            "client: \(String(describing: pair.client.error)), server: \(String(describing: pair.server.error))")
        #expect(pair.server.session.negotiatedVersion == "TLSv1.3")
        #expect(pair.client.session.negotiatedVersion == "TLSv1.3")
        #expect(pair.client.session.peerCertificateSubject?.contains("CN=localhost") == true)
        // The server asked for no client certificate, so there is nobody to name.
        #expect(pair.server.session.peerCertificateSubject == nil)
    }

    @Test(
        "the server picks its own first choice among the client's offer",
        arguments: [
            (["h2", "http/1.1"], "h2"),
            (["http/1.1", "h2"], "h2"),
            (["http/1.1"], "http/1.1"),
            ([], nil),
            (["spdy/3"], nil),
        ] as [([String], String?)])
    func alpn(offer: [String], expected: String?) throws {
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext(alpn: offer))
        pair.pump()
        #expect(pair.bothSucceeded)
        #expect(pair.server.session.negotiatedALPN == expected)
        #expect(pair.client.session.negotiatedALPN == expected)
    }

    @Test func serverThatListsOnlyHTTP11RefusesH2Quietly() throws {
        var pair = try SessionPair(
            server: certs.serverContext(alpn: ["http/1.1"]), client: certs.clientContext(alpn: ["h2"]))
        pair.pump()
        #expect(pair.bothSucceeded)
        #expect(pair.server.session.negotiatedALPN == nil)
    }

    @Test(arguments: ["localhost", "127.0.0.1", "::1"])
    func clientAcceptsNamesInTheServerCertificate(serverName: String) throws {
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext(), serverName: serverName)
        pair.pump()
        #expect(pair.bothSucceeded)
    }

    @Test func clientRefusesAServerCertificateForAnotherName() throws {
        var pair = try SessionPair(
            server: certs.serverContext(), client: certs.clientContext(), serverName: "example.com")
        pair.pump()
        let error = try #require(pair.client.error)
        #expect(error.description.contains("hostname mismatch"))
        #expect(!pair.server.session.isHandshakeComplete)
    }

    @Test func clientRefusesAServerFromAnUntrustedCA() throws {
        var pair = try SessionPair(
            server: certs.serverContext(), client: certs.clientContext(trusting: certs.rogueCACertificate))
        pair.pump()
        let error = try #require(pair.client.error)
        #expect(error.description.contains("certificate verify failed"))
    }

    @Test func clientWithoutTrustStillConnectsButNamesNoVerifiedPeer() throws {
        let client = try TLSContext(clientTrusting: nil)
        var pair = try SessionPair(server: certs.serverContext(), client: client)
        pair.pump()
        #expect(pair.bothSucceeded)
        #expect(pair.client.session.peerCertificateSubject == nil)
    }

    struct Garbage: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let bytes: [UInt8]
    }

    @Test(arguments: [
        Garbage(testDescription: "plaintext HTTP/1.1", bytes: Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)),
        Garbage(
            testDescription: "4 KiB of noise", bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }),
        Garbage(
            testDescription: "an oversized handshake record",
            bytes: [0x16, 0x03, 0x01, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 64)),
    ])
    func garbageFailsTheServerHandshake(garbage: Garbage) throws {
        let server = try TLSSession(context: certs.serverContext())
        server.feed(garbage.bytes[...])
        var plaintext: [UInt8] = []
        #expect(throws: TLSError.self) { _ = try server.readPlaintext(into: &plaintext) }
        #expect(plaintext.isEmpty)
        // The caller drains (an alert, perhaps) and closes; neither may crash.
        var alert: [UInt8] = []
        server.drainCiphertext(into: &alert)
        server.shutdown()
        #expect(throws: TLSError.self) { _ = try server.readPlaintext(into: &plaintext) }
    }

    @Test func aCorruptedRecordAfterTheHandshakeFails() throws {
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext())
        pair.pump()
        try pair.client.session.write(Array("hello".utf8)[...])
        var record: [UInt8] = []
        pair.client.session.drainCiphertext(into: &record)
        record[record.count - 1] ^= 0x01
        pair.server.receive(record)
        #expect(pair.server.error != nil)
        #expect(pair.server.received.isEmpty)
    }
}
