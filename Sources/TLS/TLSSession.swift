import COpenSSL

/// One TLS connection over memory BIOs: ciphertext in through `feed`, plaintext out through
/// `readPlaintext`, and the reverse through `write` and `drainCiphertext`. It does no I/O, so the
/// event loop decides when bytes move, and tests can wire two sessions back to back.
///
/// Confined to the connection's event loop thread: not Sendable.
public final class TLSSession {
    /// Kept so the context's ALPN selector outlives every handshake that may call it.
    private let context: TLSContext
    let ssl: OpaquePointer
    /// Owned by `ssl`, which frees them.
    private let networkIn: OpaquePointer
    private let networkOut: OpaquePointer

    // Internal rather than private only so the extensions in sibling files can drive them.
    var handshakeDone = false
    var peerClosed = false
    /// After a fatal error OpenSSL forbids SSL_shutdown and everything else just fails again.
    var failed = false
    /// A memory BIO write can only fail for lack of memory; `feed` cannot throw, so the next read does.
    var feedFailure: TLSError?
    /// Application data written before the handshake finished, sent the moment it does.
    var earlyPlaintext: [UInt8] = []

    /// `serverName` (client role only) is sent as SNI and, when the context verifies the server,
    /// must match its certificate; an IP literal is matched against IP SANs and not sent as SNI.
    public init(context: TLSContext, serverName: String? = nil) throws(TLSError) {
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError.openSSL("cannot create an SSL session")
        }
        guard let networkIn = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.openSSL("cannot create a memory BIO")
        }
        guard let networkOut = BIO_new(BIO_s_mem()) else {
            BIO_free(networkIn)
            SSL_free(ssl)
            throw TLSError.openSSL("cannot create a memory BIO")
        }
        SSL_set_bio(ssl, networkIn, networkOut)
        self.context = context
        self.ssl = ssl
        self.networkIn = networkIn
        self.networkOut = networkOut
        // From here a throw runs deinit, which frees ssl and with it both BIOs.
        if context.isServer {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
            if let serverName { try expect(serverName) }
            // Have the ClientHello ready to drain, so a caller that first flushes then waits for
            // the server does not wait forever.
            ERR_clear_error()
            _ = try advanceHandshake()
        }
    }

    deinit {
        SSL_free(ssl)
    }

    /// Hands bytes read from the socket to OpenSSL.
    public func feed(_ ciphertext: ArraySlice<UInt8>) {
        guard !ciphertext.isEmpty else { return }
        var written = 0
        let result = ciphertext.withUnsafeBytes { BIO_write_ex(networkIn, $0.baseAddress, $0.count, &written) }
        if result != 1 || written != ciphertext.count, feedFailure == nil {
            feedFailure = TLSError.openSSL("cannot buffer received TLS data")
        }
    }

    /// Drives the handshake and decrypts what it can, appending plaintext. On a throw the caller
    /// should still send `drainCiphertext` (it may hold an alert saying why) and then close.
    public func readPlaintext(into plaintext: inout [UInt8]) throws(TLSError) -> TLSReadState {
        if let feedFailure { throw feedFailure }
        if peerClosed { return .closed }
        // OpenSSL classifies an I/O result by what is on this thread's queue, so start it empty.
        ERR_clear_error()
        if !handshakeDone, try !advanceHandshake() { return .open }
        while SSL_has_pending(ssl) == 1 || copenssl_bio_pending(networkIn) > 0 {
            // A one-byte probe makes OpenSSL decrypt a whole record (or say it lacks the rest of
            // one) before the output grows: growing by a full 16 KiB step and trimming it again
            // on every partial record cost more than the decryption.
            var first: UInt8 = 0
            var count = 0
            let result = SSL_read_ex(ssl, &first, 1, &count)
            guard result == 1 else {
                switch try outcome(of: result, "TLS read failed") {
                case .wantMore: return .open
                case .closed:
                    peerClosed = true
                    return .closed
                }
            }
            plaintext.append(first)
            // The rest of that record is already decrypted, so this read cannot fail or fall short.
            let rest = Int(SSL_pending(ssl))
            guard rest > 0 else { continue }
            let start = plaintext.count
            plaintext.append(contentsOf: repeatElement(0, count: rest))
            let copied = plaintext.withUnsafeMutableBufferPointer {
                SSL_read_ex(ssl, $0.baseAddress! + start, rest, &count)
            }
            plaintext.removeLast(copied == 1 ? rest - count : rest)
        }
        return .open
    }

    /// Encrypts application data; before the handshake completes it is held and sent right after.
    public func write(_ plaintext: ArraySlice<UInt8>) throws(TLSError) {
        guard !plaintext.isEmpty else { return }
        guard handshakeDone else {
            earlyPlaintext.append(contentsOf: plaintext)
            return
        }
        ERR_clear_error()
        try encrypt(plaintext)
    }

    /// Moves every ciphertext byte OpenSSL produced (handshake, records, alerts) to `out`.
    public func drainCiphertext(into out: inout [UInt8]) {
        let pending = copenssl_bio_pending(networkOut)
        guard pending > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: pending))
        var count = 0
        _ = out.withUnsafeMutableBufferPointer {
            BIO_read_ex(networkOut, $0.baseAddress! + start, pending, &count)
        }
        out.removeLast(pending - count)
    }

    /// Queues close_notify; drain afterwards. Before the handshake there is nothing to close politely.
    public func shutdown() {
        guard handshakeDone, !failed else { return }
        ERR_clear_error()
        // 0 means "sent, the peer's close_notify not seen yet": all a closing side needs.
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }
}

@available(*, unavailable, message: "a TLSSession belongs to its connection's event loop thread")
extension TLSSession: Sendable {}
