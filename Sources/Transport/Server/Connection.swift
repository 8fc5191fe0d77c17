#if canImport(Glibc)
import Glibc
#endif
import CLinux
import GatewayHTTP
import Logging
import TLS

/// The protocol spoken on a connection once the sniff has decided: HTTP/1.1 or HTTP/2 (and
/// WebSocket after an HTTP/1.1 upgrade).
protocol ConnectionProtocolHandler: AnyObject {
    /// Plaintext bytes from the peer.
    func receive(_ bytes: ArraySlice<UInt8>)
    /// The peer closed its sending side.
    func peerClosedInput()
    /// The write queue drained below the low-water mark.
    func outboundDrained()
    /// Stop taking new requests; close once in-flight ones are answered.
    func beginGracefulShutdown()
    /// The socket is gone: cancel handlers, fail bodies.
    func connectionClosed()
    func tick(now: UInt64)
    /// True when no request is in flight (for idle timeouts and shutdown).
    var isIdle: Bool { get }
}

/// One accepted socket: reads, TLS, the protocol sniff, the write queue. The HTTP/1.1 or
/// HTTP/2 handler above it only sees plaintext.
///
/// Runs on: its event loop (socket reads and writes, TLS, the sniff).
final class Connection: EventSource {
    let fd: Int32
    let loop: EventLoop
    let server: ServerState
    private(set) var info: ConnectionInfo
    private let acceptsCleartext: Bool

    private var tls: TLSSession?
    private var handler: ConnectionProtocolHandler?
    private var sniffed: [UInt8] = []
    private var plaintext: [UInt8] = []
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var interest: UInt32 = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    private var readPaused = false
    private var writeWaiters: [CheckedContinuation<Void, any Error>] = []

    private(set) var closed = false
    private var closeAfterFlush = false
    private var lingerDeadline: UInt64?
    private var draining = false
    private let acceptedAt: UInt64
    private(set) var lastActivity: UInt64

    private static let http2Preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    init(fd: Int32, remote: String, loop: EventLoop, server: ServerState, acceptsCleartext: Bool) {
        self.fd = fd
        self.loop = loop
        self.server = server
        self.acceptsCleartext = acceptsCleartext
        self.info = ConnectionInfo(remoteAddress: remote)
        self.acceptedAt = EventLoop.now()
        self.lastActivity = acceptedAt
    }

    func start() {
        loop.register(fd, self, events: interest)
    }

    var outboundPending: Int { outbound.count - outboundOffset }
    var configuration: ServerConfiguration { server.configuration }
    var logger: Logger { server.logger }

    // MARK: reading

