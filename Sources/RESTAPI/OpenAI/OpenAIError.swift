import GatewayCore
import JSON

/// An error as OpenAI writes it, `{"error":{"message","type","param","code"}}` with OpenAI's
/// status codes (spec §8), made from the gateway's own error: the one place where the core's codes
/// (spec §2) meet OpenAI's types, for answers, refusals and failures in the middle of a stream.
/// The SDKs raise their typed exceptions from the status (BadRequestError for 400, and so on).
struct OpenAIError: Sendable {
    var status: Int
    var type: String
    var message: String
    /// The request field at fault (`model`, `input[2]`, `messages[0].role`), when there is one.
    var param: String?
    /// OpenAI's own code where it has one for the case (`invalid_api_key`, `model_not_found`,
    /// `rate_limit_exceeded`), `unsupported` for a feature the gateway does not offer, else the
    /// gateway's code, so a client can match it with the REST and gRPC answers.
    var code: String?
    /// `Retry-After` and `Allow`, as for the gateway's own error shape.
    var headers: [(String, String)]

    init(_ e: APIError) {
        let details = Dictionary(e.details, uniquingKeysWith: { first, _ in first })
        status = e.httpStatus
        message = e.message
        param = details["field"] ?? (details["model"] != nil ? "model" : nil)
        headers = e.extraHeaders
        switch status {
        case 401:
            type = "authentication_error"
            code = "invalid_api_key"
        case 403:
            type = "permission_error"
            code = e.code
        case 404:
            type = "not_found_error"
            code = details["model"] != nil ? "model_not_found" : e.code
        case 429:
            type = "rate_limit_error"
            code = e.code == "rate_limited" ? "rate_limit_exceeded" : e.code
        case 500...:
            type = "server_error"
            code = e.code
        default:
            type = "invalid_request_error"
            code = details["unsupported"] != nil ? "unsupported" : e.code
        }
    }

    init(_ e: GatewayError) { self.init(APIError(e)) }

    var json: [UInt8] {
        var w = JSONWriter(capacity: 128 + message.utf8.count)
        w.beginObject()
        w.key("error")
        w.beginObject()
        w.key("message"); w.string(message)
        w.key("type"); w.string(type)
        w.key("param")
        if let param { w.string(param) } else { w.null() }
        w.key("code")
        if let code { w.string(code) } else { w.null() }
        w.endObject()
        w.endObject()
        return w.bytes
    }
}

extension Reply {
    static func openAIError(_ e: OpenAIError) -> Reply {
        var r = json(e.status, e.json)
        for (name, value) in e.headers { r.headers.add(name, value) }
        return r
    }
}

extension GatewayError {
    /// A bad field of an OpenAI request that names something the gateway does not do (token
    /// arrays, tools, n > 1): `400` with the code `unsupported`.
    static func unsupported(_ message: String, field: String) -> GatewayError {
        GatewayError(.invalidArgument, message, details: [("field", field), ("unsupported", "true")])
    }

    /// The same error naming the field as the OpenAI request calls it: the core names its own
    /// fields (`texts[2]`), the OpenAI body may call them otherwise (`input[2]`).
    func renamingField(_ rename: (String) -> String) -> GatewayError {
        var e = self
        e.details = details.map { $0.0 == "field" ? ($0.0, rename($0.1)) : $0 }
        return e
    }
}
