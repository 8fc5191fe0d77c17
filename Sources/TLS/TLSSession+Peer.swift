import COpenSSL

extension TLSSession {
    public var isHandshakeComplete: Bool { handshakeDone }

    /// "h2", "http/1.1", or nil when the peers agreed on nothing (which means HTTP/1.1).
    public var negotiatedALPN: String? {
        var name: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &name, &length)
        guard let name, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    }

    /// "TLSv1.3" or "TLSv1.2"; nil until the handshake completes.
    public var negotiatedVersion: String? {
        guard handshakeDone, let version = SSL_get_version(ssl) else { return nil }
        return String(cString: version)
    }

    /// The RFC 2253 subject of the peer's certificate, e.g. "CN=pattern-client"; nil unless the
    /// peer presented one and it verified, so it is safe to authorize on.
    public var peerCertificateSubject: String? {
        guard handshakeDone, SSL_get_verify_result(ssl) == X509_V_OK,
            let certificate = SSL_get1_peer_certificate(ssl)
        else { return nil }
        defer { X509_free(certificate) }
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, copenssl_name_flags_rfc2253()) >= 0
        else { return nil }
        let length = copenssl_bio_pending(bio)
        return String(unsafeUninitializedCapacity: length) { buffer in
            var count = 0
            _ = BIO_read_ex(bio, buffer.baseAddress, length, &count)
            return count
        }
    }
}
