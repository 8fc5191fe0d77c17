import COpenSSL

/// An SSL_CTX: built once at start, immutable afterwards, shared by every event loop thread.
///
/// Unchecked Sendable because OpenSSL allows concurrent SSL_new and handshakes on one SSL_CTX as
/// long as nobody reconfigures it, and nothing here does after init.
public final class TLSContext: @unchecked Sendable {
    let pointer: OpaquePointer
    let isServer: Bool
    /// Held for OpenSSL's select callback, which gets it as unretained user data.
    private let alpnSelector: Unmanaged<ALPNSelector>?

    /// A server context: the identity from `configuration`, TLS 1.2 or later with ECDHE+AEAD suites
    /// only, no renegotiation or compression, ALPN in our order, and client certificates required when `clientCAPath` is set.
    public init(server configuration: TLSConfiguration) throws(TLSError) {
        let preference = try ALPNProtocolList(configuration.alpnProtocols)
        let context = try Self.newContext(method: TLS_server_method())
        do throws(TLSError) {
            try Self.restrictServerCiphers(context)
            try Self.loadIdentity(
                context, certificatePath: configuration.certificatePath,
                privateKeyPath: configuration.privateKeyPath)
            if let clientCAPath = configuration.clientCAPath {
                try Self.requireClientCertificates(context, signedBy: clientCAPath)
            }
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        let selector = Unmanaged.passRetained(ALPNSelector(preference: preference))
        ALPNSelector.install(on: context, retained: selector)
        pointer = context
        isServer = true
        alpnSelector = selector
    }

    /// A client context. `caPath` nil skips server verification (tests, trusted local upstreams);
    /// otherwise the server's chain must lead to that CA. A session's `serverName` adds the name check.
    public init(
        clientTrusting caPath: String?,
        certificatePath: String? = nil,
        privateKeyPath: String? = nil,
        alpnProtocols: [String] = []
    ) throws(TLSError) {
        let offer = try ALPNProtocolList(alpnProtocols)
        let context = try Self.newContext(method: TLS_client_method())
        do throws(TLSError) {
            if let caPath {
                try Self.trustOnly(context, caPath: caPath)
            }
            if let certificatePath {
                try Self.loadIdentity(
                    context, certificatePath: certificatePath,
                    privateKeyPath: privateKeyPath ?? certificatePath)
            }
            if !offer.wire.isEmpty {
                // The one OpenSSL setter where 0, not 1, means success.
                let failed = offer.wire.withUnsafeBufferPointer {
                    SSL_CTX_set_alpn_protos(context, $0.baseAddress, UInt32($0.count))
                }
                if failed != 0 { throw TLSError.openSSL("cannot set the ALPN offer") }
            }
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        pointer = context
        isServer = false
        alpnSelector = nil
    }

    deinit {
        SSL_CTX_free(pointer)
        alpnSelector?.release()
    }
}
