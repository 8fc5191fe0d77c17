import Foundation
import GatewayCore
import Testing

@testable import RESTAPI

@Suite("OpenAI errors")
struct OpenAIErrorTests {
    @Test("each gateway code has OpenAI's status and a type", arguments: [
        (ErrorCode.invalidArgument, 400, "invalid_request_error", "invalid_argument"),
        (.unauthenticated, 401, "authentication_error", "invalid_api_key"),
        (.permissionDenied, 403, "permission_error", "permission_denied"),
        (.notFound, 404, "not_found_error", "not_found"),
        (.payloadTooLarge, 413, "invalid_request_error", "payload_too_large"),
        (.rateLimited, 429, "rate_limit_error", "rate_limit_exceeded"),
        (.queueFull, 429, "rate_limit_error", "queue_full"),
        (.upstreamError, 502, "server_error", "upstream_error"),
        (.circuitOpen, 503, "server_error", "circuit_open"),
        (.unavailable, 503, "server_error", "unavailable"),
        (.upstreamTimeout, 504, "server_error", "upstream_timeout"),
        (.internalError, 500, "server_error", "internal"),
    ])
    func mapping(_ code: ErrorCode, _ status: Int, _ type: String, _ openAICode: String) {
        let e = OpenAIError(GatewayError(code, "m", retryAfter: 3))
        #expect(e.status == status && e.type == type && e.code == openAICode && e.param == nil)
        #expect(e.headers.map(\.0) == ["Retry-After"])
    }

    @Test func theBodyIsOpenAIsShape() throws {
        let e = OpenAIError(GatewayError.unknownModel("gpt-4", known: ["general"]))
        #expect(e.code == "model_not_found" && e.param == "model")
        let body = try #require(jsonObject(e.json))
        #expect(Set(body.keys) == ["error"])
        let inner = try #require(body["error"] as? [String: Any])
        #expect(Set(inner.keys) == ["message", "type", "param", "code"])
        #expect(inner["type"] as? String == "not_found_error" && (inner["message"] as? String)?.contains("gpt-4") == true)
        let unsupported = OpenAIError(GatewayError.unsupported("no", field: "n"))
        #expect(unsupported.code == "unsupported" && unsupported.param == "n" && unsupported.status == 400)
        let plain = try #require(jsonObject(OpenAIError(GatewayError(.internalError, "x")).json)?["error"] as? [String: Any])
        #expect(plain["param"] is NSNull)
    }

    @Test("the core's names of the texts become input", arguments: [
        ("text", "input"), ("texts", "input"), ("texts[3]", "input[3]"), ("priority", "priority"),
    ])
    func inputField(_ core: String, _ openAI: String) {
        #expect(OpenAIRoutes.inputField(core) == openAI)
    }
}
