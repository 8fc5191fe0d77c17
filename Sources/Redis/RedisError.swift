/// Why a Redis call failed. `kind` says what a caller can do about it (degrade on `.unavailable`
/// and `.timeout`, report `.server`), `message` says what happened, fit for a log line.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A struct over a private enum so that adding a kind later breaks no caller's `switch`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case unavailable, server, protocolViolation, timeout, badURL
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// No connection is up (refused, lost, still reconnecting, or the client was shut down).
        public static let unavailable = Kind(.unavailable)
        /// The server answered with an error reply (`-ERR ...`); `message` holds it verbatim.
        public static let server = Kind(.server)
        /// The server's answer was not what the protocol or the command promises.
        public static let `protocol` = Kind(.protocolViolation)
        /// No answer within the command timeout; the connection was dropped and is reconnecting.
        public static let timeout = Kind(.timeout)
        /// The Redis URL could not be parsed.
        public static let badURL = Kind(.badURL)

        public var description: String {
            switch code {
            case .unavailable: "unavailable"
            case .server: "server error"
            case .protocolViolation: "protocol error"
            case .timeout: "timeout"
            case .badURL: "bad URL"
            }
        }
    }

    public let kind: Kind
    /// For `.server`, the server's error line ("ERR unknown command ..."); otherwise what went wrong.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "Redis \(kind): \(message)" }

    public static func unavailable(_ message: String) -> RedisError { RedisError(.unavailable, message) }
    public static func server(_ message: String) -> RedisError { RedisError(.server, message) }
    public static func `protocol`(_ message: String) -> RedisError { RedisError(.protocol, message) }
    public static func timeout(_ message: String) -> RedisError { RedisError(.timeout, message) }
    public static func badURL(_ message: String) -> RedisError { RedisError(.badURL, message) }

    /// The first word of a server error ("NOSCRIPT", "BUSYGROUP", "WRONGTYPE"), by which Redis
    /// classifies its errors; nil for other kinds.
    public var serverCode: Substring? {
        guard kind == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first
    }
}
