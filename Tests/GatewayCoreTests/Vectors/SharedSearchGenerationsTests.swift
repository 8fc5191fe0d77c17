import Synchronization
import Testing
@testable import GatewayCore

/// Two gateway instances on one vector store: an ingest through either one must make the
/// other's cached searches of that model unreachable.
@Suite("Shared search generations")
struct SharedSearchGenerationsTests {
    /// What Redis keeps, in process; `down` makes it unreachable.
    final class Counters: SharedSearchGenerations {
        let values = Mutex<[String: UInt64]>([:])
        let down = Atomic<Bool>(false)

        func current(_ model: String) async -> UInt64? {
            down.load(ordering: .relaxed) ? nil : values.withLock { $0[model] ?? 0 }
        }

        func bump(_ model: String) async {
            guard !down.load(ordering: .relaxed) else { return }
            values.withLock { $0[model, default: 0] += 1 }
        }
    }

    private let ctx = CallContext(requestID: "t", protocolName: "rest")

    private func instance(store: EmbeddedVectorStore, shared: Counters) throws -> PatternCore {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.vectorSize = 2
            m.endpoints = ["http://127.0.0.1:9"]
            return m
        }
        let c = CoreConfiguration(registry: ModelRegistry(models: models))
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: try .init(), metrics: metrics)
        return PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: MemoryBatchQueue(),
                           metrics: metrics, vectorStore: store, searchGenerations: shared)
    }

    @Test func anIngestElsewhereInvalidatesThisInstancesCache() async throws {
        let store = EmbeddedVectorStore()
        let shared = Counters()
        let a = try instance(store: store, shared: shared)
        let b = try instance(store: store, shared: shared)
        _ = try await a.ingest(model: "general", points: [VectorPoint(id: "p1", vector: [1, 0])], context: ctx)
        let q = SearchQuery(model: "general", vector: [1, 1], limit: 5, context: ctx)
        #expect(try await a.search(q).results.map(\.id) == ["p1"])
        #expect(try await a.search(q).cached)
        _ = try await b.ingest(model: "general", points: [VectorPoint(id: "p2", vector: [1, 1])], context: ctx)
        let after = try await a.search(q)
        #expect(!after.cached && after.results.map(\.id) == ["p2", "p1"])
        #expect(try await a.search(q).cached)
        // Another model's ingest leaves this model's entries alone.
        _ = try await b.ingest(model: "phi3", points: [VectorPoint(id: "x", vector: [1, 0])], context: ctx)
        #expect(try await a.search(q).cached)
    }

    @Test func withTheSharedCounterUnreachableSearchesSkipTheCache() async throws {
        let shared = Counters()
        let a = try instance(store: EmbeddedVectorStore(), shared: shared)
        _ = try await a.ingest(model: "general", points: [VectorPoint(id: "p1", vector: [1, 0])], context: ctx)
        let q = SearchQuery(model: "general", vector: [1, 1], limit: 5, context: ctx)
        shared.down.store(true, ordering: .relaxed)
        #expect(try await a.search(q).cached == false)
        #expect(try await a.search(q).cached == false, "nothing was cached while the counter was unknown")
        shared.down.store(false, ordering: .relaxed)
        #expect(try await a.search(q).cached == false)
        #expect(try await a.search(q).cached)
    }

    @Test func redisCountersStartAtZeroAndCountBumps() async throws {
        let server = try QueueRedisServer()
        let client = try server.client()
        defer {
            client.shutdown()
            server.kill()
        }
        let redis = RedisSearchGenerations(client: client)
        #expect(await redis.current("general") == 0)
        await redis.bump("general")
        await redis.bump("general")
        #expect(await redis.current("general") == 2)
        #expect(await redis.current("phi3") == 0)
        #expect(try await client.get("pattern:general:search_generation") == Array("2".utf8))
        server.kill()
        #expect(await redis.current("general") == nil, "an unreachable Redis is unknown, not 0")
    }
}
