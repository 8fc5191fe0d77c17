/// A close frame's status code (RFC 6455 §7.4, IANA "WebSocket Close Code Number Registry").
/// A struct over the number: applications own 4000–4999, so the set is open by design.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let normalClosure = WebSocketCloseCode(1000)
    public static let goingAway = WebSocketCloseCode(1001)
    public static let protocolError = WebSocketCloseCode(1002)
    public static let unsupportedData = WebSocketCloseCode(1003)
    /// Never on the wire: a close frame without a code.
    public static let noStatusReceived = WebSocketCloseCode(1005)
    /// Never on the wire: the connection ended without a close frame.
    public static let abnormalClosure = WebSocketCloseCode(1006)
    public static let invalidPayload = WebSocketCloseCode(1007)
    public static let policyViolation = WebSocketCloseCode(1008)
    public static let messageTooBig = WebSocketCloseCode(1009)
    public static let mandatoryExtension = WebSocketCloseCode(1010)
    public static let internalError = WebSocketCloseCode(1011)
    public static let serviceRestart = WebSocketCloseCode(1012)
    public static let tryAgainLater = WebSocketCloseCode(1013)
    public static let badGateway = WebSocketCloseCode(1014)
    /// Never on the wire: the TLS handshake failed.
    public static let tlsHandshakeFailure = WebSocketCloseCode(1015)

    /// May this code appear in a close frame? 1000–1003 and 1007–1014 (registered), 3000–3999
    /// (registered by libraries) and 4000–4999 (private). Not 1004 (reserved), 1005, 1006, 1015
    /// (local meanings only), nor anything else below 5000 (unassigned) or above (undefined).
    /// The same test as the `websockets` package and the Autobahn suite apply.
    public var isAllowedOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    public var description: String { String(rawValue) }
}
