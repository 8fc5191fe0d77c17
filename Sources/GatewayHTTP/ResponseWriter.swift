/// How a handler answers. The same interface for HTTP/1.1 and HTTP/2; implementations are
/// thread-safe and hop to the connection's event loop themselves.
///
/// A handler either calls `respond(...)` once (the whole answer at once: the fast path, one hop
/// to the loop), or `writeHead` once, then `write` any number of times, then `finish`.
public protocol ResponseWriter: Sendable {
    /// Sends a complete response. An empty body with no trailers is sent as headers only
    /// (for HTTP/2 a single HEADERS frame with END_STREAM, which gRPC calls Trailers-Only).
    func respond(status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?)

    /// Starts a streamed response.
    func writeHead(status: Int, headers: HTTPHeaders)

    /// Sends part of the body; suspends while the connection's write queue is over its
    /// high-water mark. Throws `ResponseWriterError.closed` once the peer is gone or the
    /// stream was reset.
    func write(_ bytes: [UInt8]) async throws

    /// Ends a streamed response. Trailers go out as an HTTP/2 trailer HEADERS frame or in the
    /// last chunk of a chunked HTTP/1.1 response.
    func finish(trailers: HTTPHeaders?)

    /// Breaks the response off as a server that died would, once what was written has gone
    /// out: HTTP/1.1 closes the connection without the last chunk (or without any answer),
    /// HTTP/2 resets the stream. For the upstream simulator's cut connections; a handler
    /// that merely returns without `finish` gets a complete, if early, ending instead.
    func abort()
}

public enum ResponseWriterError: Error, Sendable {
    case closed
}

extension ResponseWriter {
    public func respond(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        respond(status: status, headers: headers, body: body, trailers: nil)
    }

    public func finish() { finish(trailers: nil) }

    /// A writer with no connection to break (an in-memory one) ends the response instead.
    public func abort() { finish(trailers: nil) }
}

/// What a front-end provides: called once per request, on a task that is cancelled when the
/// client resets the stream or drops the connection. It must not block the calling thread.
public typealias HTTPHandler = @Sendable (Request, any ResponseWriter) async -> Void
