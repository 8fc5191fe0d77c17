import Synchronization

/// The vector store used when no Qdrant URL is configured: one in-memory collection per model,
/// exact cosine search by brute force. Searches scan a snapshot taken under the lock, so they
/// never wait for each other, and an ingest only waits for the copy-in. Persistence and an ANN
/// index come later behind the same `VectorStore` calls.
public final class EmbeddedVectorStore: VectorStore {
    public let kind = "embedded"
    /// Above this many multiply-adds a scan leaves the caller's executor (an event loop, for
    /// REST), so a big brute-force search does not stall the connections that loop serves.
    static let offloadWork = 1 << 20

    private let collections = Mutex<[String: EmbeddedCollection]>([:])

    public init() {}

    public func upsert(_ points: [VectorPoint], into collection: VectorCollection, wait: Bool = true) throws(GatewayError) {
        var unit: [[Float]] = []
        unit.reserveCapacity(points.count)
        for (i, p) in points.enumerated() {
            guard !p.id.isEmpty else { throw .invalid("points[\(i)].id must not be empty", field: "points[\(i)].id") }
            try VectorChecks.vector(p.vector, dimensions: collection.dimensions, model: collection.name,
                                    field: "points[\(i)].vector")
            unit.append(VectorChecks.normalized(p.vector))
        }
        let existing: Int? = collections.withLock { all in
            // Taken out and put back so the arrays stay uniquely referenced: no copy unless a
            // search is scanning the previous version right now.
            var c = all.removeValue(forKey: collection.name) ?? EmbeddedCollection(dimensions: collection.dimensions)
            defer { all[collection.name] = c }
            guard c.dimensions == collection.dimensions else { return c.dimensions }
            for (p, v) in zip(points, unit) { c.upsert(id: p.id, unitVector: v, payload: p.payload) }
            return nil
        }
        if let existing {
            throw GatewayError(.invalidArgument,
                               "collection \(collection.name) holds vectors of size \(existing), not \(collection.dimensions)",
                               details: [("field", "points"), ("expected_size", String(existing))])
        }
    }

    public func search(_ request: StoreSearch, in collection: VectorCollection) async throws(GatewayError) -> [ScoredPoint] {
        try VectorChecks.vector(request.vector, dimensions: collection.dimensions, model: collection.name,
                                field: "query_vector")
        guard let snapshot = collections.withLock({ $0[collection.name] }) else { return [] }
        guard snapshot.dimensions == collection.dimensions else {
            throw GatewayError(.invalidArgument,
                               "collection \(collection.name) holds vectors of size \(snapshot.dimensions), not \(collection.dimensions)",
                               details: [("field", "query_vector"), ("expected_size", String(snapshot.dimensions))])
        }
        let query = VectorChecks.normalized(request.vector)
        let scan = { @Sendable in
            snapshot.search(unitQuery: query, limit: request.limit, filter: request.filter,
                            scoreThreshold: request.scoreThreshold)
        }
        if snapshot.count * snapshot.dimensions < Self.offloadWork { return scan() }
        return await Task.detached(operation: scan).value
    }

    public func count(collection: String) -> Int {
        collections.withLock { $0[collection]?.count ?? 0 }
    }

    public func delete(ids: [String], from collection: VectorCollection) throws(GatewayError) {
        fatalError("not yet")
    }

    public func dropCollection(_ name: String) throws(GatewayError) {
        _ = collections.withLock { $0.removeValue(forKey: name) }
    }

    public func memoryBytes(collection: String) -> Int? {
        collections.withLock { c in c[collection].map { $0.rows.count * 4 } ?? 0 }
    }

    public func isReachable() async -> Bool { true }

    /// Every collection's name and size, for status pages and tests.
    public var counts: [String: Int] {
        collections.withLock { $0.mapValues(\.count) }
    }
}
