/// One message of a WebSocket (RFC 6455), reassembled from its fragments.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// The gateway's side of one accepted WebSocket. Thread-safe; the transport hops to the
/// connection's event loop itself. The transport answers pings with pongs and runs the close
/// handshake; a front-end sees only data messages.
public protocol WebSocketSession: Sendable {
    /// The client's data messages in order. Finishes when the socket closes for any reason (a
    /// close frame from either side, a protocol error, the peer gone); `closeCode` then says why.
    var messages: AsyncStream<WebSocketMessage> { get }
    /// Sends one message; suspends while the connection's write queue is over its high-water mark.
    /// Throws `ResponseWriterError.closed` once the socket is closing or gone.
    func send(_ message: WebSocketMessage) async throws
    /// Starts the close handshake with `code` (1000 normal, or an application's 4000–4999) and a
    /// reason of at most 123 bytes; later calls do nothing. `messages` finishes once the peer answers
    /// or after a short grace period.
    func close(code: UInt16, reason: String)
    /// The close code received from the peer or sent, once closed; 1006 when the connection was
    /// lost without a close frame. Nil while open.
    var closeCode: UInt16? { get }
}

/// A writer that can turn its request into a WebSocket (HTTP/1.1 only: RFC 8441 over HTTP/2 is
/// not offered). The handler checks the request first (`WebSocketHandshake` in the WebSocket
/// module says what is wrong with it) and answers 4xx itself when it is not an upgrade it wants.
public protocol WebSocketUpgradable: ResponseWriter {
    /// Sends `101 Switching Protocols` with `Sec-WebSocket-Accept` computed from `key` (the
    /// request's `Sec-WebSocket-Key`), the chosen subprotocol and `headers`, and hands the
    /// connection over to WebSocket framing. The handler keeps running and talks through the
    /// session; when it returns the transport closes the socket (1000) if it is still open.
    /// Nil when the connection cannot be upgraded (already answered, HTTP/2, closing).
    func upgradeToWebSocket(key: String, subprotocol: String?, headers: HTTPHeaders) -> (any WebSocketSession)?
}
