import Synchronization

/// What the vector API keeps besides the store: the search-result cache with its per-model
/// generations, and the per-model statistics and series. One object, so `PatternCore` holds a
/// single property for it (extensions cannot add stored properties).
final class VectorRuntime: Sendable {
    /// Results are small (ids, scores, payloads), so a modest budget holds many queries.
    static let resultBudget = 32 << 20

    let results = LRUCache<[ScoredPoint]>(byteBudget: VectorRuntime.resultBudget)
    let stats: [String: VectorStats]
    let metrics: VectorMetrics
    /// Set when several instances share one vector store (Qdrant and Redis configured).
    let shared: (any SharedSearchGenerations)?
    /// Bumped by every ingest of the model; part of each search key, so an ingest makes all of
    /// that model's cached results unreachable at once (the LRU ages them out) without a scan.
    private let generations: Mutex<[String: UInt64]>

    init(models: [String], registry: MetricsRegistry, shared: (any SharedSearchGenerations)? = nil) {
        self.shared = shared
        stats = Dictionary(uniqueKeysWithValues: models.map { ($0, VectorStats()) })
        metrics = VectorMetrics(registry: registry, models: models)
        generations = Mutex(Dictionary(uniqueKeysWithValues: models.map { ($0, 0) }))
    }

    /// This instance's generation and, when shared, the fleet's; nil when the shared one is
    /// unknown (no caching then).
    func generation(_ model: String) async -> (local: UInt64, shared: UInt64)? {
        let local = generations.withLock { $0[model] ?? 0 }
        guard let shared else { return (local, 0) }
        guard let fleet = await shared.current(model) else { return nil }
        return (local, fleet)
    }

    func invalidate(_ model: String) async {
        generations.withLock { $0[model, default: 0] &+= 1 }
        await shared?.bump(model)
    }

    /// `pattern:{model}:search:{sha256}` over everything that changes the answer: the
    /// generations, the vector's bits, the limit, `ef` and `exact`, the filter (sorted by key)
    /// and the threshold.
    static func searchKey(model: String, generation: (local: UInt64, shared: UInt64), search: StoreSearch) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32 + search.vector.count * 4)
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        func append(_ s: String) {
            append(UInt32(s.utf8.count))
            bytes.append(contentsOf: s.utf8)
        }
        append(generation.local)
        append(generation.shared)
        append(UInt32(search.limit))
        append(UInt32(search.ef ?? 0))
        bytes.append(search.exact ? 1 : 0)
        if let t = search.scoreThreshold {
            bytes.append(1)
            append(t.bitPattern)
        } else {
            bytes.append(0)
        }
        append(UInt32(search.filter.count))
        for (k, v) in search.filter.sorted(by: { $0.key < $1.key }) {
            append(k)
            append(v)
        }
        append(UInt32(search.vector.count))
        #if _endian(little)
        search.vector.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for x in search.vector { append(x.bitPattern) }
        #endif
        return CacheKey.key(model: model, operation: "search", canonicalInput: bytes)
    }

    /// The exact-body key: the body's own bytes (not a digest), so equal keys are equal bodies
    /// and no hash collision can serve another query's results. A body that is not UTF-8 gets
    /// none (the canonical key still applies).
    static func bodyKey(model: String, generation: (local: UInt64, shared: UInt64), body: [UInt8]) -> String? {
        guard let text = String(validating: body, as: UTF8.self) else { return nil }
        return "body\u{0}\(model)\u{0}\(generation.local):\(generation.shared)\u{0}" + text
    }

    /// Roughly what an entry holds, for the byte budget.
    static func cost(_ results: [ScoredPoint]) -> Int {
        results.reduce(128) { total, p in
            total + 48 + p.id.utf8.count + p.payload.reduce(0) { $0 + 32 + $1.key.utf8.count + $1.value.utf8.count }
        }
    }
}
