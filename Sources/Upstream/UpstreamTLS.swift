/// TLS towards https upstreams. Peers are verified by default; with no `caPath` against the
/// system trust store.
public struct UpstreamTLS: Sendable {
    /// PEM bundle of the CAs upstream certificates must chain to (a private PKI).
    public var caPath: String?
    /// PEM client certificate for mutual TLS to upstreams.
    public var clientCertificatePath: String?
    /// PEM key for `clientCertificatePath`; nil when the key is in the certificate file.
    public var clientKeyPath: String?
    /// Off only for local experiments: it turns off both the chain and the host name check.
    public var verifyPeer: Bool

    public init(
        caPath: String? = nil, clientCertificatePath: String? = nil, clientKeyPath: String? = nil,
        verifyPeer: Bool = true
    ) {
        self.caPath = caPath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
        self.verifyPeer = verifyPeer
    }
}
