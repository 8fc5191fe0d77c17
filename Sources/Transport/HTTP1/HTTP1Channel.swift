import GatewayHTTP
import HTTP1Codec
import WebSocket

/// HTTP/1.1 on one connection: parses requests, runs one handler at a time, answers in order.
///
/// Pipelined requests wait in the input buffer until the response before them is complete, so
/// answers can never overtake each other. A response that ends before its request body does
/// switches the rest of that body to discard, keeping the connection usable.
///
/// Runs on: its connection's event loop; the handlers it starts are tasks preferring that loop.
final class HTTP1Channel: ConnectionProtocolHandler, ResponseSink {
    // Strong: writers keep a channel alive after its connection closed; `Connection.close()`
    // drops its reference to the channel, which breaks the cycle.
    let connection: Connection
    private var parser: HTTP1RequestParser
    private var inbound: [UInt8] = []
    private var inboundStart = 0
    private var current: HTTP1Exchange?
    private var nextID: Int32 = 0
    private var headStartedAt: UInt64?
    private var shuttingDown = false
    private var bodyPaused = false

    init(connection: Connection) {
        self.connection = connection
        self.parser = HTTP1RequestParser(limits: connection.configuration.http1Limits)
    }

    var isIdle: Bool { current == nil && inboundStart == inbound.count }

    // MARK: input

    func receive(_ bytes: ArraySlice<UInt8>) {
        if inboundStart == inbound.count {
            inbound.removeAll(keepingCapacity: true)
            inboundStart = 0
        }
        inbound.append(contentsOf: bytes)
        processInbound()
    }

    private func processInbound() {
        while !connection.closed {
            if let ex = current, ex.requestComplete { break }  // pipelined: wait for the answer
            if bodyPaused { break }
            let result: (event: HTTP1ParseEvent?, consumed: Int)
            do {
                result = try parser.parse(inbound[inboundStart...])
            } catch {
                parseFailed(error)
                return
            }
            inboundStart += result.consumed
            guard let event = result.event else {
                if result.consumed == 0 { break }
                continue
            }
            switch event {
            case .head(let head):
                headStartedAt = nil
                startExchange(head)
            case .body(let chunk):
                guard let ex = current else { continue }
                if ex.responseComplete { continue }  // answered already: discard the rest
                if !ex.body.append(chunk) {
                    bodyPaused = true
                    connection.pauseReading()
                }
            case .end:
                guard let ex = current else { continue }
                ex.requestComplete = true
                ex.body.finish()
                if ex.responseComplete { exchangeDone() }
            }
        }
        if inboundStart == inbound.count {
            inbound.removeAll(keepingCapacity: inbound.capacity <= 128 * 1024)
            inboundStart = 0
        } else if inboundStart > 64 * 1024 {
            inbound.removeFirst(inboundStart)
            inboundStart = 0
        }
        if current == nil && inboundStart < inbound.count && headStartedAt == nil {
            headStartedAt = EventLoop.now()
        }
    }

    private func startExchange(_ h: HTTP1RequestHeadFields) {
        let loop = connection.loop
        nextID &+= 1
        let id = nextID
        let (path, query) = RequestHead.split(target: h.target)
        let head = RequestHead(method: h.method, path: path, query: query, version: h.version,
                               headers: h.headers, authority: h.headers["host"], connection: connection.info)
        let body: RequestBody
        if h.body == .none {
            body = .empty
        } else {
            let me = LoopBound(self, on: loop)
            body = RequestBody(resumeProducer: { me.run { $0.resumeBody() } })
            if h.expectsContinue { connection.send(HTTP1Channel.continueLine) }
        }
        let ex = HTTP1Exchange(id: id, version: h.version, method: h.method, keepAlive: h.keepAlive && !shuttingDown, body: body,
                               dialect: ErrorDialect(path: path))
        ex.carriesBody = h.body != .none && h.body != .length(0)
        current = ex
        let writer = TransportResponseWriter(sink: self, loop: loop, id: id)
        let handler = connection.server.handler
        let request = Request(head: head, body: body)
        ex.task = Task(executorPreference: loop) {
            await handler(request, writer)
            writer.handlerReturned()
        }
    }

    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private func resumeBody() {
        guard bodyPaused else { return }
        bodyPaused = false
        connection.resumeReading()
        processInbound()
    }

    private func parseFailed(_ error: HTTP1ParseError) {
        if let ex = current {
            ex.body.fail(error)
            ex.task?.cancel()
            if ex.headSent {
                connection.close()
                return
            }
            ex.responseComplete = true
        }
        let requestID = RequestID.make()
        var headers = TransportErrorBody.headers(requestID: requestID)
        headers.add("Date", connection.loop.httpDate)
        var out: [UInt8] = []
        // A head refused as a whole (its Content-Length over the limit) has no exchange yet.
        let target = parser.targetOfHeadInProgress
        let dialect = target.isEmpty ? current?.dialect ?? .gateway : ErrorDialect(path: target)
        let body = TransportErrorBody.make(status: error.status, message: error.reason, requestID: requestID, dialect: dialect)
        HTTP1ResponseEncoder.writeHead(into: &out, status: error.status, headers: headers,
                                       requestVersion: .http1_1, keepAlive: false, contentLength: body.count)
        out.append(contentsOf: body)
        connection.send(out)
        connection.closeWhenFlushed()
    }

