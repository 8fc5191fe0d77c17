import Foundation
import Testing

@testable import RESTAPI

@Suite("APIError")
struct APIErrorTests {
    @Test("httpStatus follows the spec's code table", arguments: [
        ("invalid_argument", 400),
        ("unauthenticated", 401),
        ("permission_denied", 403),
        ("not_found", 404),
        ("payload_too_large", 413),
        ("rate_limited", 429),
        ("queue_full", 429),
        ("upstream_error", 502),
        ("circuit_open", 503),
        ("unavailable", 503),
        ("upstream_timeout", 504),
        ("internal", 500),
        // Anything else is an internal error.
        ("no_such_code", 500),
        ("", 500),
        ("NOT_FOUND", 500),
        ("not_found ", 500),
    ] as [(String, Int)])
    func httpStatus(_ code: String, _ status: Int) {
        #expect(APIError(code: code, message: "m").httpStatus == status)
    }

    @Test("httpStatusOverride wins over the code")
    func statusOverride() {
        var error = APIError(code: "not_found", message: "m")
        error.httpStatusOverride = 418
        #expect(error.httpStatus == 418)
    }

    @Test("body(requestID:) is the spec's shape")
    func bodyShape() throws {
        let error = APIError(code: "upstream_timeout", message: "took too long", details: [("upstream", "users"), ("after_ms", "5000")])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(error.body(requestID: "rid-1"))) as? [String: Any])
        #expect(Set(doc.keys) == ["error", "request_id"])
        #expect(doc["request_id"] as? String == "rid-1")
        let inner = try #require(doc["error"] as? [String: Any])
        #expect(Set(inner.keys) == ["code", "message", "details"])
        #expect(inner["code"] as? String == "upstream_timeout")
        #expect(inner["message"] as? String == "took too long")
        #expect(inner["details"] as? [String: String] == ["upstream": "users", "after_ms": "5000"])
    }

    @Test("body(requestID:) with no details has an empty details object")
    func bodyWithoutDetails() {
        let body = String(decoding: APIError(code: "internal", message: "oops").body(requestID: "r"), as: UTF8.self)
        #expect(body == #"{"error":{"code":"internal","message":"oops","details":{}},"request_id":"r"}"#)
    }

    @Test("body(requestID:) escapes every string it embeds")
    func bodyEscapes() throws {
        let nasty = "q\"b\\n\nt\tc\u{1}é😀"
        let error = APIError(code: nasty, message: nasty, details: [(nasty, nasty)])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(error.body(requestID: nasty))) as? [String: Any])
        let inner = try #require(doc["error"] as? [String: Any])
        #expect(doc["request_id"] as? String == nasty)
        #expect(inner["code"] as? String == nasty)
        #expect(inner["message"] as? String == nasty)
        #expect(inner["details"] as? [String: String] == [nasty: nasty])
    }

    @Test("invalidArgument names the field in details")
    func invalidArgument() {
        let withField = APIError.invalidArgument("bad", field: "ms")
        #expect(withField.code == "invalid_argument")
        #expect(withField.httpStatus == 400)
        #expect(withField.details.map { "\($0.0)=\($0.1)" } == ["field=ms"])
        #expect(APIError.invalidArgument("bad").details.isEmpty)
    }

    @Test("notFound is 404 not_found")
    func notFound() {
        let error = APIError.notFound("gone")
        #expect(error.code == "not_found")
        #expect(error.message == "gone")
        #expect(error.httpStatus == 404)
    }

    @Test("methodNotAllowed is a 405 invalid_argument with an Allow header")
    func methodNotAllowed() {
        let error = APIError.methodNotAllowed(allowed: "GET, HEAD")
        #expect(error.code == "invalid_argument")
        #expect(error.httpStatus == 405)
        #expect(error.extraHeaders.map { "\($0.0): \($0.1)" } == ["Allow: GET, HEAD"])
    }
}
