import JSON
import Synchronization
import Testing
import Upstream
@testable import GatewayCore

@Suite("Qdrant vector store over a scripted Qdrant", .serialized)
struct QdrantVectorStoreTests {
    let client: UpstreamClient
    let general = VectorCollection(name: "general", dimensions: 3, indexM: 16, indexEfConstruct: 200)

    init() throws {
        client = try UpstreamClient()
    }

    private func points(_ ids: String...) -> [VectorPoint] {
        ids.enumerated().map { VectorPoint(id: $0.element, vector: [1, Float($0.offset), 0], payload: ["n": String($0.offset)]) }
    }

    @Test("first use: looked up, created with the model's shape, then remembered; api-key on every call")
    func createsOnce() async throws {
        let created = Atomic<Bool>(false)
        let q = try FakeQdrant { call in
            switch (call.method, call.target) {
            case ("GET", "/collections/general"):
                created.load(ordering: .relaxed) ? .collection(size: 3) : .missing("general")
            case ("PUT", "/collections/general"):
                { created.store(true, ordering: .relaxed); return .ok("true") }()
            default: .done
            }
        }
        defer { q.stop() }
        let store = q.store(client: client)
        try await store.upsert(points("a", "b"), into: general, wait: true)
        try await store.upsert(points("c"), into: general, wait: false)
        #expect(q.lines == ["GET /collections/general", "PUT /collections/general",
                            "PUT /collections/general/points?wait=true", "PUT /collections/general/points?wait=false"])
        #expect(q.calls[1].body == JSON.parse(string: #"{"vectors":{"size":3,"distance":"Cosine"},"hnsw_config":{"m":16,"ef_construct":200}}"#))
        #expect(q.calls.allSatisfy { $0.apiKey == "k-123" })
        let sent = try #require(q.calls[2].body?["points"]?.arrayValue)
        #expect(sent.map { $0["id"]?.stringValue } == [QdrantPointID.uuid(for: "a"), QdrantPointID.uuid(for: "b")])
        #expect(sent.map { $0["payload"]?[QdrantPointID.payloadKey]?.stringValue } == ["a", "b"])
    }

    @Test("an existing collection of another size or distance is a clear error, never used")
    func wrongShape() async throws {
        for reply in [FakeQdrant.Reply.collection(size: 768), .collection(size: 3, distance: "Dot")] {
            let q = try FakeQdrant { call in call.method == "GET" ? reply : .done }
            defer { q.stop() }
            do {
                try await q.store(client: client).upsert(points("a"), into: general, wait: true)
                Issue.record("expected an error")
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("general"))
            }
            #expect(q.lines == ["GET /collections/general"])
        }
    }

    @Test("another instance created it first (409): looked up again and used")
    func createRace() async throws {
        let gets = Atomic<Int>(0)
        let q = try FakeQdrant { call in
            switch (call.method, call.target) {
            case ("GET", _): gets.add(1, ordering: .relaxed).newValue == 1 ? .missing("general") : .collection(size: 3)
            case ("PUT", "/collections/general"): .error(409, "Wrong input: Collection `general` already exists!")
            default: .done
            }
        }
        defer { q.stop() }
        try await q.store(client: client).upsert(points("a"), into: general, wait: true)
        #expect(q.lines == ["GET /collections/general", "PUT /collections/general", "GET /collections/general",
                            "PUT /collections/general/points?wait=true"])
    }

    @Test("dropped behind our back (404 on upsert): created again and the chunk resent")
    func recreatesAfter404() async throws {
        let upserts = Atomic<Int>(0)
        let q = try FakeQdrant { call in
            switch (call.method, call.target) {
            case ("GET", _): .missing("general")
            case ("PUT", "/collections/general"): .ok("true")
            default: upserts.add(1, ordering: .relaxed).newValue == 2 ? .missing("general") : .done
            }
        }
        defer { q.stop() }
        let store = q.store(client: client)
        try await store.upsert(points("a"), into: general, wait: true)
        try await store.upsert(points("b"), into: general, wait: true)
        #expect(q.lines == ["GET /collections/general", "PUT /collections/general", "PUT /collections/general/points?wait=true",
                            "PUT /collections/general/points?wait=true", "GET /collections/general",
                            "PUT /collections/general", "PUT /collections/general/points?wait=true"])
    }

    @Test("big upserts go in chunks; equal ids collapse to the last")
    func chunks() async throws {
        let q = try FakeQdrant { call in call.method == "GET" ? .collection(size: 3) : .done }
        defer { q.stop() }
        let many = (0..<25).map { VectorPoint(id: "p\($0 % 23)", vector: [1, Float($0), 2]) }
        try await q.store(maxChunkPoints: 10, client: client).upsert(many, into: general, wait: true)
        let bodies = q.calls.dropFirst().compactMap { $0.body?["points"]?.arrayValue }
        #expect(bodies.map(\.count) == [10, 10, 3])
        let vectors = bodies.joined().map { $0["vector"]?.arrayValue?[1].doubleValue }
        #expect(Set(vectors) == Set((2..<25).map { Double($0) }))
    }

    @Test("a missing collection: search finds nothing, count is 0, delete and drop succeed")
    func missingCollection() async throws {
        let q = try FakeQdrant { _ in .missing("general") }
        defer { q.stop() }
        let store = q.store(client: client)
        #expect(try await store.search(StoreSearch(vector: [1, 0, 0], limit: 3), in: general).isEmpty)
        #expect(try await store.count(collection: "general") == 0)
        try await store.delete(ids: ["a"], from: general)
        try await store.dropCollection("general")
        #expect(q.lines == ["POST /collections/general/points/search", "GET /collections/general",
                            "POST /collections/general/points/delete?wait=true", "DELETE /collections/general"])
        #expect(q.calls[2].body == JSON.parse(string: #"{"points":["\#(QdrantPointID.uuid(for: "a"))"]}"#))
    }

    @Test("ties at the cut: asks for more until the tie is whole, then orders equal scores by id")
    func ties() async throws {
        // Five points with one score, answered in UUID order as Qdrant might; ids e, d, c, b, a.
        let ids = ["e", "d", "c", "b", "a"].sorted { QdrantPointID.uuid(for: $0) < QdrantPointID.uuid(for: $1) }
        let q = try FakeQdrant { call in
            let limit = call.body?["limit"]?.intValue ?? 0
            let hits = ids.prefix(limit).map {
                #"{"id":"\#(QdrantPointID.uuid(for: $0))","version":1,"score":0.5,"payload":{"_gateway_id":"\#($0)"}}"#
            }
            return .ok("[" + hits.joined(separator: ",") + "]")
        }
        defer { q.stop() }
        let r = try await q.store(client: client).search(StoreSearch(vector: [1, 0, 0], limit: 2), in: general)
        #expect(r.map(\.id) == ["a", "b"])
        #expect(q.calls.map { $0.body?["limit"]?.intValue } == [3, 6])
    }

    @Test("search sends filter and threshold; a filter on the reserved key matches nothing without a call")
    func searchBody() async throws {
        let q = try FakeQdrant { _ in .ok("[]") }
        defer { q.stop() }
        let store = q.store(client: client)
        _ = try await store.search(StoreSearch(vector: [1, 0, 0], limit: 4, filter: ["k": "v"], scoreThreshold: 0.5), in: general)
        #expect(q.calls[0].body == JSON.parse(string: #"""
            {"vector":[1.0,0.0,0.0],"limit":5,"filter":{"must":[{"key":"k","match":{"value":"v"}}]},"with_payload":true,"score_threshold":0.5}
            """#))
        #expect(try await store.search(StoreSearch(vector: [1, 0, 0], limit: 4, filter: [QdrantPointID.payloadKey: "a"]),
                                       in: general).isEmpty)
        #expect(q.calls.count == 1)
    }

    @Test("a payload may not carry the reserved key")
    func reservedKey() async throws {
        let q = try FakeQdrant { _ in .done }
        defer { q.stop() }
        do {
            try await q.store(client: client).upsert([VectorPoint(id: "a", vector: [1, 0, 0], payload: [QdrantPointID.payloadKey: "x"])],
                                                     into: general, wait: true)
            Issue.record("expected invalid_argument")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.details.contains { $0 == ("field", "points[0].payload._gateway_id") })
        }
        #expect(q.calls.isEmpty)
    }

    @Test("503s are retried, then upstream_error; the breaker opens and calls fail fast with circuit_open")
    func breaker() async throws {
        let q = try FakeQdrant { _ in .error(503, "overloaded") }
        defer { q.stop() }
        let metrics = MetricsRegistry()
        let store = q.store(retries: 1, threshold: 4, metrics: metrics, client: client)
        for _ in 0..<2 {
            do {
                _ = try await store.count(collection: "general")
                Issue.record("expected upstream_error")
            } catch {
                #expect(error.code == .upstreamError)
                #expect(error.message.contains("overloaded"))
            }
        }
        #expect(q.calls.count == 4)
        do {
            _ = try await store.search(StoreSearch(vector: [1, 0, 0], limit: 1), in: general)
            Issue.record("expected circuit_open")
        } catch {
            #expect(error.code == .circuitOpen && (error.retryAfter ?? 0) >= 1)
            #expect(error.message.contains("vector store"))
        }
        #expect(q.calls.count == 4)
        #expect(await store.isReachable() == false)
        let text = metrics.render()
        #expect(text.contains("integration_circuit_breaker_state{model=\"qdrant\",endpoint=\"\(q.url)\"} 2"))
        #expect(text.contains("integration_upstream_requests_total{model=\"qdrant\",endpoint=\"\(q.url)\",outcome=\"http_503\"} 4"))
    }

    @Test("a caller's 400 is invalid_argument and leaves the breaker closed")
    func badRequest() async throws {
        let q = try FakeQdrant { call in
            call.target == "/collections"
                ? .ok(#"{"collections":[]}"#) : .error(400, "Wrong input: Vector dimension error: expected dim: 4, got 3")
        }
        defer { q.stop() }
        let store = q.store(retries: 2, threshold: 1, client: client)
        for _ in 0..<3 {
            await #expect(throws: GatewayError.self) {
                _ = try await store.search(StoreSearch(vector: [1, 0, 0], limit: 1), in: general)
            }
        }
        #expect(q.calls.count == 3)
        #expect(await store.isReachable(), "the breaker is still closed")
    }

    @Test("no answer within the store's deadline is upstream_timeout")
    func deadline() async throws {
        let q = try FakeQdrant { _ in FakeQdrant.Reply(status: 200, body: "{}", delay: .seconds(2)) }
        defer { q.stop() }
        let started = ContinuousClock.now
        do {
            _ = try await q.store(retries: 3, timeout: .milliseconds(300), client: client).count(collection: "general")
            Issue.record("expected upstream_timeout")
        } catch {
            #expect(error.code == .upstreamTimeout && error.code.httpStatus == 504)
        }
        #expect(ContinuousClock.now - started < .seconds(1.5))
    }

    @Test("reachable: GET /collections with the key; not when nothing listens")
    func reachable() async throws {
        let q = try FakeQdrant { _ in .ok(#"{"collections":[]}"#) }
        let store = q.store(client: client)
        #expect(await store.isReachable())
        #expect(q.lines == ["GET /collections"] && q.calls[0].apiKey == "k-123")
        q.stop()
        #expect(await store.isReachable() == false)
    }

    @Test("the pool has a vector store endpoint only when Qdrant is configured")
    func onlyWhenConfigured() {
        let pool = UpstreamPool(configuration: CoreConfiguration(), client: client, metrics: MetricsRegistry())
        #expect(pool.vectorStoreGroup == nil)
        #expect(QdrantVectorStore(pool: pool, apiKey: nil, timeout: .seconds(1)) == nil)
    }
}

extension JSON {
    /// Test bodies written as text, compared as trees (so key order in objects still counts).
    static func parse(string: String) -> JSONValue? { try? parse(string) }
}