    func handleEvent(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 { flush() }
        if closed { return }
        if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue) != 0 {
            readOnce()
        }
    }

    private func readOnce() {
        if readPaused && lingerDeadline == nil { return }
        let n: Int?
        do {
            n = try Socket.read(fd, into: &loop.readBuffer)
        } catch {
            close()
            return
        }
        guard let n else { return }
        lastActivity = EventLoop.now()
        if n == 0 {
            if lingerDeadline != nil { close(); return }
            if let handler { handler.peerClosedInput() } else { close() }
            return
        }
        if lingerDeadline != nil { return }  // discarding input until the peer closes
        received(loop.readBuffer[0..<n])
    }

    private func received(_ raw: ArraySlice<UInt8>) {
        if let tls {
            tls.feed(raw)
            plaintext.removeAll(keepingCapacity: true)
            let state: TLSReadState
            do {
                state = try tls.readPlaintext(into: &plaintext)
            } catch {
                logger.debug("tls handshake or record failed", metadata: ["remote": "\(info.remoteAddress)", "error": "\(error)"])
                tls.drainCiphertext(into: &outbound)
                closeAfterFlush = true
                flush()
                close()
                return
            }
            tls.drainCiphertext(into: &outbound)
            if tls.isHandshakeComplete && info.alpn == nil && handler == nil {
                info.alpn = tls.negotiatedALPN
                // Only a verified client (mutual TLS) has a subject. Without ALPN this block can run
                // again before the first request, so the subject is logged once per connection.
                if info.peerCertificateSubject == nil, let subject = tls.peerCertificateSubject {
                    info.peerCertificateSubject = subject
                    logger.info("tls client", metadata: ["remote": "\(info.remoteAddress)", "subject": "\(subject)"])
                }
            }
            if !plaintext.isEmpty {
                deliver(plaintext[...])
            } else if tls.isHandshakeComplete && handler == nil && info.alpn == "h2" {
                // The client's preface may come in a later record; be ready for it.
                deliver([][...])
            }
            flush()
            if state == .closed && !closed { handler?.peerClosedInput() ?? close() }
            return
        }
        deliver(raw)
    }

    /// Plaintext into the protocol handler, sniffing first if none is chosen yet.
    private func deliver(_ bytes: ArraySlice<UInt8>) {
        if let handler {
            handler.receive(bytes)
            return
        }
        if tls == nil && sniffed.isEmpty, let first = bytes.first, first == 0x16 {
            startTLS(with: bytes)
            return
        }
        if tls == nil && !acceptsCleartext {
            close()
            return
        }
        if info.alpn == "h2" {
            startHTTP2(with: bytes)
            return
        }
        sniffed.append(contentsOf: bytes)
        let preface = Connection.http2Preface
        let n = min(sniffed.count, preface.count)
        if sniffed[0..<n].elementsEqual(preface[0..<n]) {
            if sniffed.count < preface.count { return }  // still a prefix: wait for more
            let all = sniffed
            sniffed = []
            startHTTP2(with: all[...])
        } else {
            let all = sniffed
            sniffed = []
            startHTTP1(with: all[...])
        }
    }

    private func startTLS(with bytes: ArraySlice<UInt8>) {
        guard let context = server.tlsContext else {
            close()
            return
        }
        do {
            tls = try TLSSession(context: context)
        } catch {
            logger.warning("tls session setup failed", metadata: ["error": "\(error)"])
            close()
            return
        }
        info.isTLS = true
        received(bytes)
    }

    private func startHTTP1(with bytes: ArraySlice<UInt8>) {
        let h = HTTP1Channel(connection: self)
        handler = h
        if draining { h.beginGracefulShutdown() }
        h.receive(bytes)
    }

    private func startHTTP2(with bytes: ArraySlice<UInt8>) {
        guard let h = HTTP2Channel(connection: self) else {
            close()
            return
        }
        handler = h
        if draining { h.beginGracefulShutdown() }
        h.receive(bytes)
    }

    /// Hands the connection to another protocol (HTTP/1.1 → WebSocket after a 101): from now
    /// on `handler` gets the plaintext, the ticks and the close.
    func switchProtocol(to next: ConnectionProtocolHandler) {
        guard !closed else { return }
        handler = next
    }

    /// Stops reading the socket (back-pressure); `resumeReading` starts again.
    func pauseReading() {
        guard !readPaused else { return }
        readPaused = true
        updateInterest()
    }

    func resumeReading() {
        guard readPaused, !closed else { return }
        readPaused = false
        updateInterest()
    }

    // MARK: writing

    /// Queues bytes for the peer (encrypting them on TLS) and writes what the socket takes.
    func send(_ bytes: [UInt8]) {
        guard !closed, !bytes.isEmpty else { return }
        if let tls {
            do { try tls.write(bytes[...]) } catch { close(); return }
            tls.drainCiphertext(into: &outbound)
            flush()
            return
        }
        if outboundPending == 0 {
            // Fast path: straight from the caller's buffer; copy only what the kernel refuses.
            let written: Int
            do { written = try Socket.write(fd, bytes[...]) ?? 0 } catch { close(); return }
            if written == bytes.count {
                if closeAfterFlush { finishAfterFlush() }
                return
            }
            outbound.removeAll(keepingCapacity: true)
            outboundOffset = 0
            outbound.append(contentsOf: bytes[written...])
            updateInterest()
            return
        }
        outbound.append(contentsOf: bytes)
        flush()
    }

    /// Queues without flushing; the caller flushes after a batch (HTTP/2 frames).
    func enqueue(_ bytes: UnsafeRawBufferPointer) {
        guard !closed else { return }
        if let tls {
            do { try tls.write(Array(bytes)[...]) } catch { close(); return }
            tls.drainCiphertext(into: &outbound)
        } else {
            outbound.append(contentsOf: bytes)
        }
    }

    func flush() {
        guard !closed else { return }
        while outboundOffset < outbound.count {
            let written: Int?
            do { written = try Socket.write(fd, outbound[outboundOffset...]) } catch { close(); return }
            guard let written, written > 0 else { break }
            outboundOffset += written
        }
        if outboundOffset == outbound.count {
            outbound.removeAll(keepingCapacity: outbound.capacity <= 256 * 1024)
            outboundOffset = 0
        } else if outboundOffset > 1 << 20 {
            outbound.removeFirst(outboundOffset)
            outboundOffset = 0
        }
        updateInterest()
        if outboundPending == 0 && closeAfterFlush {
            finishAfterFlush()
            return
        }
        if outboundPending <= configuration.writeHighWaterMark / 4 {
            let waiters = writeWaiters
            writeWaiters = []
            for w in waiters { w.resume() }
            handler?.outboundDrained()
        }
    }

    /// Suspends a streamed write until the queue is below the high-water mark.
    func waitForWritable(_ continuation: CheckedContinuation<Void, any Error>) {
        if closed {
            continuation.resume(throwing: ResponseWriterError.closed)
        } else if outboundPending <= configuration.writeHighWaterMark {
            continuation.resume()
        } else {
            writeWaiters.append(continuation)
        }
    }

    var isOverHighWaterMark: Bool { outboundPending > configuration.writeHighWaterMark }

    private func updateInterest() {
        guard !closed else { return }
        var want: UInt32 = EPOLLRDHUP.rawValue
        if !readPaused || lingerDeadline != nil { want |= EPOLLIN.rawValue }
        if outboundPending > 0 { want |= EPOLLOUT.rawValue }
        if want != interest {
            interest = want
            loop.modify(fd, events: want)
        }
    }

    // MARK: closing

    /// Closes once everything queued has been written; input is then discarded for a moment so
    /// that a client still sending gets our answer instead of a reset.
    func closeWhenFlushed() {
        guard !closed else { return }
        closeAfterFlush = true
        if let tls {
            // close_notify after the last record, so the client can tell a complete answer from a
            // cut connection (OpenSSL 3 clients report a bare FIN as "unexpected eof").
            tls.shutdown()
            tls.drainCiphertext(into: &outbound)
            flush()
            return
        }
        if outboundPending == 0 { finishAfterFlush() }
    }

    private func finishAfterFlush() {
        guard lingerDeadline == nil else { return }
        Socket.shutdownWrite(fd)
        lingerDeadline = EventLoop.now() + 2_000_000_000
        readPaused = false
        updateInterest()
    }

    func close() {
        guard !closed else { return }
        closed = true
        loop.deregister(fd)
        Glibc.close(fd)
        let waiters = writeWaiters
        writeWaiters = []
        for w in waiters { w.resume(throwing: ResponseWriterError.closed) }
        let h = handler
        handler = nil
        h?.connectionClosed()
        server.connectionClosed()
    }

    func beginGracefulShutdown() {
        draining = true
        if let handler {
            handler.beginGracefulShutdown()
        } else {
            close()
        }
    }

    func tick(now: UInt64) {
        if closed { return }
        if let lingerDeadline {
            if now >= lingerDeadline { close() }
            return
        }
        guard let handler else {
            // Still sniffing or in the TLS handshake: the header-read timeout applies.
            if now - acceptedAt > UInt64(configuration.headerReadTimeout * 1e9) { close() }
            return
        }
        handler.tick(now: now)
        if closed { return }
        if handler.isIdle && outboundPending == 0 && now - lastActivity > UInt64(configuration.idleTimeout * 1e9) {
            close()
        }
    }
}
