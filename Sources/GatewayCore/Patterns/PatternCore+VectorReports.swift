/// What `GET /api/v1/patterns/status` shows of one model's vector side.
public struct VectorModelReport: Sendable {
    public var model: ModelConfig
    /// Nil when the store could not count them (unreachable).
    public var points: Int?
    public var breaker: String
    /// Endpoints that pass their health checks, of all the model's endpoints.
    public var endpointsInRotation: Int
    public var endpointCount: Int
    /// Some endpoint is in rotation with a breaker that is not open.
    public var upstreamOK: Bool
    /// Search-result cache hits over lookups, 0–1.
    public var cacheHitRatio: Double
    /// Bytes this process holds for the collection; nil when the points live in Qdrant.
    public var memoryBytes: Int?
    /// Completion tokens per second of the model's generations since start.
    public var tokensPerSecond: Double = 0
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
            let endpoints = pool.endpoints(for: m.name)
            let states = endpoints.map { $0.breaker.snapshot().stateName }
            let points = try? await vectorStore.count(collection: m.name)
            if let points { vectors.metrics.points[m.name]?.set(Double(points)) }
            models.append(VectorModelReport(
                model: m, points: points, breaker: Self.overallBreakerState(states),
                endpointsInRotation: endpoints.filter { $0.health.inRotation }.count, endpointCount: endpoints.count,
                upstreamOK: isServing(model: m.name),
                cacheHitRatio: vectors.stats[m.name]?.search.snapshot.cacheHitRatio ?? 0,
                memoryBytes: vectorStore.memoryBytes(collection: m.name),
                tokensPerSecond: generation.totals(for: m.name).tokensPerSecond))
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

extension PatternCore {
    /// The model's HNSW graph in the embedded store (nil: Qdrant, or a collection still below its
    /// threshold, answered by the exact scan).
    public func graphStatus(model: String) -> GraphStatus? {
        (vectorStore as? EmbeddedVectorStore)?.graphStatus[model]
    }
}
