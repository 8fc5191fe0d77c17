import Foundation
import GatewayHTTP
import Testing

@testable import Transport

@Suite("Transport error bodies")
struct TransportErrorBodyTests {
    @Test("the transport's own errors are the spec's shape, details as strings", arguments: [400, 413, 431, 500, 503])
    func shape(_ status: Int) throws {
        let body = TransportErrorBody.make(status: status, message: "say \"why\"", requestID: "0123456789abcdef")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(doc["request_id"] as? String == "0123456789abcdef")
        let error = try #require(doc["error"] as? [String: Any])
        #expect(error["message"] as? String == "say \"why\"")
        #expect(error["code"] as? String == (status == 413 ? "payload_too_large" : status == 503 ? "unavailable"
                                             : status == 500 ? "internal" : "invalid_argument"))
        let details = try #require(error["details"] as? [String: Any])
        #expect(details["status"] as? String == String(status))
    }
}

@Suite("Transport error bodies under /v1")
struct TransportErrorBodyOpenAITests {
    @Test("a /v1 path gets OpenAI's error shape from the transport too", arguments: [(413, "invalid_request_error"),
                                                                                 (431, "invalid_request_error"),
                                                                                 (500, "server_error")])
    func openAIShape(_ status: Int, _ type: String) throws {
        let body = TransportErrorBody.make(status: status, message: "too big", requestID: "0123456789abcdef",
                                           dialect: ErrorDialect(path: "/v1/embeddings"))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(Set(doc.keys) == ["error"])
        let error = try #require(doc["error"] as? [String: Any])
        #expect(Set(error.keys) == ["message", "type", "param", "code"])
        #expect(error["message"] as? String == "too big" && error["type"] as? String == type)
        #expect(error["param"] is NSNull)
        #expect(error["code"] as? String == (status == 413 ? "payload_too_large" : status == 500 ? "internal" : "invalid_argument"))
    }

    @Test func otherPathsKeepTheGatewayShape() {
        #expect(ErrorDialect(path: "/api/v1/external/general/embed") == .gateway)
        #expect(ErrorDialect(path: "/v1") == .gateway)
        #expect(ErrorDialect(path: "/v1/models") == .openAI)
    }
}
