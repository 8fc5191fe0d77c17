/// Limits and timers of the WebSocket connections a server accepts (RFC 6455).
public struct WebSocketSettings: Sendable {
    /// The largest message (all fragments together) a client may send; over → close 1009.
    public var maxMessageBytes: Int = 1 << 20
    /// Received messages the handler has not taken yet, in bytes; past this the connection stops
    /// reading until it catches up (a slow handler slows the client, it does not grow memory).
    public var maxQueuedBytes: Int = 1 << 20
    /// Seconds of silence from the client before the server pings it; 0 turns pings off.
    public var pingInterval: Double = 30
    /// Seconds a ping may stay unanswered (no pong, no data) before the server sends close 1001
    /// and drops the connection (the session then reports 1006).
    public var pongTimeout: Double = 30
    /// Seconds the server waits for the client's close frame after sending its own.
    public var closeGrace: Double = 2

    public init() {}
}
