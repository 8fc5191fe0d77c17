import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import Testing
import Upstream

@testable import RESTAPI

@Suite("Vector routes", .serialized)
struct VectorRoutesTests {
    let router: RESTRouter
    let core: PatternCore

    /// The nine models at an address nothing listens on, `general` with 3 dimensions: vector
    /// requests never go upstream, and a text query fails as an upstream outage does.
    init() throws {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = ["http://127.0.0.1:9"]
            m.timeout = 2
            if m.name == "general" { m.vectorSize = 3 }
            return m
        }
        var c = CoreConfiguration(registry: ModelRegistry(models: models))
        c.retryAttempts = 0
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: try UpstreamClient(), metrics: metrics)
        core = PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: NoQueue(), metrics: metrics)
        router = RESTRouter(core: core, diagnostics: true)
    }

    private func post(_ path: String, _ body: String) async -> RecordingResponseWriter.Recorded {
        await send(makeRequest("POST", path, body: Array(body.utf8)), to: router)
    }

    private func ingestSample() async throws {
        let r = await post("/api/v1/patterns/general/ingest", #"""
            {"vectors":[{"id":"a","vector":[1,0,0],"payload":{"kind":"x"}},
                        {"id":"b","vector":[1,1,0],"payload":{"kind":"y"}},
                        {"id":"c","vector":[0,1,1]}]}
            """#)
        #expect(r.status == 200, "\(r.bodyString)")
    }

    @Test func ingestAnswersIDsAndSearchRanksByCosine() async throws {
        let r = await post("/api/v1/patterns/general/ingest",
                           #"{"vectors":[{"id":"a","vector":[1,0,0],"payload":{"kind":"x"}},{"id":"b","vector":[1,1,0],"payload":{"kind":"y"}},{"id":"c","vector":[0,1,1]}]}"#)
        #expect(r.status == 200)
        let o = try #require(jsonObject(r.body))
        #expect(o["status"] as? String == "ok" && o["model"] as? String == "general")
        #expect(o["ingested"] as? Int == 3 && o["ids"] as? [String] == ["a", "b", "c"])

        let s = await post("/api/v1/patterns/general/search", #"{"query_vector":[1,0.5,0],"limit":2}"#)
        #expect(s.status == 200, "\(s.bodyString)")
        #expect(s.headers["x-cache"] == "MISS")
        let body = try #require(jsonObject(s.body))
        #expect(Set(body.keys) == ["model", "results", "cached", "took_ms"])
        #expect(body["cached"] as? Bool == false && body["model"] as? String == "general")
        let results = try #require(body["results"] as? [[String: Any]])
        #expect(results.map { $0["id"] as? String } == ["b", "a"])
        let q = 1.25.squareRoot()
        #expect(abs((results[0]["score"] as? Double ?? 0) - 1.5 / (2.0.squareRoot() * q)) < 1e-6)
        #expect(abs((results[1]["score"] as? Double ?? 0) - 1 / q) < 1e-6)
        #expect(results[0]["payload"] as? [String: String] == ["kind": "y"])

        // The alias path, the same query: a cache hit.
        let again = await post("/api/v1/models/general/search", #"{"query_vector":[1,0.5,0],"limit":2}"#)
        #expect(again.status == 200 && again.headers["x-cache"] == "HIT")
        #expect(jsonObject(again.body)?["cached"] as? Bool == true)
    }

    @Test func aRepeatedBodyIsServedFromTheCacheUntilTheNextIngest() async throws {
        try await ingestSample()
        let body = #"{"query_vector":[1,0.5,0],"limit":2}"#
        let first = await post("/api/v1/patterns/general/search", body)
        let again = await post("/api/v1/patterns/general/search", body)
        #expect(first.headers["x-cache"] == "MISS" && again.headers["x-cache"] == "HIT")
        let results = { (r: RecordingResponseWriter.Recorded) in
            (jsonObject(r.body)?["results"] as? [[String: Any]])?.map { $0["id"] as? String } ?? []
        }
        #expect(results(first) == ["b", "a"] && results(again) == ["b", "a"])
        // Other bytes, the same query: the canonical key still finds it.
        let respaced = await post("/api/v1/patterns/general/search", #"{ "limit": 2, "query_vector": [1, 0.5, 0.0] }"#)
        #expect(respaced.headers["x-cache"] == "HIT" && results(respaced) == ["b", "a"])
        // An ingest makes both kinds of entry unreachable.
        let r = await post("/api/v1/patterns/general/ingest", #"{"vectors":[{"id":"best","vector":[1,0.5,0]}]}"#)
        #expect(r.status == 200)
        let after = await post("/api/v1/patterns/general/search", body)
        #expect(after.headers["x-cache"] == "MISS" && results(after) == ["best", "b"])
        let s = try #require(core.vectorStats(for: "general")).search.snapshot
        #expect(s.requests == 4 && s.cacheHits == 2 && s.cacheMisses == 2)
        // A bad body is never answered from the cache, whatever came before it.
        let bad = await post("/api/v1/patterns/general/search", #"{"query_vector":[1,0.5],"limit":2}"#)
        #expect(bad.status == 400)
    }

    @Test func plainArraysGetGeneratedIDsAndFilterAndThresholdApply() async throws {
        try await ingestSample()
        let r = await post("/api/v1/patterns/general/ingest", "{\"vectors\":[[0,0,1],[0,1,0]]}")
        #expect(r.status == 200)
        let ids = try #require(jsonObject(r.body)?["ids"] as? [String])
        #expect(ids.count == 2 && ids.allSatisfy { $0.count == 36 })
        let f = await post("/api/v1/patterns/general/search", #"{"query_vector":[1,0.5,0],"filter":{"kind":"x"}}"#)
        let fr = try #require(jsonObject(f.body)?["results"] as? [[String: Any]])
        #expect(fr.map { $0["id"] as? String } == ["a"])
        let t = await post("/api/v1/patterns/general/search", #"{"query_vector":[1,0.5,0],"score_threshold":0.9}"#)
        let tr = try #require(jsonObject(t.body)?["results"] as? [[String: Any]])
        #expect(tr.map { $0["id"] as? String } == ["b"])
    }

    @Test("bad requests name their field", arguments: [
        ("/api/v1/patterns/general/ingest", #"{"vectors":[[1,0,0],[1,0,0],[1,0,0],[1,2]]}"#, 400, "vectors[3]"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":[{"id":"a","vector":[1,0,0],"payload":{"n":2}}]}"#, 400, "vectors[0].payload.n"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":[{"id":"a","vector":[0,0,0]}]}"#, 400, "vectors[0]"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":[{"id":"a"}]}"#, 400, "vectors[0].vector"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":[{"id":true,"vector":[1,0,0]}]}"#, 400, "vectors[0].id"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":[{"vector":[1,"x",0]}]}"#, 400, "vectors[0].vector"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":["a"]}"#, 400, "vectors[0]"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":{}}"#, 400, "vectors"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":[]}"#, 400, "vectors"),
        ("/api/v1/patterns/general/ingest", #"{}"#, 400, "vectors"),
        ("/api/v1/patterns/general/ingest", #"{"texts":[]}"#, 400, "texts"),
        ("/api/v1/patterns/general/ingest", #"{"texts":["a",""]}"#, 400, "texts[1]"),
        ("/api/v1/patterns/general/ingest", #"{"texts":["a",1]}"#, 400, "texts[1]"),
        ("/api/v1/patterns/general/ingest", #"{"texts":["a","b"],"payloads":[{}]}"#, 400, "payloads"),
        ("/api/v1/patterns/general/ingest", #"{"texts":["a"],"payloads":[{"n":1}]}"#, 400, "payloads[0].n"),
        ("/api/v1/patterns/general/ingest", #"{"texts":["a"],"ids":["x","y"]}"#, 400, "ids"),
        ("/api/v1/patterns/general/ingest", #"{"texts":["a"],"ids":[""]}"#, 400, "ids[0]"),
        ("/api/v1/patterns/general/ingest", #"{"vectors":[[1,0,0]]"#, 400, "body"),
        ("/api/v1/patterns/general/search", #"{"query_vector":[1,0]}"#, 400, "query_vector"),
        ("/api/v1/patterns/general/search", #"{"query_vector":[1,0,0],"filter":{"k":1}}"#, 400, "filter.k"),
        ("/api/v1/patterns/general/search", #"{"query_vector":[1,0,0],"limit":1001}"#, 400, "limit"),
        ("/api/v1/patterns/general/search", #"{}"#, 400, "query_vector"),
        ("/api/v1/patterns/gpt4/search", #"{"query_vector":[1,0,0]}"#, 404, "model"),
        ("/api/v1/patterns/gpt4/ingest", #"not json"#, 404, "model"),
    ])
    func badRequests(_ path: String, _ body: String, _ status: Int, _ field: String) async throws {
        let r = await post(path, body)
        #expect(r.status == status, "\(body): \(r.bodyString)")
        let e = try #require(ErrorBody(r.body))
        #expect(e.code == (status == 404 ? "not_found" : "invalid_argument"))
        #expect(e.details[field == "model" ? "model" : "field"] == (field == "model" ? "gpt4" : field), "\(body): \(e.message)")
    }

    @Test func wrongSizeNamesTheExpectedSize() async throws {
        let r = await post("/api/v1/patterns/general/ingest", #"{"vectors":[[1,0,0,0]]}"#)
        let e = try #require(ErrorBody(r.body))
        #expect(e.details["expected_size"] == "3" && e.message.contains("vectors[0]") && e.message.contains("3"))
    }

    @Test func aliasModelAnswersCanonically() async throws {
        let v = "[" + Array(repeating: "0.5", count: 4096).joined(separator: ",") + "]"
        let r = await post("/api/v1/patterns/yi34/ingest", "{\"vectors\":[{\"id\":\"p\",\"vector\":\(v)}]}")
        #expect(r.status == 200 && jsonObject(r.body)?["model"] as? String == "yi34b")
        let s = await post("/api/v1/patterns/yi34/search", "{\"query_vector\":\(v)}")
        #expect(jsonObject(s.body)?["model"] as? String == "yi34b")
    }

    @Test func textQueryWithTheUpstreamDownIsAnUpstreamError() async throws {
        try await ingestSample()
        let r = await post("/api/v1/patterns/general/search", #"{"query":"hello"}"#)
        #expect([502, 503].contains(r.status), "\(r.bodyString)")
    }

    @Test func onlyPostAndOnlyTheseActions() async throws {
        let g = await send(makeRequest("GET", "/api/v1/patterns/general/search"), to: router)
        #expect(g.status == 405 && g.headers["allow"] == "POST")
        let other = await post("/api/v1/patterns/general/delete", "{}")
        #expect(other.status == 404)
        // The diagnostics route still decodes search bodies on its own.
        let d = await post("/debug/decode-search", #"{"query_vector":[3,4],"filter":{"k":"v"}}"#)
        #expect(d.status == 200 && jsonObject(d.body)?["filter_keys"] as? Int == 1)
    }
}

/// For route tests that never queue (the vector routes, the OpenAI API); any use of the queue is
/// a test failure.
struct NoQueue: BatchQueue {
    func enqueue(_ job: BatchJob) async throws(GatewayError) -> Int { throw GatewayError(.internalError, "no queue in this test") }
    func claim(model: String, maxTexts: Int, consumer: String) async throws(GatewayError) -> [BatchJob] { [] }
    func complete(jobID: String, embeddings: [[Float]]) async throws(GatewayError) {}
    func complete(jobID: String, outputs: [GeneratedText]) async throws(GatewayError) {}
    func cancel(jobIDs: [String], reason: String) async throws(GatewayError) -> [String] { [] }
    func fail(jobID: String, reason: String, retry: Bool) async throws(GatewayError) {}
    func record(jobID: String) async -> BatchRecord? { nil }
    func counts(model: String) async -> QueueCounts { QueueCounts() }
    func pendingJobs(model: String) async -> Int { 0 }
}

@Suite("Ingest body decoder")
struct IngestBodyDecoderTests {
    @Test func bothFormsMixedIntegerIDsAndNullPayload() throws {
        let body = #"{"extra":{"x":[1]},"vectors":[ [1, 2.5] , {"payload":null,"vector":[3,4],"id":7,"note":"x"}, {"id":"s","vector":[5,6],"payload":{"k":"v"}} ]}"#
        let points = try Self.points(body)
        #expect(points == [
            VectorPoint(id: "", vector: [1, 2.5]),
            VectorPoint(id: "7", vector: [3, 4]),
            VectorPoint(id: "s", vector: [5, 6], payload: ["k": "v"]),
        ])
    }

    @Test func moreThanTheLimitIsPayloadTooLarge() throws {
        let body = "{\"vectors\":[" + Array(repeating: "[1]", count: VectorChecks.maxPoints + 1).joined(separator: ",") + "]}"
        do {
            _ = try IngestBodyDecoder.decode(Array(body.utf8))
            Issue.record("accepted 10,001 vectors")
        } catch {
            #expect(error.code == .payloadTooLarge && error.details.first?.1 == "vectors")
        }
        let atLimit = "{\"vectors\":[" + Array(repeating: "[1]", count: VectorChecks.maxPoints).joined(separator: ",") + "]}"
        #expect(try Self.points(atLimit).count == VectorChecks.maxPoints)
    }

    static func points(_ body: String) throws -> [VectorPoint] {
        guard case .points(let p) = try IngestBodyDecoder.decode(Array(body.utf8)) else {
            Issue.record("not a vectors body: \(body)")
            return []
        }
        return p
    }

    @Test func textsWithPayloadsIDsAndUrgencyInAnyOrder() throws {
        let body = #"{"payloads":[{"k":"v"},null],"texts":["a","b"],"urgent":true,"ids":["i1","i2"],"priority":7}"#
        guard case .texts(let t) = try IngestBodyDecoder.decode(Array(body.utf8)) else {
            Issue.record("not a texts body")
            return
        }
        #expect(t.texts == ["a", "b"] && t.ids == ["i1", "i2"] && t.urgent == true && t.priority == 7)
        #expect(t.payloads == [["k": "v"], [:]])
    }

    @Test("bad bodies name their field", arguments: [
        (#"[]"#, "body"),
        (#"{"vectors":[[1],]}"#, "body"),
        (#"{"vectors":[[1]],"texts":["a"]}"#, "texts"),
        (#"{"vectors":[{"id":-1,"vector":[1]}]}"#, "vectors[0].id"),
        (#"{"vectors":[[1],{"vector":[1],"payload":[1]}]}"#, "vectors[1].payload"),
        (#"{"vectors":[[1],[1e39]]}"#, "vectors[1]"),
        (#"{"vectors":[null]}"#, "vectors[0]"),
    ])
    func badBodies(_ body: String, _ field: String) {
        do {
            _ = try IngestBodyDecoder.decode(Array(body.utf8))
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.details.first { $0.0 == "field" }?.1 == field, "\(body): \(error.message)")
        }
    }
}
