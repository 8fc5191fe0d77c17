/// One model's line of `POST /api/v1/patterns/test/all-models`.
public struct ModelSelfTest: Sendable {
    public var model: String
    /// Some endpoint answered its health path.
    public var health = false
    /// One embed went through the model's pattern (a queued model counts when accepted).
    public var embed = false
    /// Points written to a scratch collection of the model's size came back from a search.
    public var search = false
    public var latencyMs: Double = 0
    /// The first failure's reason.
    public var error: String?

    public var passed: Bool { health && embed && search }
}

extension PatternCore {
    /// Every model at once: a health probe, one embed and an ingest+search round trip on a
    /// scratch collection (`selftest_<model>_<random>`, dropped afterwards), so the check never
    /// touches the model's own points or its search cache, and two instances sharing one Qdrant
    /// can run it at the same time.
    public func selfTest(context: CallContext) async -> [ModelSelfTest] {
        await withTaskGroup(of: ModelSelfTest.self) { group in
            for m in configuration.registry.models {
                group.addTask { await self.selfTest(m, context: context) }
            }
            var byName: [String: ModelSelfTest] = [:]
            for await r in group { byName[r.model] = r }
            return configuration.registry.models.compactMap { byName[$0.name] }
        }
    }

    static let selfTestPrefix = "selftest_"

    private func selfTest(_ m: ModelConfig, context: CallContext) async -> ModelSelfTest {
        var r = ModelSelfTest(model: m.name)
        let started = clock.now()
        defer { r.latencyMs = Self.milliseconds(clock.now() - started) }
        for endpoint in pool.endpoints(for: m.name) where await pool.probeHealth(endpoint, dialect: m.dialect) {
            r.health = true
            break
        }
        if !r.health { r.error = "no endpoint of \(m.name) answered \(m.dialect.healthPath)" }
        do {
            _ = try await embed(EmbedCall(model: m.name, texts: ["pattern gateway self-test"], single: true, context: context))
            r.embed = true
        } catch {
            r.error = r.error ?? "embed: \(error.message)"
        }
        do throws(GatewayError) {
            try await storeRoundTrip(m)
            r.search = true
        } catch {
            r.error = r.error ?? "search: \(error.message)"
        }
        return r
    }

    /// Three points in a scratch collection; a search by the second must find it first with a
    /// cosine of 1.
    private func storeRoundTrip(_ m: ModelConfig) async throws(GatewayError) {
        var collection = VectorCollection(model: m)
        collection.name = Self.selfTestPrefix + m.name + "_" + PointID.generate().prefix(8)
        let points = (0..<3).map { i in
            VectorPoint(id: "selftest-\(i)", vector: (0..<m.vectorSize).map { Float(($0 * 7 + i * 13) % 17) - 8 },
                        payload: ["selftest": "\(i)"])
        }
        try await vectorStore.upsert(points, into: collection, wait: true)
        let hits: [ScoredPoint]
        do {
            hits = try await vectorStore.search(StoreSearch(vector: points[1].vector, limit: 3), in: collection)
        } catch {
            try? await vectorStore.dropCollection(collection.name)
            throw error
        }
        try await vectorStore.dropCollection(collection.name)
        guard let first = hits.first, first.id == points[1].id, abs(first.score - 1) < 1e-4, hits.count == 3 else {
            throw GatewayError(.internalError, "the store returned \(hits.map(\.id)) for a point it had just taken")
        }
    }
}
