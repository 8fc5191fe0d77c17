import TLS
import Testing

@Suite("Mutual TLS")
struct MutualTLSTests {
    let certs: TestCertificates
    let server: TLSContext

    init() throws {
        certs = try TestCertificates.shared()
        server = try certs.serverContext(clientCA: certs.caCertificate)
    }

    @Test func clientWithoutACertificateIsRefused() throws {
        var pair = try SessionPair(server: server, client: certs.clientContext())
        pair.pump()
        let error = try #require(pair.server.error)
        #expect(error.description.contains("peer did not return a certificate"))
        // In TLS 1.3 the client has finished its half and learns of the refusal from the alert.
        #expect(pair.client.error != nil)
    }

    @Test func clientWithACertificateFromAnotherCAIsRefused() throws {
        var pair = try SessionPair(
            server: server,
            client: certs.clientContext(certificate: certs.rogueClientCertificate, key: certs.rogueClientKey))
        pair.pump()
        let error = try #require(pair.server.error)
        #expect(error.description.contains("certificate verify failed"))
        #expect(pair.client.error != nil)
        #expect(pair.server.session.peerCertificateSubject == nil)
    }

    @Test func clientWithOurCertificateIsNamed() throws {
        var pair = try SessionPair(
            server: server, client: certs.clientContext(certificate: certs.clientCertificate, key: certs.clientKey))
        pair.pump()
        #expect(pair.bothSucceeded)
        let subject = try #require(pair.server.session.peerCertificateSubject)
        #expect(subject.contains("CN=pattern-client"))
        // Session tickets carry the verified identity; with a session id context they must not break anything.
        try pair.client.session.write(Array("authorized".utf8)[...])
        pair.pump()
        #expect(pair.server.received == Array("authorized".utf8))
    }
}
