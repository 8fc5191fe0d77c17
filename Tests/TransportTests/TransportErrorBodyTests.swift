import Foundation
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
