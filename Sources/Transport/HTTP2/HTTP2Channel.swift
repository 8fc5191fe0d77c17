import CNghttp2
import GatewayHTTP

/// HTTP/2 on one connection through nghttp2, driven from our own loop: bytes go in with
/// `mem_recv`, frames come out with `mem_send`. Callbacks only record state and submit frames;
/// flushing happens after the call that caused them returns.
///
/// Runs on: its connection's event loop; the handlers it starts are tasks preferring that loop.
final class HTTP2Channel: ConnectionProtocolHandler, ResponseSink {
    // Strong: writers keep a channel alive after its connection closed; `Connection.close()`
    // drops its reference to the channel, which breaks the cycle.
    private let connection: Connection
    private var session: OpaquePointer?
    private var streams: [Int32: HTTP2Stream] = [:]
    private var flushing = false
    private var flushScheduled = false
    private var shuttingDown = false
    private var shutdownNoticeAt: UInt64?
    private var finalGoawaySent = false
    /// Connection-window credit owed for bodies of streams that closed unread.
    private var pendingConnectionCredit = 0

    private static let connectionWindow: Int32 = 16 << 20
    private static let streamWindow: UInt32 = 1 << 20

    init?(connection: Connection) {
        self.connection = connection
        var s: OpaquePointer?
        guard nghttp2_session_server_new2(&s, HTTP2Callbacks.shared, nil, HTTP2Callbacks.options) == 0, let s else { return nil }
        session = s
        // The user data is set after init so it can point at a fully initialised self.
        nghttp2_session_set_user_data(s, Unmanaged.passUnretained(self).toOpaque())
        let settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                   value: UInt32(connection.configuration.http2MaxConcurrentStreams)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: HTTP2Channel.streamWindow),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(connection.configuration.maxHeaderBytes)),
        ]
        // The server's first frame must be SETTINGS.
        _ = nghttp2_submit_settings(s, UInt8(NGHTTP2_FLAG_NONE.rawValue), settings, settings.count)
        _ = nghttp2_session_set_local_window_size(s, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, HTTP2Channel.connectionWindow)
    }

    deinit {
        if let session { nghttp2_session_del(session) }
    }

    var isIdle: Bool { streams.isEmpty }

    // MARK: input

    func receive(_ bytes: ArraySlice<UInt8>) {
        guard let session, !connection.closed else { return }
        if !bytes.isEmpty {
            let rv = bytes.withUnsafeBytes { raw in
                nghttp2_session_mem_recv(session, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
            }
            if rv < 0 {
                connection.logger.debug("http2 protocol error", metadata: [
                    "remote": "\(connection.info.remoteAddress)",
                    "error": "\(String(cString: nghttp2_strerror(Int32(rv))))",
                ])
                flushSession()  // nghttp2 has queued a GOAWAY
                connection.closeWhenFlushed()
                return
            }
        }
        flushSession()
    }

    func peerClosedInput() {
        connection.close()
    }

    func outboundDrained() {
        flushSession()
    }

    // MARK: nghttp2 callbacks (called inside mem_recv / mem_send)

    func onBeginHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let hd = frame.pointee.hd
        guard hd.type == UInt8(NGHTTP2_HEADERS.rawValue), frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST else { return 0 }
        streams[hd.stream_id] = HTTP2Stream(id: hd.stream_id)
        return 0
    }

    func onHeader(_ frame: UnsafePointer<nghttp2_frame>, _ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST, let s = streams[frame.pointee.hd.stream_id] else { return 0 }
        s.headerBytes += name.count + value.count + 32
        if s.headerBytes > connection.configuration.maxHeaderBytes {
            s.rejectStatus = 431
            return 0
        }
        let n = String(decoding: name, as: UTF8.self)
        let v = String(decoding: value, as: UTF8.self)
        switch n {
        case ":method": s.method = v
        case ":path": s.path = v
        case ":authority": s.authority = v
        case ":scheme": break
        case "content-type":
            s.isGRPC = v.hasPrefix("application/grpc")
            s.headers.add(n, v)
        default: s.headers.add(n, v)
        }
        return 0
    }

    func onFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let hd = frame.pointee.hd
        let endStream = cnghttp2_frame_has_end_stream(frame) != 0
        switch UInt32(hd.type) {
        case NGHTTP2_HEADERS.rawValue:
            guard let s = streams[hd.stream_id] else { return 0 }
            if endStream { s.requestEnded = true }
            if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
                s.body = endStream ? .empty : makeBody(for: s.id)
                dispatch(s)
            } else if endStream {
                s.body?.finish()  // trailers end the request
            }
        case NGHTTP2_DATA.rawValue:
            if endStream, let s = streams[hd.stream_id] {
                s.requestEnded = true
                s.body?.finish()
            }
        default:
            break
        }
        return 0
    }

    func onData(_ streamID: Int32, _ data: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let session, let s = streams[streamID] else { return 0 }
        guard let body = s.body, s.rejectStatus == nil, !s.responseFinished else {
            // Nobody will read this: give the window back at once.
            _ = nghttp2_session_consume(session, streamID, data.count)
            return 0
        }
        s.bodyBytes += data.count
        let limit = connection.configuration.maxBodyBytes
        // A gRPC stream is bounded per message by the gRPC layer (RESOURCE_EXHAUSTED), not in
        // total: a client-streaming upload may run far past any single body limit.
        if s.bodyBytes > limit && !s.isGRPC {
            s.rejectStatus = 413
            _ = nghttp2_session_consume(session, streamID, data.count)
            body.fail(RequestBody.TooLarge(limit: limit))
            s.task?.cancel()
            if !s.responseStarted {
                respondWithError(s, status: 413, message: "request body exceeds \(limit) bytes")
            }
            return 0
        }
        s.unconsumed += data.count
        body.append(Array(data))
        return 0
    }

    /// A handler read `count` bytes of a stream's body: open the windows by as much.
    private func consumed(_ streamID: Int32, _ count: Int) {
        guard let session, let s = streams[streamID], !connection.closed else { return }
        let n = min(count, s.unconsumed)
        guard n > 0 else { return }
        s.unconsumed -= n
        _ = nghttp2_session_consume(session, streamID, n)
        scheduleFlush()  // window updates ride along with the answers of the same pass
    }

    private func makeBody(for streamID: Int32) -> RequestBody {
        let me = LoopBound(self, on: connection.loop)
        return RequestBody(highWaterMark: .max, onConsumed: { n in me.run { $0.consumed(streamID, n) } })
    }

    /// After our END_STREAM, a client still sending is told to stop (RFC 9113 §8.1); sent only
    /// once the last frame is out, so the reset cannot overtake the response.
    func onFrameSent(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let hd = frame.pointee.hd
        guard cnghttp2_frame_has_end_stream(frame) != 0, let session,
              hd.type == UInt8(NGHTTP2_DATA.rawValue) || hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
              let s = streams[hd.stream_id], !s.requestEnded else { return 0 }
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), hd.stream_id, NGHTTP2_NO_ERROR.rawValue)
        return 0
    }

    func onStreamClose(_ streamID: Int32, errorCode: UInt32) -> Int32 {
        guard let s = streams.removeValue(forKey: streamID) else { return 0 }
        pendingConnectionCredit += s.unconsumed
        if !s.responseFinished || errorCode != NGHTTP2_NO_ERROR.rawValue {
            s.task?.cancel()  // RST_STREAM from the client: stop the handler's work
        }
        if !s.requestEnded { s.body?.fail(ResponseWriterError.closed) }  // a finished body needs no error (and no allocation)
        s.failWaiters()
        return 0
    }

    func readResponseBody(_ streamID: Int32, into buf: UnsafeMutableRawBufferPointer, flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let s = streams[streamID] else {
            flags.pointee |= cnghttp2_data_flag_eof()
            return 0
        }
        let n = min(s.outboundPending, buf.count)
        if n > 0 {
            s.outbound.withUnsafeBytes { src in
                buf.baseAddress!.copyMemory(from: src.baseAddress! + s.outboundOffset, byteCount: n)
            }
            s.outboundOffset += n
        }
        if s.outboundPending == 0 {
            s.outbound.removeAll(keepingCapacity: s.outbound.capacity <= 64 * 1024)
            s.outboundOffset = 0
            if s.outboundEOF {
                flags.pointee |= cnghttp2_data_flag_eof()
                if let t = s.trailers, !t.isEmpty {
                    flags.pointee |= cnghttp2_data_flag_no_end_stream()
                    submitFields(s.id, status: nil, headers: t, provider: false, trailers: true)
                }
                s.responseFinished = true
            } else if n == 0 {
                s.deferred = true
                return Int(NGHTTP2_ERR_DEFERRED.rawValue)
            }
        }
        if !s.writeWaiters.isEmpty && s.outboundPending <= connection.configuration.writeHighWaterMark / 4 {
            let w = s.writeWaiters
            s.writeWaiters = []
            for c in w { c.resume() }
        }
        return n
    }

    // MARK: dispatch

    private func dispatch(_ s: HTTP2Stream) {
        if let status = s.rejectStatus {
            respondWithError(s, status: status, message: status == 431 ? "header block too large" : "request rejected")
            return
        }
        let loop = connection.loop
        let (path, query) = RequestHead.split(target: s.path)
        let head = RequestHead(method: s.method, path: path, query: query, version: .http2,
                               headers: s.headers, authority: s.authority, connection: connection.info)
        let request = Request(head: head, body: s.body ?? .empty)
        let writer = TransportResponseWriter(sink: self, loop: loop, id: s.id)
        let handler = connection.server.handler
        s.task = Task(executorPreference: loop) {
            await handler(request, writer)
            writer.handlerReturned()
        }
    }

    private func respondWithError(_ s: HTTP2Stream, status: Int, message: String) {
        let requestID = RequestID.from(s.headers)
        respond(s.id, status: status, headers: TransportErrorBody.headers(requestID: requestID),
                body: TransportErrorBody.make(status: status, message: message, requestID: requestID,
                                              dialect: ErrorDialect(path: s.path)), trailers: nil)
    }

    // MARK: output (ResponseSink)

    func respond(_ id: Int32, status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        guard let s = streams[id], !s.responseStarted else { return }
        s.responseStarted = true
        if body.isEmpty && (trailers?.isEmpty ?? true) {
            s.responseFinished = true
            submitFields(id, status: status, headers: headers, provider: false, trailers: false)
        } else {
            s.outbound = body
            s.outboundEOF = true
            s.trailers = trailers
            var h = headers
            if !h.contains("content-length") { h.add("content-length", String(body.count)) }
            submitFields(id, status: status, headers: h, provider: true, trailers: false)
        }
        scheduleFlush()
    }

    func writeHead(_ id: Int32, status: Int, headers: HTTPHeaders) {
        guard let s = streams[id], !s.responseStarted else { return }
        s.responseStarted = true
        submitFields(id, status: status, headers: headers, provider: true, trailers: false)
        scheduleFlush()
    }

    /// Answers finished in one pass of the loop's jobs (the streams of one read, typically) leave
    /// in one write: the flush runs once, after the jobs queued so far, instead of once per answer.
    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        let me = LoopBound(self, on: connection.loop)
        connection.loop.execute {
            me.run { channel in
                channel.flushScheduled = false
                channel.flushSession()
            }
        }
    }

    func write(_ id: Int32, _ bytes: [UInt8], _ done: CheckedContinuation<Void, any Error>) {
        guard let s = streams[id], s.responseStarted, !s.outboundEOF else {
            done.resume(throwing: ResponseWriterError.closed)
            return
        }
        s.outbound.append(contentsOf: bytes)
        resumeIfDeferred(s)
        flushSession()
        if streams[id] == nil {
            done.resume(throwing: ResponseWriterError.closed)
        } else if s.outboundPending > connection.configuration.writeHighWaterMark {
            s.writeWaiters.append(done)
        } else {
            done.resume()
        }
    }

    func finish(_ id: Int32, trailers: HTTPHeaders?) {
        guard let s = streams[id], s.responseStarted, !s.outboundEOF else { return }
        s.outboundEOF = true
        s.trailers = trailers
        resumeIfDeferred(s)
        scheduleFlush()
    }

    func abort(_ id: Int32) {
        guard streams[id] != nil, let session else { return }
        // What flow control lets out of the queued body goes first; RST_STREAM then overtakes
        // the rest (nghttp2 sends it before any DATA), so END_STREAM never follows.
        flushSession()
        guard let s = streams[id] else { return }
        s.outboundEOF = true
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_INTERNAL_ERROR.rawValue)
        scheduleFlush()
    }

    func handlerReturned(_ id: Int32) {
        guard let s = streams[id] else { return }
        if !s.responseStarted {
            respondWithError(s, status: 500, message: "the handler sent no response")
        } else if !s.outboundEOF {
            finish(id, trailers: nil)
        }
    }

    private func resumeIfDeferred(_ s: HTTP2Stream) {
        if s.deferred, let session {
            s.deferred = false
            _ = nghttp2_session_resume_data(session, s.id)
        }
    }

    /// Submits a response HEADERS (with `status`) or trailers. nghttp2 copies the name/value
    /// pairs, so one contiguous buffer that lives for the call is enough.
    private func submitFields(_ id: Int32, status: Int?, headers: HTTPHeaders, provider: Bool, trailers: Bool) {
        guard let session else { return }
        var storage: [UInt8] = []
        storage.reserveCapacity(256)
        var spans: [(Int, Int, Int, Int)] = []
        spans.reserveCapacity(headers.count + 2)
        func add(_ name: String, _ value: String, lowercase: Bool) {
            let ns = storage.count
            if lowercase {
                for b in name.utf8 { storage.append(b >= 65 && b <= 90 ? b + 32 : b) }
            } else {
                storage.append(contentsOf: name.utf8)
            }
            let vs = storage.count
            storage.append(contentsOf: value.utf8)
            spans.append((ns, vs - ns, vs, storage.count - vs))
        }
        if let status {
            add(":status", String(status), lowercase: false)
            if !headers.contains("date") { add("date", connection.loop.httpDate, lowercase: false) }
        }
        for f in headers where !HTTP2Channel.isConnectionSpecific(f.name) {
            add(f.name, f.value, lowercase: true)
        }
        storage.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress!
            let nva = spans.map { cnghttp2_nv(base + $0.0, $0.1, base + $0.2, $0.3) }
            if trailers {
                _ = nghttp2_submit_trailer(session, id, nva, nva.count)
            } else if provider {
                var p = nghttp2_data_provider()
                p.read_callback = HTTP2Callbacks.readCallback
                _ = nghttp2_submit_response(session, id, nva, nva.count, &p)
            } else {
                _ = nghttp2_submit_response(session, id, nva, nva.count, nil)
            }
        }
    }

    private static func isConnectionSpecific(_ name: String) -> Bool {
        name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("keep-alive")
            || name.equalsIgnoringASCIICase("transfer-encoding") || name.equalsIgnoringASCIICase("upgrade")
            || name.equalsIgnoringASCIICase("proxy-connection")
    }

    /// Moves every frame nghttp2 has ready into the connection's write queue, stopping at the
    /// high-water mark (resumed by `outboundDrained`).
    private func flushSession() {
        guard let session, !flushing, !connection.closed else { return }
        flushing = true
        defer { flushing = false }
        if pendingConnectionCredit > 0 {
            _ = nghttp2_session_consume_connection(session, pendingConnectionCredit)
            pendingConnectionCredit = 0
        }
        // The socket may take everything at once, which re-opens room under the high-water
        // mark without any later writable event: so go round until nghttp2 has nothing left.
        var produced = true
        while produced && !connection.isOverHighWaterMark {
            produced = false
            while !connection.isOverHighWaterMark {
                var data: UnsafePointer<UInt8>?
                let n = nghttp2_session_mem_send(session, &data)
                if n < 0 {
                    connection.close()
                    return
                }
                if n == 0 { break }
                produced = true
                connection.enqueue(UnsafeRawBufferPointer(start: data, count: n))
            }
            connection.flush()
            if connection.closed { return }
        }
        if nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 {
            connection.closeWhenFlushed()
        } else if finalGoawaySent && streams.isEmpty {
            connection.closeWhenFlushed()
        }
    }

    // MARK: lifecycle

    func beginGracefulShutdown() {
        guard let session, !shuttingDown else { return }
        shuttingDown = true
        // A first GOAWAY tells the client to open no more streams; the final one, a moment
        // later, names the last stream we will finish, so nothing in flight is lost.
        _ = nghttp2_submit_shutdown_notice(session)
        shutdownNoticeAt = EventLoop.now()
        flushSession()
    }

    private func sendFinalGoaway() {
        guard let session, !finalGoawaySent else { return }
        finalGoawaySent = true
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue),
                                  nghttp2_session_get_last_proc_stream_id(session), NGHTTP2_NO_ERROR.rawValue, nil, 0)
        flushSession()
    }

    func connectionClosed() {
        let all = streams.values
        streams.removeAll()
        for s in all {
            s.task?.cancel()
            s.body?.fail(ResponseWriterError.closed)
            s.failWaiters()
        }
    }

    func tick(now: UInt64) {
        if let at = shutdownNoticeAt, !finalGoawaySent, now - at >= 400_000_000 {
            sendFinalGoaway()
        }
    }
}