    func peerClosedInput() {
        // As nginx does: a client that closes while its request is in flight has given up, so
        // its handler is cancelled rather than left to finish for nobody.
        connection.close()
    }

    // MARK: output (ResponseSink)

    private func exchange(_ id: Int32) -> HTTP1Exchange? {
        guard let ex = current, ex.id == id, !ex.responseComplete else { return nil }
        return ex
    }

    private func prepare(_ headers: HTTPHeaders) -> HTTPHeaders {
        var h = headers
        if !h.contains("date") { h.add("Date", connection.loop.httpDate) }
        return h
    }

    func respond(_ id: Int32, status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        guard let ex = exchange(id), !ex.headSent else { return }
        ex.headSent = true
        var out: [UInt8] = []
        out.reserveCapacity(256 + body.count)
        let bodyAllowed = ex.method != "HEAD" && status != 204 && status != 304
        if let trailers, !trailers.isEmpty, bodyAllowed {
            HTTP1ResponseEncoder.writeHead(into: &out, status: status, headers: prepare(headers),
                                           requestVersion: ex.version, keepAlive: ex.keepAlive, contentLength: nil)
            HTTP1ResponseEncoder.writeChunk(into: &out, body)
            HTTP1ResponseEncoder.writeLastChunk(into: &out, trailers: trailers)
        } else {
            HTTP1ResponseEncoder.writeHead(into: &out, status: status, headers: prepare(headers),
                                           requestVersion: ex.version, keepAlive: ex.keepAlive,
                                           contentLength: status == 204 || status == 304 ? nil : body.count)
            if bodyAllowed { out.append(contentsOf: body) }
        }
        connection.send(out)
        responseComplete(ex)
    }

    func writeHead(_ id: Int32, status: Int, headers: HTTPHeaders) {
        guard let ex = exchange(id), !ex.headSent else { return }
        ex.headSent = true
        var h = prepare(headers)
        var length: Int?
        if let cl = h["content-length"], let n = Int(cl) {
            length = n
            h.remove("content-length")
        }
        ex.bodyless = ex.method == "HEAD" || status == 204 || status == 304
        if length == nil && ex.version == .http1_0 && !ex.bodyless {
            // An HTTP/1.0 client cannot read chunks: hold the body and send it with its length.
            ex.heldHead = (status, h)
            ex.heldBody = []
            return
        }
        ex.chunked = length == nil
        var out: [UInt8] = []
        HTTP1ResponseEncoder.writeHead(into: &out, status: status, headers: h, requestVersion: ex.version,
                                       keepAlive: ex.keepAlive, contentLength: length)
        connection.send(out)
    }

    func write(_ id: Int32, _ bytes: [UInt8], _ done: CheckedContinuation<Void, any Error>) {
        guard let ex = exchange(id), ex.headSent else {
            done.resume(throwing: ResponseWriterError.closed)
            return
        }
        if ex.heldBody != nil {
            ex.heldBody!.append(contentsOf: bytes)
            done.resume()
            return
        }
        if !ex.bodyless && !bytes.isEmpty {
            if ex.chunked {
                var out: [UInt8] = []
                out.reserveCapacity(bytes.count + 16)
                HTTP1ResponseEncoder.writeChunk(into: &out, bytes)
                connection.send(out)
            } else {
                connection.send(bytes)
            }
        }
        connection.waitForWritable(done)
    }

    func finish(_ id: Int32, trailers: HTTPHeaders?) {
        guard let ex = exchange(id), ex.headSent else { return }
        if let (status, headers) = ex.heldHead, let body = ex.heldBody {
            var out: [UInt8] = []
            HTTP1ResponseEncoder.writeHead(into: &out, status: status, headers: headers, requestVersion: ex.version,
                                           keepAlive: ex.keepAlive, contentLength: body.count)
            out.append(contentsOf: body)
            connection.send(out)
        } else if ex.chunked && !ex.bodyless {
            var out: [UInt8] = []
            HTTP1ResponseEncoder.writeLastChunk(into: &out, trailers: trailers)
            connection.send(out)
        }
        responseComplete(ex)
    }

    func abort(_ id: Int32) {
        guard let ex = exchange(id) else { return }
        // No last chunk: once the queue is written the socket closes, and the client is left
        // with a body that stops short.
        ex.keepAlive = false
        responseComplete(ex)
    }

