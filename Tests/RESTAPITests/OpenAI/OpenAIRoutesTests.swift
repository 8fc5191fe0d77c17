import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import Testing

@testable import RESTAPI

/// The OpenAI routes up to the core, with every upstream unreachable (the live answers are
/// Tests/e2e/test_openai.py's, against the simulator and the real SDK).
@Suite("OpenAI routes", .serialized)
struct OpenAIRoutesTests {
    let router: RESTRouter

    init() throws {
        router = RESTRouter(core: try unreachableCore())
    }

    private func error(_ r: RecordingResponseWriter.Recorded) throws -> [String: Any] {
        #expect(r.headers["Content-Type"] == "application/json")
        let body = try #require(jsonObject(r.body))
        #expect(Set(body.keys) == ["error"], "\(r.bodyString)")
        let e = try #require(body["error"] as? [String: Any])
        #expect(Set(e.keys) == ["message", "type", "param", "code"], "\(r.bodyString)")
        return e
    }

    private func post(_ path: String, _ body: String) async -> RecordingResponseWriter.Recorded {
        await send(makeRequest("POST", path, body: Array(body.utf8)), to: router)
    }

    @Test func theNineModelsWithTheirPatternAsOwner() async throws {
        let r = await send(makeRequest("GET", "/v1/models"), to: router)
        #expect(r.status == 200)
        let body = try #require(jsonObject(r.body))
        #expect(body["object"] as? String == "list")
        let data = try #require(body["data"] as? [[String: Any]])
        #expect(data.map { $0["id"] as? String } == ModelRegistry.defaults.map(\.name))
        #expect(data.map { $0["owned_by"] as? String } == ModelRegistry.defaults.map(\.pattern.rawValue))
        #expect(data.allSatisfy { $0["object"] as? String == "model" && ($0["created"] as? Int ?? 0) > 1_600_000_000 })
    }

    @Test func anAliasAnswersAsItsModelAndAnUnknownOneIs404() async throws {
        let r = await send(makeRequest("GET", "/v1/models/yi34"), to: router)
        #expect(r.status == 200 && jsonObject(r.body)?["id"] as? String == "yi34b")
        let missing = await send(makeRequest("GET", "/v1/models/gpt-4"), to: router)
        #expect(missing.status == 404)
        let e = try error(missing)
        #expect(e["type"] as? String == "not_found_error" && e["code"] as? String == "model_not_found")
    }

    @Test("a bulk_only model is refused, pointing at the Batch API", arguments: [
        ("/v1/embeddings", #"{"model":"mixtral","input":"x"}"#),
        ("/v1/completions", #"{"model":"yi34","prompt":"x"}"#),
        ("/v1/chat/completions", #"{"model":"deepseek","messages":[{"role":"user","content":"x"}],"stream":true}"#),
    ])
    func bulkOnly(_ path: String, _ body: String) async throws {
        let r = await post(path, body)
        #expect(r.status == 400)
        let e = try error(r)
        #expect(e["param"] as? String == "model" && e["type"] as? String == "invalid_request_error")
        #expect((e["message"] as? String)?.contains("Batch API") == true, "\(e)")
    }

    @Test func aBadFieldIsNamedInParam() async throws {
        let r = await post("/v1/embeddings", #"{"model":"general","input":[[1,2]]}"#)
        #expect(r.status == 400)
        let e = try error(r)
        #expect(e["param"] as? String == "input" && e["code"] as? String == "unsupported")
        let d = await post("/v1/embeddings", #"{"model":"general","input":"x","dimensions":3}"#)
        #expect(try error(d)["param"] as? String == "dimensions")
        let m = await post("/v1/chat/completions", #"{"model":"general","messages":[{"role":"user","content":"x"}],"max_completion_tokens":5000}"#)
        #expect(try m.status == 400 && error(m)["param"] as? String == "max_completion_tokens")
        let unknown = await post("/v1/completions", #"{"model":"gpt-4","prompt":"x"}"#)
        #expect(try unknown.status == 404 && error(unknown)["code"] as? String == "model_not_found")
    }

    /// The sync API cannot say "queued": a hybrid model whose upstream is down answers the error
    /// (the test's queue refuses every job, so a queued call would be a 500).
    @Test("a hybrid model with its upstream down answers the error, not a job", arguments: [
        ("/v1/embeddings", #"{"model":"hermes","input":"x"}"#),
        ("/v1/completions", #"{"model":"openchat","prompt":"x","max_tokens":3}"#),
    ])
    func hybridDown(_ path: String, _ body: String) async throws {
        let r = await post(path, body)
        #expect(r.status == 502 || r.status == 503, "\(r.bodyString)")
        #expect(try error(r)["type"] as? String == "server_error")
    }

    @Test("unknown paths and wrong methods under /v1 answer in OpenAI's shape", arguments: [
        ("GET", "/v1/nope", 404, ""), ("POST", "/v1/models", 405, "GET"), ("GET", "/v1/embeddings", 405, "POST"),
    ])
    func routeErrors(_ method: String, _ path: String, _ status: Int, _ allow: String) async throws {
        let r = await send(makeRequest(method, path), to: router)
        #expect(r.status == status)
        _ = try error(r)
        #expect(r.headers["Allow"] == (allow.isEmpty ? nil : allow))
        #expect(r.headers["X-Request-Id"] != nil)
    }

    @Test func aTooLargeBodyIs413() async throws {
        let big = RequestBody(bytes: Array(repeating: UInt8(ascii: " "), count: OpenAIRoutes.maxBodyBytes + 1))
        let r = await send(makeRequest("POST", "/v1/embeddings", body: big), to: router)
        #expect(try r.status == 413 && error(r)["code"] as? String == "payload_too_large")
    }
}
