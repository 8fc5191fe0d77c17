import COpenSSL

extension TLSContext {
    static func newContext(method: OpaquePointer?) throws(TLSError) -> OpaquePointer {
        guard let context = SSL_CTX_new(method) else {
            throw TLSError.openSSL("cannot create an SSL_CTX")
        }
        guard copenssl_ctx_set_min_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw TLSError.openSSL("cannot require TLS 1.2")
        }
        // Renegotiation is a DoS lever and compression leaks secrets (CRIME); neither buys an API gateway anything.
        _ = copenssl_ctx_disable_renegotiation(context)
        // Memory BIOs never block, so partial writes only happen record by record; releasing idle
        // buffers keeps thousands of keep-alive connections cheap.
        _ = copenssl_ctx_set_partial_write_modes(context)
        return context
    }

    /// TLS 1.2 suites a server accepts: forward secret (ECDHE) and AEAD only, so no CBC (Lucky13,
    /// SHA-1 MACs), no static RSA key exchange, no finite-field DHE. Covers ECDSA and RSA certificates;
    /// every TLS 1.2 client of the last decade has one of them. TLS 1.3 suites are all AEAD already.
    static let serverTLS12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    static func restrictServerCiphers(_ context: OpaquePointer) throws(TLSError) {
        try requireSuccess(
            SSL_CTX_set_cipher_list(context, serverTLS12Ciphers),
            "cannot set the TLS 1.2 cipher list")
    }

    /// Loads a leaf-plus-intermediates chain and its key; OpenSSL refuses a key that does not match.
    static func loadIdentity(
        _ context: OpaquePointer, certificatePath: String, privateKeyPath: String
    ) throws(TLSError) {
        try requireSuccess(
            SSL_CTX_use_certificate_chain_file(context, certificatePath),
            "cannot load certificate chain \(certificatePath)")
        try requireSuccess(
            SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM),
            "cannot load private key \(privateKeyPath)")
        try requireSuccess(
            SSL_CTX_check_private_key(context),
            "private key \(privateKeyPath) does not match certificate \(certificatePath)")
    }

    static func requireClientCertificates(_ context: OpaquePointer, signedBy caPath: String) throws(TLSError) {
        try requireSuccess(
            SSL_CTX_load_verify_locations(context, caPath, nil),
            "cannot load client CA \(caPath)")
        // The CA names go into the CertificateRequest so a client holding several certificates picks ours.
        guard let names = SSL_load_client_CA_file(caPath) else {
            throw TLSError.openSSL("cannot read CA names from \(caPath)")
        }
        SSL_CTX_set_client_CA_list(context, names)
        SSL_CTX_set_verify(context, copenssl_verify_peer_required(), nil)
        // Without a session id context, resuming a session from a verified client is a handshake failure.
        let id = Array("PatternGateway".utf8)
        try requireSuccess(
            SSL_CTX_set_session_id_context(context, id, UInt32(id.count)),
            "cannot set the session id context")
    }

    static func trustOnly(_ context: OpaquePointer, caPath: String) throws(TLSError) {
        try requireSuccess(
            SSL_CTX_load_verify_locations(context, caPath, nil),
            "cannot load CA \(caPath)")
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
    }
}
