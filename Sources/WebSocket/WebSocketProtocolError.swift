/// Why the peer's bytes end the connection, and the close code to send for it (RFC 6455 §7.1.7,
/// "Fail the WebSocket Connection"): 1002 for broken framing, 1007 for bad UTF-8, 1009 for a
/// message over the limit.
public struct WebSocketProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public let closeCode: WebSocketCloseCode
    /// A short reason, sent in the close frame (ASCII, well under 123 bytes) and logged.
    public let reason: String

    public init(_ closeCode: WebSocketCloseCode, _ reason: String) {
        self.closeCode = closeCode
        self.reason = reason
    }

    static func protocolError(_ reason: String) -> WebSocketProtocolError { .init(.protocolError, reason) }

    public var description: String { "\(closeCode.rawValue) \(reason)" }
}
