import TLS
import Testing
import Upstream

@Suite("TLS to upstreams")
struct UpstreamTLSTests {
    let certs: TestCertificates
    let upstream: TestUpstream

    init() async throws {
        certs = try await TestCertificates.shared()
        upstream = try TestUpstream(
            tls: TLSConfiguration(
                certificatePath: certs.serverCertificate, privateKeyPath: certs.serverKey,
                clientCAPath: certs.caCertificate))
    }

    @Test func mutualTLSPresentsTheClientCertificate() async throws {
        let client = try UpstreamClient(
            tls: UpstreamTLS(
                caPath: certs.caCertificate, clientCertificatePath: certs.clientCertificate,
                clientKeyPath: certs.clientKey))
        let response = try await client.send(UpstreamRequest(method: "GET", url: upstream.tlsURL("/whoami")))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("CN=pattern-client"))
    }

    @Test func withoutAClientCertificateTheCallFails() async throws {
        let client = try UpstreamClient(tls: UpstreamTLS(caPath: certs.caCertificate))
        let error = await expectFailure(
            client, UpstreamRequest(method: "GET", url: upstream.tlsURL("/whoami"), timeout: .seconds(5)))
        // With TLS 1.3 the server refuses the missing certificate after curl has finished its
        // side of the handshake, so curl reports a broken connection rather than a TLS error.
        #expect(error?.kind == .transport || error?.kind == .reset, "\(String(describing: error))")
    }

    @Test func anUntrustedServerIsRefused() async throws {
        let client = try UpstreamClient(
            tls: UpstreamTLS(
                caPath: certs.rogueCACertificate, clientCertificatePath: certs.clientCertificate,
                clientKeyPath: certs.clientKey))
        let error = await expectFailure(
            client, UpstreamRequest(method: "GET", url: upstream.tlsURL("/whoami"), timeout: .seconds(5)))
        #expect(error?.kind == .transport)
        #expect(upstream.requestCount == 0)
    }
}
