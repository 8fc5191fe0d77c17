import TLS
import Testing

@Suite("TLSSession application data and close")
struct TLSDataTests {
    let certs: TestCertificates

    init() throws {
        certs = try TestCertificates.shared()
    }

    private func connectedPair() throws -> SessionPair {
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext(alpn: ["h2"]))
        pair.pump()
        try #require(pair.bothSucceeded)
        return pair
    }

    @Test func dataFlowsBothWays() throws {
        var pair = try connectedPair()
        try pair.client.session.write(Array("ping".utf8)[...])
        pair.pump()
        #expect(pair.server.received == Array("ping".utf8))
        try pair.server.session.write(Array("pong".utf8)[...])
        pair.pump()
        #expect(pair.client.received == Array("pong".utf8))
    }

    @Test func oneMebibyteEachWay() throws {
        var pair = try connectedPair()
        let upload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let download = upload.reversed() as [UInt8]
        try pair.client.session.write(upload[...])
        try pair.server.session.write(download[...])
        pair.pump()
        #expect(pair.server.received == upload)
        #expect(pair.client.received == download)
    }

    @Test(arguments: [1, 5, 1000])
    func ciphertextSplitIntoPiecesStillDecrypts(piece: Int) throws {
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext(alpn: ["h2"]))
        pair.pump(piece: piece)
        #expect(pair.bothSucceeded)
        #expect(pair.server.session.negotiatedALPN == "h2")
        let message = (0..<40_000).map { UInt8(truncatingIfNeeded: $0) }
        try pair.client.session.write(message[...])
        pair.pump(piece: piece)
        #expect(pair.server.received == message)
    }

    @Test func writesBeforeTheHandshakeCompletesAreSentAfterIt() throws {
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext())
        try pair.client.session.write(Array("early request".utf8)[...])
        // Deliver only the ClientHello: the server is mid-handshake when its h2 SETTINGS would go out.
        var hello: [UInt8] = []
        pair.client.session.drainCiphertext(into: &hello)
        pair.server.receive(hello)
        #expect(!pair.server.session.isHandshakeComplete)
        try pair.server.session.write(Array("early settings".utf8)[...])
        pair.pump()
        #expect(pair.bothSucceeded)
        #expect(pair.server.received == Array("early request".utf8))
        #expect(pair.client.received == Array("early settings".utf8))
    }

    @Test func closeNotifyEndsTheStreamAfterTheDataBeforeIt() throws {
        var pair = try connectedPair()
        try pair.client.session.write(Array("last words".utf8)[...])
        pair.client.session.shutdown()
        pair.pump()
        #expect(pair.server.received == Array("last words".utf8))
        #expect(pair.server.state == .closed)
        #expect(pair.client.state == .open)
        // Closed stays closed, whatever arrives later.
        var more: [UInt8] = []
        #expect(try pair.server.session.readPlaintext(into: &more) == .closed)
        #expect(more.isEmpty)
    }

    @Test func bothSidesClosing() throws {
        var pair = try connectedPair()
        pair.client.session.shutdown()
        pair.server.session.shutdown()
        pair.pump()
        #expect(pair.server.state == .closed)
        #expect(pair.client.state == .closed)
        #expect(pair.client.error == nil && pair.server.error == nil)
    }
}
