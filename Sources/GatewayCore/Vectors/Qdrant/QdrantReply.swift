import JSON
import Upstream

/// Reads Qdrant's answers: `{"result": ..., "status": "ok", "time": ...}` on success,
/// `{"status": {"error": "..."}, "time": ...}` otherwise, and maps the statuses to spec §2.
enum QdrantReply {
    /// Answers are small (search hits carry payloads, not vectors), but a payload may be large.
    static let limits = JSONLimits(maxBytes: 64 << 20)

    /// The verdict on one answer. `expected(status, qdrantError)` may turn a status the
    /// operation expects (a 404 for a missing collection, a 409 for one that exists) into a
    /// value; `qdrantError` is nil unless the body is Qdrant's error envelope. `read` gets the
    /// `result` of a 2xx answer.
    static func verdict<Value: Sendable>(
        _ response: UpstreamResponse, endpoint: String, collection: String,
        expected: (Int, String?) -> Value?, read: (JSONValue) throws(GatewayError) -> Value
    ) -> UpstreamVerdict<Value> {
        let status = response.status
        guard (200..<300).contains(status) else {
            let message = errorMessage(response.body)
            if let value = expected(status, message) { return .success(value) }
            return failure(status: status, message: message, endpoint: endpoint, collection: collection)
        }
        do {
            guard let result = try JSON.parse(response.body, limits: limits)["result"] else {
                return malformed(endpoint, "has no \"result\"")
            }
            return .success(try read(result))
        } catch let error as JSONError {
            return malformed(endpoint, "is not JSON (\(error))")
        } catch let error as GatewayError {
            return .failure(error, endpointFault: true, retryable: false)
        } catch {
            return malformed(endpoint, "could not be read")
        }
    }

    /// Qdrant's own sentence from an error body, if the body is one.
    static func errorMessage(_ body: [UInt8]) -> String? {
        guard let doc = try? JSON.parse(body, limits: limits) else { return nil }
        return doc["status"]?["error"]?.stringValue
    }

    /// A 2xx answer whose `result` lacks what the operation needs: Qdrant (or whatever answers
    /// at its address) is at fault, and asking again would get the same.
    static func shape(_ what: String) -> GatewayError {
        GatewayError(.upstreamError, "qdrant answered without \(what)")
    }

    /// The caller's fault (400, 422: Qdrant named what it disliked) is `invalid_argument` with
    /// Qdrant's sentence; anything else is `upstream_error`, retried for 502/503/504.
    private static func failure<Value>(status: Int, message: String?, endpoint: String,
                                       collection: String) -> UpstreamVerdict<Value> {
        let details = [("collection", collection), ("upstream_status", String(status))]
        if status == 400 || status == 422 {
            let error = GatewayError(.invalidArgument,
                                     "qdrant rejected the request for collection \(collection): \(message ?? "HTTP \(status)")",
                                     details: details)
            return .failure(error, endpointFault: false, retryable: false)
        }
        var sentence = "qdrant at \(endpoint) answered HTTP \(status)"
        if let message { sentence += ": \(message)" }
        if status == 401 || status == 403 { sentence += " (check QDRANT_API_KEY)" }
        return .unexpected(status: status, GatewayError(.upstreamError, sentence, details: details))
    }

    private static func malformed<Value>(_ endpoint: String, _ what: String) -> UpstreamVerdict<Value> {
        .failure(GatewayError(.upstreamError, "the answer of qdrant at \(endpoint) \(what)"), endpointFault: true,
                 retryable: false)
    }
}
