import GatewayCore
import GatewayHTTP

/// An error in the spec's shape: `{"error":{"code","message","details"},"request_id"}`.
/// The code decides the HTTP status (spec §2).
struct APIError: Error, Sendable {
    var code: String
    var message: String
    var details: [(String, String)] = []
    var extraHeaders: [(String, String)] = []
    var httpStatusOverride: Int?

    var httpStatus: Int {
        if let httpStatusOverride { return httpStatusOverride }
        switch code {
        case "invalid_argument": return 400
        case "unauthenticated": return 401
        case "permission_denied": return 403
        case "not_found": return 404
        case "payload_too_large": return 413
        case "rate_limited", "queue_full": return 429
        case "upstream_error": return 502
        case "circuit_open", "unavailable": return 503
        case "upstream_timeout": return 504
        default: return 500
        }
    }

    func body(requestID: String) -> [UInt8] {
        let detailsJSON = details.map { "\(JSONString.quote($0.0)):\(JSONString.quote($0.1))" }.joined(separator: ",")
        let s = "{\"error\":{\"code\":\(JSONString.quote(code)),\"message\":\(JSONString.quote(message)),\"details\":{\(detailsJSON)}},\"request_id\":\(JSONString.quote(requestID))}"
        return Array(s.utf8)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(code: "not_found", message: message)
    }

    static func invalidArgument(_ message: String, field: String? = nil) -> APIError {
        APIError(code: "invalid_argument", message: message, details: field.map { [("field", $0)] } ?? [])
    }

    /// 405 has no code of its own in the spec's table; it is an invalid argument with an
    /// `Allow` header, as HTTP requires.
    static func methodNotAllowed(allowed: String) -> APIError {
        APIError(code: "invalid_argument", message: "method not allowed; use \(allowed)",
                 extraHeaders: [("Allow", allowed)], httpStatusOverride: 405)
    }
}

extension APIError {
    /// The core's error, with `Retry-After` when it names one.
    init(_ e: GatewayError) {
        self.init(code: e.code.name, message: e.message, details: e.details,
                  extraHeaders: e.retryAfter.map { [("Retry-After", String($0))] } ?? [],
                  httpStatusOverride: e.code.httpStatus)
    }
}
