import COpenSSL

extension TLSSession {
    enum Pending {
        /// OpenSSL needs more ciphertext from the peer.
        case wantMore
        /// The peer sent close_notify.
        case closed
    }

    /// Sorts a failed SSL call into "not yet" and "closed", throwing for everything else.
    func outcome(of result: Int32, _ operation: String) throws(TLSError) -> Pending {
        switch SSL_get_error(ssl, result) {
        // Memory BIOs never refuse a write, so want-write only shows up mid-handshake, where more
        // input is what unblocks it too.
        case copenssl_ssl_error_want_read(), copenssl_ssl_error_want_write():
            return .wantMore
        case copenssl_ssl_error_zero_return():
            return .closed
        default:
            failed = true
            throw TLSError.openSSL(operation, ssl: ssl)
        }
    }

    /// Returns true once the handshake is complete.
    func advanceHandshake() throws(TLSError) -> Bool {
        let result = SSL_do_handshake(ssl)
        guard result == 1 else {
            if try outcome(of: result, "TLS handshake failed") == .closed {
                failed = true
                throw TLSError("TLS handshake failed: the peer closed the connection")
            }
            return false
        }
        handshakeDone = true
        if !earlyPlaintext.isEmpty {
            let held = earlyPlaintext
            earlyPlaintext = []
            try encrypt(held[...])
        }
        return true
    }

    func encrypt(_ plaintext: ArraySlice<UInt8>) throws(TLSError) {
        var offset = plaintext.startIndex
        while offset < plaintext.endIndex {
            var written = 0
            let result = plaintext[offset...].withUnsafeBytes {
                SSL_write_ex(ssl, $0.baseAddress, $0.count, &written)
            }
            guard result == 1 else {
                failed = true
                throw TLSError.openSSL("TLS write failed", ssl: ssl)
            }
            offset += written
        }
    }

    /// Sets up the name the server's certificate must carry, and SNI for DNS names.
    func expect(_ serverName: String) throws(TLSError) {
        // set1_ip_asc accepts only IP literals, which RFC 6066 forbids in SNI.
        if X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1 { return }
        try requireSuccess(SSL_set1_host(ssl, serverName), "cannot expect server name \(serverName)")
        try requireSuccess(copenssl_set_sni(ssl, serverName), "cannot send server name \(serverName)")
    }
}
