import JSON
import Testing
import Upstream
@testable import GatewayCore

@Suite("Qdrant answers and errors")
struct QdrantReplyTests {
    private func response(_ status: Int, _ body: String, headers: [(String, String)] = []) -> UpstreamResponse {
        UpstreamResponse(status: status, headers: headers, body: Array(body.utf8), totalMicroseconds: 0, connectMicroseconds: 0)
    }

    private func verdict(_ status: Int, _ body: String) -> UpstreamVerdict<String> {
        QdrantReply.verdict(response(status, body), endpoint: "http://127.0.0.1:6333", collection: "general",
                            expected: { status, message in status == 404 && message != nil ? "missing" : nil },
                            read: { (result: JSONValue) throws(GatewayError) -> String in
                                guard let s = result.stringValue else { throw QdrantReply.shape("a string") }
                                return s
                            })
    }

    /// What the pool makes of the verdict under the vector store's retry policy.
    private func failure(_ v: UpstreamVerdict<String>) -> (GatewayError, fault: Bool, retry: Bool)? {
        v.failure(under: .vectorStore(maxRetries: 3)).map { ($0.error, $0.endpointFault, $0.retryable) }
    }

    @Test("a 2xx answer gives its result to the reader")
    func success() {
        guard case .success(let s) = verdict(200, #"{"result":"done","status":"ok","time":0.001}"#) else {
            Issue.record("expected success")
            return
        }
        #expect(s == "done")
    }

    @Test("a 404 in Qdrant's envelope is what the operation expects; a bare 404 is not")
    func notFound() throws {
        guard case .success(let s) = verdict(404, #"{"status":{"error":"Not found: Collection `general` doesn't exist!"},"time":0}"#)
        else { Issue.record("expected the missing value"); return }
        #expect(s == "missing")
        let (e, fault, retry) = try #require(failure(verdict(404, "<html>no</html>")))
        #expect(e.code == .upstreamError && !fault && !retry)
    }

    @Test("400 and 422 are the caller's: invalid_argument with Qdrant's sentence, breaker untouched")
    func callersFault() throws {
        for status in [400, 422] {
            let (e, fault, retry) = try #require(failure(verdict(
                status, #"{"status":{"error":"Wrong input: Vector dimension error: expected dim: 384, got 3"},"time":0}"#)))
            #expect(e.code == .invalidArgument && e.code.httpStatus == 400)
            #expect(e.message.contains("Vector dimension error: expected dim: 384, got 3"))
            #expect(e.details.contains { $0 == ("collection", "general") })
            #expect(!fault && !retry)
        }
    }

    @Test("5xx are upstream_error against the endpoint; only 502/503/504 are retried")
    func serverFault() throws {
        for (status, retried) in [(500, false), (502, true), (503, true), (504, true)] {
            let (e, fault, retry) = try #require(failure(verdict(status, #"{"status":{"error":"boom"},"time":0}"#)))
            #expect(e.code == .upstreamError && e.code.httpStatus == 502)
            #expect(e.message == "qdrant at http://127.0.0.1:6333 answered HTTP \(status): boom")
            #expect(fault && retry == retried)
        }
    }

    @Test("a refused API key is upstream_error naming the setting, never the key")
    func unauthorized() throws {
        let (e, fault, _) = try #require(failure(verdict(401, #"{"status":{"error":"Must provide an API key"},"time":0}"#)))
        #expect(e.code == .upstreamError && e.message.contains("QDRANT_API_KEY") && !fault)
    }

    @Test("a 2xx that is not Qdrant's envelope is a malformed answer: the endpoint's fault, not retried")
    func malformed() throws {
        for body in ["not json", #"{"status":"ok"}"#, #"{"result":42}"#] {
            let (e, fault, retry) = try #require(failure(verdict(200, body)))
            #expect(e.code == .upstreamError && fault && !retry, "\(body)")
        }
    }

    @Test("hits: the gateway's ids restored, the reserved key taken out, foreign values as JSON text")
    func hits() throws {
        let result = try JSON.parse(#"""
            [{"id":"22f9f23d-f0e8-5ae4-a200-3b83769a4418","version":3,"score":0.75,"payload":{"k":"v","_gateway_id":"a1"}},
             {"id":7,"version":1,"score":1.0000001,"payload":{"n":5,"tags":["x"]}},
             {"id":"0e926893-6b2e-5272-af63-a5af0d5aed33","version":1,"score":-0.5,"payload":null}]
            """#)
        let hits = try QdrantResult.hits(result)
        #expect(hits == [
            ScoredPoint(id: "a1", score: 0.75, payload: ["k": "v"]),
            ScoredPoint(id: "7", score: 1, payload: ["n": "5", "tags": #"["x"]"#]),
            ScoredPoint(id: "0e926893-6b2e-5272-af63-a5af0d5aed33", score: -0.5, payload: [:]),
        ])
        #expect(throws: GatewayError.self) { try QdrantResult.hits(try JSON.parse(#"[{"id":"x"}]"#)) }
        #expect(throws: GatewayError.self) { try QdrantResult.hits(try JSON.parse(#"{"id":"x"}"#)) }
    }

    @Test("collection info: size, distance and points_count (null while being set up)")
    func collectionInfo() throws {
        let info = try QdrantResult.collectionInfo(try JSON.parse(#"""
            {"status":"green","points_count":12,"config":{"params":{"vectors":{"size":384,"distance":"Cosine"}}}}
            """#))
        #expect(info == .init(size: 384, distance: "Cosine", pointsCount: 12))
        let named = try QdrantResult.collectionInfo(try JSON.parse(#"""
            {"points_count":null,"config":{"params":{"vectors":{"text":{"size":384,"distance":"Dot"}}}}}
            """#))
        #expect(named == .init(size: nil, distance: nil, pointsCount: 0))
        #expect(throws: GatewayError.self) { try QdrantResult.collectionInfo(try JSON.parse(#"{"points_count":"many"}"#)) }
    }
}
