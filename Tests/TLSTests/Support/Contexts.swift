import TLS

extension TestCertificates {
    func serverContext(clientCA: String? = nil, alpn: [String] = ["h2", "http/1.1"]) throws -> TLSContext {
        try TLSContext(
            server: TLSConfiguration(
                certificatePath: serverCertificate, privateKeyPath: serverKey,
                clientCAPath: clientCA, alpnProtocols: alpn))
    }

    /// A client that verifies the server against our CA, optionally presenting a certificate.
    func clientContext(
        trusting ca: String? = nil, certificate: String? = nil, key: String? = nil, alpn: [String] = []
    ) throws -> TLSContext {
        try TLSContext(
            clientTrusting: ca ?? caCertificate, certificatePath: certificate, privateKeyPath: key,
            alpnProtocols: alpn)
    }
}
