import GatewayHTTP

/// The protocol side of one exchange, as the response writer drives it. Loop-confined.
protocol ResponseSink: AnyObject, SendableMetatype {
    func respond(_ id: Int32, status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?)
    func writeHead(_ id: Int32, status: Int, headers: HTTPHeaders)
    func write(_ id: Int32, _ bytes: [UInt8], _ done: CheckedContinuation<Void, any Error>)
    func finish(_ id: Int32, trailers: HTTPHeaders?)
    /// End the exchange without its proper ending (see `ResponseWriter.abort`).
    func abort(_ id: Int32)
    /// The handler returned; end the exchange if it did not.
    func handlerReturned(_ id: Int32)
}

/// The `ResponseWriter` handed to handlers: hops to the connection's loop (or runs inline when
/// the handler is already on it, the usual case) and forwards to the HTTP/1.1 or HTTP/2 side.
///
/// Generic over the sink so that only the HTTP/1.1 writer can offer a WebSocket upgrade
/// (`TransportResponseWriter+WebSocket.swift`); HTTP/2's does not conform.
///
/// Runs on: any task; each call hops to the connection's event loop (inline when already there).
final class TransportResponseWriter<Sink: ResponseSink>: ResponseWriter, @unchecked Sendable {
    // Touched only on `loop`; the class is Sendable because every access goes through `onLoop`.
    let sink: Sink
    let loop: EventLoop
    let id: Int32

    init(sink: Sink, loop: EventLoop, id: Int32) {
        self.sink = sink
        self.loop = loop
        self.id = id
    }

    func onLoop(_ body: @escaping @Sendable (Sink, Int32) -> Void) {
        if loop.inEventLoop {
            body(sink, id)
        } else {
            loop.execute { [self] in body(sink, id) }
        }
    }

    func respond(status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        onLoop { $0.respond($1, status: status, headers: headers, body: body, trailers: trailers) }
    }

    func writeHead(status: Int, headers: HTTPHeaders) {
        onLoop { $0.writeHead($1, status: status, headers: headers) }
    }

    func write(_ bytes: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            onLoop { $0.write($1, bytes, c) }
        }
    }

    func finish(trailers: HTTPHeaders?) {
        onLoop { $0.finish($1, trailers: trailers) }
    }

    func abort() {
        onLoop { $0.abort($1) }
    }

    func handlerReturned() {
        onLoop { $0.handlerReturned($1) }
    }
}
