/// Why a call produced no response. `message` is curl's own explanation (its error buffer),
/// which names the host, the port and the OS error.
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No connection: refused, unreachable, name not resolved.
        case connect
        /// The request's deadline passed (while connecting or while waiting for the answer).
        case timeout
        /// The connection broke: reset or closed before a whole response came (a crashing or
        /// restarting server, a proxy dropping it).
        case reset
        /// The calling task was cancelled or the client shut down.
        case cancelled
        /// The response body was bigger than the client's `maxResponseBytes`.
        case tooLarge
        /// Everything else curl reports: TLS failures, a reset mid-response, a malformed answer.
        case transport
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Worth another attempt, possibly on another replica: nothing reached the upstream (connect),
    /// it was too slow this time (timeout), or the connection broke (reset). The gateway's
    /// upstream calls are idempotent (embeddings, upserts by id, searches), so a call the server
    /// may have half-done is safe to repeat.
    public var isRetryable: Bool { kind == .connect || kind == .timeout || kind == .reset }

    public var description: String { "upstream \(kind): \(message)" }
}
