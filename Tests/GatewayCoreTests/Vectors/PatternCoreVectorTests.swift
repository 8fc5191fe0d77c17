import Testing
import Upstream
@testable import GatewayCore

@Suite("Pattern core: vector ingest and search", .serialized)
struct PatternCoreVectorTests {
    let client: UpstreamClient
    init() throws { client = try UpstreamClient() }

    /// The nine models at `url`, every one with 4 dimensions (the fake answers [i, i+1, i+2, i+3]).
    func core(url: String, cacheTTL: Int? = nil, queue: MemoryBatchQueue = MemoryBatchQueue()) -> PatternCore {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = [url]
            m.vectorSize = 4
            m.timeout = 3
            if let cacheTTL { m.cacheTTL = cacheTTL }
            return m
        }
        var c = CoreConfiguration(registry: ModelRegistry(models: models))
        c.retryAttempts = 0
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: client, metrics: metrics, retryBaseDelay: .milliseconds(5))
        return PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: queue, metrics: metrics)
    }

    let ctx = CallContext(requestID: "t", protocolName: "rest")

    func seed(_ core: PatternCore, _ model: String = "general") async throws -> IngestOutcome {
        try await core.ingest(model: model, points: [
            VectorPoint(id: "near", vector: [0, 1, 2, 3], payload: ["lang": "en"]),
            VectorPoint(id: "mid", vector: [1, 1, 1, 1], payload: ["lang": "de"]),
            VectorPoint(id: "far", vector: [3, 2, 1, 0], payload: ["lang": "en"]),
        ], context: ctx)
    }

    /// Runs `body` and checks it fails with `code`, naming `field` when one is given.
    func expectError(_ code: ErrorCode, field: String? = nil, _ what: String,
                             _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(what): expected \(code)")
        } catch {
            guard let error = error as? GatewayError else { Issue.record("\(what): \(error)"); return }
            #expect(error.code == code, "\(what): \(error)")
            if let field { #expect(error.details.first { $0.0 == "field" }?.1 == field, "\(what): \(error)") }
        }
    }

    @Test func ingestThenSearchByVectorWithCacheAndInvalidation() async throws {
        let core = core(url: try closedPortURL())
        let ing = try await seed(core)
        #expect(ing.model == "general" && ing.ingested == 3 && ing.ids == ["near", "mid", "far"])
        let q = SearchQuery(model: "general", vector: [0, 1, 2, 3], limit: 2, context: ctx)
        let first = try await core.search(q)
        #expect(first.results.map(\.id) == ["near", "mid"] && !first.cached)
        #expect(abs(first.results[0].score - 1) < 1e-6)
        // mid: 6 / (√14 · 2)
        #expect(abs(Double(first.results[1].score) - 6 / (14.0.squareRoot() * 2)) < 1e-6)
        let second = try await core.search(q)
        #expect(second.cached && second.results == first.results)
        // Another limit, filter or threshold is another entry.
        #expect(try await core.search(SearchQuery(model: "general", vector: [0, 1, 2, 3], limit: 3, context: ctx)).cached == false)
        var filtered = q
        filtered.filter = ["lang": "en"]
        filtered.limit = 10
        #expect(try await core.search(filtered).results.map(\.id) == ["near", "far"])
        filtered.scoreThreshold = 0.5
        #expect(try await core.search(filtered).results.map(\.id) == ["near"])
        // Any ingest into the model invalidates; another model's does not.
        _ = try await core.ingest(model: "phi3", points: [VectorPoint(id: "x", vector: [1, 0, 0, 0])], context: ctx)
        #expect(try await core.search(q).cached)
        _ = try await core.ingest(model: "general", points: [VectorPoint(id: "new", vector: [0, 1, 2, 3.1])], context: ctx)
        let third = try await core.search(q)
        #expect(!third.cached && third.results.map(\.id) == ["near", "new"])
        #expect(try await core.search(q).cached)
    }

    @Test func generatedIDsAreUUIDs() async throws {
        let core = core(url: try closedPortURL())
        let out = try await core.ingest(model: "general", points: [
            VectorPoint(id: "", vector: [1, 0, 0, 0]), VectorPoint(id: "given", vector: [0, 1, 0, 0]),
            VectorPoint(id: "", vector: [0, 0, 1, 0]),
        ], context: ctx)
        #expect(out.ids[1] == "given")
        for id in [out.ids[0], out.ids[2]] {
            let groups = id.split(separator: "-").map(\.count)
            #expect(groups == [8, 4, 4, 4, 12] && id.dropFirst(14).first == "4", "\(id)")
        }
        #expect(out.ids[0] != out.ids[2])
        #expect(try await core.vectorStore.count(collection: "general") == 3)
    }

    @Test func textQueryIsEmbeddedNowEvenForABulkOnlyModel() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, queue: queue)
        _ = try await seed(core, "mixtral")
        let r = try await core.search(SearchQuery(model: "mixtral", text: "hello", limit: 3, context: ctx))
        // The fake embeds the first text as [0, 1, 2, 3]: "near" exactly.
        #expect(r.results.first?.id == "near" && abs((r.results.first?.score ?? 0) - 1) < 1e-6)
        #expect(r.model == "mixtral" && !r.cached)
        #expect(up.calls == 1)
        #expect(await queue.counts(model: "mixtral").pending == 0, "nothing was queued")
        // The repeat: the embedding comes from the cache and the results too.
        let again = try await core.search(SearchQuery(model: "mixtral", text: "hello", limit: 3, context: ctx))
        #expect(again.cached && up.calls == 1)
        // A search's text and an embed of it share the model's embedding cache entry.
        _ = try await core.search(SearchQuery(model: "general", text: "shared", context: ctx))
        guard case .completed(let e) = try await core.embed(EmbedCall(model: "general", texts: ["shared"], single: true, context: ctx)) else {
            Issue.record("general answers now"); return
        }
        #expect(e.cached && up.calls == 2)
    }

    @Test func textQueryFailsWithTheUpstreamError() async throws {
        let core = core(url: try closedPortURL())
        _ = try await seed(core)
        do {
            _ = try await core.search(SearchQuery(model: "general", text: "hello", context: ctx))
            Issue.record("expected an upstream failure")
        } catch {
            #expect([ErrorCode.upstreamError, .unavailable, .circuitOpen].contains(error.code), "\(error)")
        }
        let s = try #require(core.vectorStats(for: "general")).search.snapshot
        #expect(s.requests == 1 && s.errors == 1)
    }

    @Test func aliasAndCanonicalNames() async throws {
        let core = core(url: try closedPortURL())
        let ing = try await core.ingest(model: "yi34", points: [VectorPoint(id: "a", vector: [1, 2, 3, 4])], context: ctx)
        #expect(ing.model == "yi34b")
        let r = try await core.search(SearchQuery(model: "yi34b", vector: [1, 2, 3, 4], context: ctx))
        #expect(r.model == "yi34b" && r.results.map(\.id) == ["a"])
        #expect(try await core.search(SearchQuery(model: "yi34", vector: [1, 2, 3, 4], context: ctx)).cached)
    }

    @Test func badInputNamesTheField() async throws {
        let core = core(url: try closedPortURL())
        _ = try await seed(core)
        func q(_ model: String = "general", vector: [Float]? = [1, 0, 0, 0], text: String? = nil, limit: Int = 10,
               threshold: Float? = nil) -> SearchQuery {
            SearchQuery(model: model, vector: vector, text: text, limit: limit, scoreThreshold: threshold, context: ctx)
        }
        await expectError(.notFound, "unknown model search") { _ = try await core.search(q("gpt4")) }
        await expectError(.notFound, "unknown model ingest") {
            _ = try await core.ingest(model: "gpt4", points: [VectorPoint(id: "a", vector: [1])], context: ctx)
        }
        await expectError(.invalidArgument, field: "query_vector", "short vector") { _ = try await core.search(q(vector: [1, 0, 0])) }
        await expectError(.invalidArgument, field: "query_vector", "zero vector") { _ = try await core.search(q(vector: [0, 0, 0, 0])) }
        await expectError(.invalidArgument, field: "query_vector", "neither") { _ = try await core.search(q(vector: nil)) }
        await expectError(.invalidArgument, field: "query", "both") { _ = try await core.search(q(text: "x")) }
        await expectError(.invalidArgument, field: "query", "empty text") { _ = try await core.search(q(vector: nil, text: "")) }
        await expectError(.invalidArgument, field: "limit", "limit 0") { _ = try await core.search(q(limit: 0)) }
        await expectError(.invalidArgument, field: "limit", "limit 1001") { _ = try await core.search(q(limit: 1001)) }
        await expectError(.invalidArgument, field: "score_threshold", "NaN threshold") { _ = try await core.search(q(threshold: .nan)) }
        #expect(try await core.search(q(limit: 1000)).results.count == 3)
        await expectError(.invalidArgument, field: "points", "no points") {
            _ = try await core.ingest(model: "general", points: [], context: ctx)
        }
        await expectError(.invalidArgument, field: "points[3].vector", "wrong size") {
            let ok = VectorPoint(id: "", vector: [1, 0, 0, 0])
            _ = try await core.ingest(model: "general", points: [ok, ok, ok, VectorPoint(id: "w", vector: [1, 2])], context: ctx)
        }
        await expectError(.invalidArgument, field: "points[0].id", "huge id") {
            _ = try await core.ingest(model: "general", points: [VectorPoint(id: String(repeating: "i", count: 513), vector: [1, 0, 0, 0])],
                                      context: ctx)
        }
        await expectError(.payloadTooLarge, field: "points", "too many") {
            let many = [VectorPoint](repeating: VectorPoint(id: "", vector: [1, 0, 0, 0]), count: 10_001)
            _ = try await core.ingest(model: "general", points: many, context: ctx)
        }
        // The wrong-size message names the expected size.
        do {
            _ = try await core.search(q(vector: [1, 2]))
        } catch {
            #expect(error.message.contains("4") && error.details.contains { $0 == ("expected_size", "4") })
        }
        #expect(try await core.vectorStore.count(collection: "general") == 3, "failed ingests stored nothing")
    }

    @Test func countersForMetricsPages() async throws {
        let core = core(url: try closedPortURL())
        _ = try await seed(core)
        let q = SearchQuery(model: "general", vector: [1, 1, 1, 1], context: ctx)
        _ = try await core.search(q)
        _ = try await core.search(q)
        _ = try? await core.search(SearchQuery(model: "general", vector: [1], context: ctx))
        let stats = try #require(core.vectorStats(for: "general"))
        #expect(stats.search.snapshot.requests == 3 && stats.search.snapshot.errors == 1)
        #expect(stats.search.snapshot.cacheHits == 1 && stats.search.snapshot.cacheMisses == 1)
        #expect(stats.ingest.snapshot.requests == 1 && stats.ingest.snapshot.errors == 0)
        #expect(stats.search.latency.count == 3 && stats.ingest.latency.count == 1)
        let text = core.metricsRegistry.render()
        #expect(text.contains(#"pattern_vector_requests_total{model="general",operation="search",protocol="rest",outcome="success"} 2"#))
        #expect(text.contains(#"pattern_vector_requests_total{model="general",operation="search",protocol="rest",outcome="invalid_argument"} 1"#))
        #expect(text.contains(#"pattern_vector_requests_total{model="general",operation="ingest",protocol="rest",outcome="success"} 1"#))
        #expect(text.contains(#"pattern_search_cache_hits_total{model="general"} 1"#))
        #expect(text.contains(#"pattern_search_cache_misses_total{model="general"} 1"#))
        #expect(text.contains(#"pattern_vector_points{model="general"} 3"#))
        #expect(text.contains(#"pattern_vector_request_duration_seconds_count{model="general",operation="search"} 3"#))
    }

    @Test func noCachingWhenTheTTLIsZero() async throws {
        let core = core(url: try closedPortURL(), cacheTTL: 0)
        _ = try await seed(core)
        let q = SearchQuery(model: "general", vector: [1, 1, 1, 1], context: ctx)
        #expect(try await core.search(q).cached == false)
        #expect(try await core.search(q).cached == false)
    }

    @Test("the search key covers every input")
    func searchKeys() {
        let base = StoreSearch(vector: [1, 2, 3], limit: 10, filter: ["a": "b"], scoreThreshold: 0.5)
        var variants = [base]
        variants.append(StoreSearch(vector: [1, 2, 3.0001], limit: 10, filter: ["a": "b"], scoreThreshold: 0.5))
        variants.append(StoreSearch(vector: [1, 2, 3], limit: 11, filter: ["a": "b"], scoreThreshold: 0.5))
        variants.append(StoreSearch(vector: [1, 2, 3], limit: 10, filter: ["a": "c"], scoreThreshold: 0.5))
        variants.append(StoreSearch(vector: [1, 2, 3], limit: 10, filter: ["ab": ""], scoreThreshold: 0.5))
        variants.append(StoreSearch(vector: [1, 2, 3], limit: 10, filter: [:], scoreThreshold: 0.5))
        variants.append(StoreSearch(vector: [1, 2, 3], limit: 10, filter: ["a": "b"], scoreThreshold: nil))
        variants.append(StoreSearch(vector: [1, 2, 3], limit: 10, filter: ["a": "b"], scoreThreshold: 0.6))
        var keys = Set(variants.map { VectorRuntime.searchKey(model: "m", generation: (0, 0), search: $0) })
        keys.insert(VectorRuntime.searchKey(model: "m", generation: (1, 0), search: base))
        keys.insert(VectorRuntime.searchKey(model: "n", generation: (0, 0), search: base))
        keys.insert(VectorRuntime.searchKey(model: "m", generation: (0, 1), search: base))
        #expect(keys.count == variants.count + 3)
        let two = StoreSearch(vector: [1], limit: 1, filter: ["x": "1", "y": "2"])
        let same = StoreSearch(vector: [1], limit: 1, filter: ["y": "2", "x": "1"])
        #expect(VectorRuntime.searchKey(model: "m", generation: (0, 0), search: two) == VectorRuntime.searchKey(model: "m", generation: (0, 0), search: same))
        #expect(VectorRuntime.searchKey(model: "m", generation: (0, 0), search: base).hasPrefix("pattern:m:search:"))
    }
}
