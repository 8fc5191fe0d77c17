/// Where a server finds its identity, whom it asks for client certificates, and which
/// application protocols it is willing to speak.
public struct TLSConfiguration: Sendable {
    /// PEM: the leaf certificate followed by any intermediates.
    public var certificatePath: String
    public var privateKeyPath: String
    /// Non-nil turns on mutual TLS: a client without a certificate signed by this CA fails the handshake.
    public var clientCAPath: String?
    /// Server preference order; a client that offers none of these gets no ALPN answer (HTTP/1.1).
    public var alpnProtocols: [String]

    public init(
        certificatePath: String,
        privateKeyPath: String,
        clientCAPath: String? = nil,
        alpnProtocols: [String] = ["h2", "http/1.1"]
    ) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.alpnProtocols = alpnProtocols
    }
}

/// What a read found out about the peer's side of the connection.
public enum TLSReadState: Sendable, Equatable {
    case open
    /// The peer sent close_notify: no more plaintext will come.
    case closed
}