    func handlerReturned(_ id: Int32) {
        if let ex = current, ex.id == id, let ws = ex.upgradedTo {
            ws.handlerReturned()
            return
        }
        guard let ex = exchange(id) else { return }
        if !ex.headSent {
            let requestID = RequestID.make()
            respond(id, status: 500, headers: TransportErrorBody.headers(requestID: requestID),
                    body: TransportErrorBody.make(status: 500, message: "the handler sent no response", requestID: requestID,
                                                  dialect: ex.dialect),
                    trailers: nil)
        } else {
            // A streamed body the handler left open cannot be completed honestly: close.
            ex.keepAlive = false
            finish(id, trailers: nil)
        }
    }

    /// Answers `101 Switching Protocols` and hands the connection to `ws`, with whatever the
    /// client sent after the request. False, with nothing sent, when this exchange cannot be
    /// upgraded: already answered, a request body, HTTP/1.0, or the server shutting down.
    func upgrade(_ id: Int32, to ws: WebSocketChannel, key: String, subprotocol: String?, headers: HTTPHeaders) -> Bool {
        guard let ex = exchange(id), !ex.headSent, ex.requestComplete, !ex.carriesBody, ex.version == .http1_1,
              !shuttingDown, !connection.closed
        else { return false }
        ex.headSent = true
        ex.responseComplete = true
        ex.upgradedTo = ws
        var fields = HTTPHeaders()
        fields.add("Upgrade", "websocket")
        fields.add("Sec-WebSocket-Accept", WebSocketHandshake.acceptValue(forKey: key))
        if let subprotocol { fields.add("Sec-WebSocket-Protocol", subprotocol) }
        for field in headers {
            let n = field.name
            if n.equalsIgnoringASCIICase("upgrade") || n.equalsIgnoringASCIICase("sec-websocket-accept")
                || n.equalsIgnoringASCIICase("sec-websocket-protocol") { continue }
            fields.add(n, field.value)
        }
        var out: [UInt8] = []
        // The encoder leaves Connection out of a 1xx head; the upgrade needs it.
        HTTP1ResponseEncoder.writeHead(into: &out, status: 101, headers: prepare(fields), requestVersion: .http1_1,
                                       keepAlive: true, contentLength: nil)
        out.removeLast(2)
        out.append(contentsOf: "Connection: Upgrade\r\n\r\n".utf8)
        connection.send(out)
        let leftover = inbound[inboundStart...]
        inbound = []
        inboundStart = 0
        headStartedAt = nil
        ws.handlerTask = ex.task
        connection.switchProtocol(to: ws)
        ws.start(with: leftover)
        return true
    }

    private func responseComplete(_ ex: HTTP1Exchange) {
        ex.responseComplete = true
        if !ex.keepAlive {
            connection.closeWhenFlushed()
            return
        }
        if ex.requestComplete {
            exchangeDone()
        } else if bodyPaused {
            // The rest of the body is discarded now; nobody reads the paused stream any more.
            bodyPaused = false
            connection.resumeReading()
            processInbound()
        }
    }

    private func exchangeDone() {
        current = nil
        if shuttingDown {
            connection.closeWhenFlushed()
            return
        }
        if inboundStart < inbound.count {
            processInbound()
        }
    }

    func outboundDrained() {}

    // MARK: lifecycle

    func beginGracefulShutdown() {
        shuttingDown = true
        if let ex = current {
            ex.keepAlive = false
        } else {
            connection.close()
        }
    }

    func connectionClosed() {
        if let ex = current {
            ex.task?.cancel()
            ex.body.fail(ResponseWriterError.closed)
            current = nil
        }
    }

    func tick(now: UInt64) {
        if let started = headStartedAt, current == nil,
           now - started > UInt64(connection.configuration.headerReadTimeout * 1e9) {
            // Slowloris defence: a head that trickles in is dropped without an answer.
            connection.server.logger.debug("header read timeout", metadata: ["remote": "\(connection.info.remoteAddress)"])
            connection.close()
        }
    }
}

/// One request/response pair on an HTTP/1.1 connection.
///
/// Runs on: its connection's event loop.
final class HTTP1Exchange {
    let id: Int32
    let version: HTTPVersion
    let method: String
    /// The error shape of the request's path, for the answers the transport writes itself.
    let dialect: ErrorDialect
    var keepAlive: Bool
    let body: RequestBody
    var task: Task<Void, Never>?
    var requestComplete = false
    var headSent = false
    var responseComplete = false
    var chunked = false
    var bodyless = false
    /// The request declared a body (Content-Length above 0, or chunked): it cannot be upgraded.
    var carriesBody = false
    /// The WebSocket this exchange became; the handler's return is passed on to it.
    var upgradedTo: WebSocketChannel?
    /// A streamed answer to an HTTP/1.0 request, sent whole at `finish`.
    var heldHead: (Int, HTTPHeaders)?
    var heldBody: [UInt8]?

    init(id: Int32, version: HTTPVersion, method: String, keepAlive: Bool, body: RequestBody, dialect: ErrorDialect) {
        self.id = id
        self.dialect = dialect
        self.version = version
        self.method = method
        self.keepAlive = keepAlive
        self.body = body
    }
}
