/// What `GET /api/v1/patterns/status` shows of one model's vector side.
public struct VectorModelReport: Sendable {
    public var model: ModelConfig
    /// Nil when the store could not count them (unreachable).
    public var points: Int?
    public var breaker: String
    /// Search-result cache hits over lookups, 0–1.
    public var cacheHitRatio: Double
    /// Bytes this process holds for the collection; nil when the points live in Qdrant.
    public var memoryBytes: Int?
}

public struct VectorPatternsReport: Sendable {
    /// "embedded" or "qdrant".
    public var store: String
    public var models: [VectorModelReport]

    /// Nil when the points live elsewhere.
    public var memoryBytes: Int? {
        models.reduce(Int?.some(0)) { total, m in
            guard let total, let bytes = m.memoryBytes else { return nil }
            return total + bytes
        }
    }
}

extension PatternCore {
    public func vectorPatternsStatus() async -> VectorPatternsReport {
        var models: [VectorModelReport] = []
        for m in configuration.registry.models {
            let states = pool.endpoints(for: m.name).map { $0.breaker.snapshot().stateName }
            let points = try? await vectorStore.count(collection: m.name)
            if let points { vectors.metrics.points[m.name]?.set(Double(points)) }
            models.append(VectorModelReport(
                model: m, points: points, breaker: Self.overallBreakerState(states),
                cacheHitRatio: vectors.stats[m.name]?.search.snapshot.cacheHitRatio ?? 0,
                memoryBytes: vectorStore.memoryBytes(collection: m.name)))
        }
        return VectorPatternsReport(store: vectorStore.kind, models: models)
    }

    /// `pattern_vector_points` after an ingest. Only for a store in this process: for Qdrant it
    /// would cost a request per ingest, so there the gauge follows the status page instead.
    func refreshPointsGauge(_ model: String) async {
        guard vectorStore.memoryBytes(collection: model) != nil,
              let n = try? await vectorStore.count(collection: model) else { return }
        vectors.metrics.points[model]?.set(Double(n))
    }
}
