import Foundation
import GatewayHTTP
import GatewayTestSupport
import RESTAPI
import Testing

/// A request as a front-end would hand it over; `target` may carry a query string.
func makeRequest(
    _ method: String, _ target: String, headers: HTTPHeaders = [:], body: RequestBody = .empty
) -> Request {
    let (path, query) = RequestHead.split(target: target)
    let head = RequestHead(
        method: method, path: path, query: query, version: .http1_1, headers: headers,
        connection: ConnectionInfo(remoteAddress: "127.0.0.1:1"))
    return Request(head: head, body: body)
}

func makeRequest(_ method: String, _ target: String, headers: HTTPHeaders = [:], body: [UInt8]) -> Request {
    makeRequest(method, target, headers: headers, body: RequestBody(bytes: body))
}

/// Runs one request through `router` and returns what it answered.
func send(_ request: Request, to router: RESTRouter = RESTRouter()) async -> RecordingResponseWriter.Recorded {
    let writer = RecordingResponseWriter()
    await router.handle(request, writer)
    return writer.recorded
}

/// The body parsed as a JSON object; nil when it is not one.
func jsonObject(_ body: [UInt8]) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
}

/// 16 lower-case hex digits, the shape of a gateway-made request id.
func isGatewayRequestID(_ s: String?) -> Bool {
    guard let s else { return false }
    return s.utf8.count == 16 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}

/// An error body in the spec's shape, decoded; nil (with a recorded issue) when the shape is off:
/// exactly `error` and `request_id` at the top, exactly `code`, `message`, `details` inside,
/// strings where strings belong and an object of strings for `details`.
struct ErrorBody {
    var code: String
    var message: String
    var details: [String: String]
    var requestID: String

    init?(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let doc = jsonObject(body) else {
            Issue.record("not a JSON object: \(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
            return nil
        }
        #expect(Set(doc.keys) == ["error", "request_id"], sourceLocation: sourceLocation)
        guard let error = doc["error"] as? [String: Any] else {
            Issue.record("no error object", sourceLocation: sourceLocation)
            return nil
        }
        #expect(Set(error.keys) == ["code", "message", "details"], sourceLocation: sourceLocation)
        guard let code = error["code"] as? String, let message = error["message"] as? String,
              let details = error["details"] as? [String: String], let requestID = doc["request_id"] as? String
        else {
            Issue.record("wrong member types: \(doc)", sourceLocation: sourceLocation)
            return nil
        }
        self.code = code
        self.message = message
        self.details = details
        self.requestID = requestID
    }
}
