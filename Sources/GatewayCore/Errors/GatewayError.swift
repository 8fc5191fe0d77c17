/// An error any front-end can render: REST and GraphQL as the spec's JSON error, gRPC as a
/// status with `grpc-message`.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    /// A human sentence that names the field or the thing at fault.
    public var message: String
    /// Extra facts for the `details` object, in order ("field": "texts[2]", ...).
    public var details: [(String, String)]
    /// Seconds for `Retry-After` (429 and 503 answers).
    public var retryAfter: Int?

    public init(_ code: ErrorCode, _ message: String, details: [(String, String)] = [], retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.name): \(message)" }

    public static func == (a: GatewayError, b: GatewayError) -> Bool {
        a.code == b.code && a.message == b.message && a.retryAfter == b.retryAfter
            && a.details.map(\.0) == b.details.map(\.0) && a.details.map(\.1) == b.details.map(\.1)
    }

    public static func invalid(_ message: String, field: String) -> GatewayError {
        GatewayError(.invalidArgument, message, details: [("field", field)])
    }

    public static func unknownModel(_ name: String, known: [String]) -> GatewayError {
        GatewayError(.notFound, "unknown model \"\(name)\"; known models: \(known.joined(separator: ", "))",
                     details: [("model", name)])
    }
}
