/// The gateway's error codes (spec §2), one table for all three protocols. A struct over a
/// private enum, so adding a code breaks no caller's exhaustive switch.
public struct ErrorCode: Sendable, Hashable, CustomStringConvertible {
    private enum Wrapped: String, Sendable, Hashable {
        case invalidArgument = "invalid_argument"
        case unauthenticated
        case permissionDenied = "permission_denied"
        case notFound = "not_found"
        case payloadTooLarge = "payload_too_large"
        case rateLimited = "rate_limited"
        case queueFull = "queue_full"
        case upstreamError = "upstream_error"
        case circuitOpen = "circuit_open"
        case unavailable
        case upstreamTimeout = "upstream_timeout"
        case internalError = "internal"
    }

    private let wrapped: Wrapped
    private init(_ w: Wrapped) { wrapped = w }

    public static let invalidArgument = ErrorCode(.invalidArgument)
    public static let unauthenticated = ErrorCode(.unauthenticated)
    public static let permissionDenied = ErrorCode(.permissionDenied)
    public static let notFound = ErrorCode(.notFound)
    public static let payloadTooLarge = ErrorCode(.payloadTooLarge)
    public static let rateLimited = ErrorCode(.rateLimited)
    public static let queueFull = ErrorCode(.queueFull)
    public static let upstreamError = ErrorCode(.upstreamError)
    public static let circuitOpen = ErrorCode(.circuitOpen)
    public static let unavailable = ErrorCode(.unavailable)
    public static let upstreamTimeout = ErrorCode(.upstreamTimeout)
    public static let internalError = ErrorCode(.internalError)

    /// The code as it appears in bodies: "invalid_argument", ...
    public var name: String { wrapped.rawValue }
    public var description: String { name }

    public var httpStatus: Int {
        switch wrapped {
        case .invalidArgument: 400
        case .unauthenticated: 401
        case .permissionDenied: 403
        case .notFound: 404
        case .payloadTooLarge: 413
        case .rateLimited, .queueFull: 429
        case .upstreamError: 502
        case .circuitOpen, .unavailable: 503
        case .upstreamTimeout: 504
        case .internalError: 500
        }
    }

    /// gRPC status number (spec §2).
    public var grpcStatus: Int {
        switch wrapped {
        case .invalidArgument: 3
        case .unauthenticated: 16
        case .permissionDenied: 7
        case .notFound: 5
        case .payloadTooLarge, .rateLimited, .queueFull: 8
        case .upstreamError, .circuitOpen, .unavailable: 14
        case .upstreamTimeout: 4
        case .internalError: 13
        }
    }

    public static let all: [ErrorCode] = [
        .invalidArgument, .unauthenticated, .permissionDenied, .notFound, .payloadTooLarge, .rateLimited,
        .queueFull, .upstreamError, .circuitOpen, .unavailable, .upstreamTimeout, .internalError,
    ]
}
