import GatewayHTTP

/// Errors the transport answers on its own (malformed requests, limits, timeouts), in the
/// gateway's JSON error shape so that clients see one format whoever answered.
enum TransportErrorBody {
    static func make(status: Int, message: String, requestID: String) -> [UInt8] {
        let code: String
        switch status {
        case 413: code = "payload_too_large"
        case 500: code = "internal"
        case 503: code = "unavailable"
        default: code = "invalid_argument"
        }
        // Details are strings, as the routes' and gRPC's are: a client reads them with one type.
        let body = "{\"error\":{\"code\":\"\(code)\",\"message\":\(JSONString.quote(message)),\"details\":{\"status\":\"\(status)\"}},\"request_id\":\(JSONString.quote(requestID))}"
        return Array(body.utf8)
    }

    static func headers(requestID: String) -> HTTPHeaders {
        ["Content-Type": "application/json", "X-Request-Id": requestID]
    }
}
