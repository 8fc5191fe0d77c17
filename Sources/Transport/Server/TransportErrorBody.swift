import GatewayHTTP

/// Errors the transport answers on its own (malformed requests, limits, timeouts), in the error
/// shape of the request's path (`ErrorDialect`), so that clients see one format whoever answered.
enum TransportErrorBody {
    static func make(status: Int, message: String, requestID: String, dialect: ErrorDialect = .gateway) -> [UInt8] {
        let code: String
        switch status {
        case 413: code = "payload_too_large"
        case 500: code = "internal"
        case 503: code = "unavailable"
        default: code = "invalid_argument"
        }
        let body: String
        switch dialect {
        case .gateway:
            // Details are strings, as the routes' and gRPC's are: a client reads them with one type.
            body = "{\"error\":{\"code\":\"\(code)\",\"message\":\(JSONString.quote(message)),\"details\":{\"status\":\"\(status)\"}},\"request_id\":\(JSONString.quote(requestID))}"
        case .openAI:
            // OpenAI's types for these statuses, as `OpenAIError` maps them for the routes.
            let type = status >= 500 ? "server_error" : "invalid_request_error"
            body = "{\"error\":{\"message\":\(JSONString.quote(message)),\"type\":\"\(type)\",\"param\":null,\"code\":\"\(code)\"}}"
        }
        return Array(body.utf8)
    }

    static func headers(requestID: String) -> HTTPHeaders {
        ["Content-Type": "application/json", "X-Request-Id": requestID]
    }
}
