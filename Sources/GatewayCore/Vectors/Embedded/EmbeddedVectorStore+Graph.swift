import VectorIndex

/// The embedded store's HNSW graphs: made when a collection reaches its threshold, kept up with
/// every change, linked in by a background indexer, and searched with the exact scan of whatever
/// the graph does not hold yet.
extension EmbeddedVectorStore {
    /// Points one indexer step links in between two looks at the store's lock.
    static let indexerBatch = 256
    /// A filter whose sampled share of matching points is below this is answered by scoring
    /// the matching points only: the graph would walk most of itself to find `limit` of them.
    static let selectiveFilterShare = 0.05

    /// After an upsert (and at a collection's first search, with no ids), under the lock: the
    /// collection's graph learns the change, or is made when the collection has reached its
    /// threshold. True when the indexer must start.
    static func graphAfterUpsert(_ s: inout State, _ collection: VectorCollection, ids: [String]) -> Bool {
        if let settings = GraphSettings(collection) { s.graphSettings[collection.name] = settings }
        if let graph = s.graphs[collection.name] { return ids.isEmpty ? false : graph.changed(ids) }
        guard let settings = s.graphSettings[collection.name], let c = s.collections[collection.name],
              c.count >= settings.threshold else { return false }
        let graph = CollectionGraph(settings: settings, dimensions: c.dimensions, backlog: c.ids)
        s.graphs[collection.name] = graph
        return graph.claimIndexer()
    }

    /// Links pending points into `name`'s graph until none wait, a batch at a time: the vectors
    /// are copied under the store's lock, inserted outside it (the index has its own lock, so
    /// searches go on), then recorded. Stops when the graph is dropped or replaced.
    ///
    /// Runs on: Swift's global executor (CPU work: ~`ef_construct` dot products per point).
    func startIndexer(_ name: String, _ graph: CollectionGraph) {
        Task.detached(priority: .utility) { [weak self] in
            while let self {
                let batch: [String]
                switch graph.next(Self.indexerBatch) {
                case .done: return
                case .compact:
                    graph.compact()
                    continue
                case .link(let ids): batch = ids
                }
                let (vectors, current) = self.state.withLock { s -> ([[Float]?], Bool) in
                    guard s.graphs[name] === graph, let c = s.collections[name] else { return ([], false) }
                    return (batch.map { id in c.slot(of: id).map { Array(c.vector(at: $0)) } }, true)
                }
                guard current else { return }
                let index = graph.indexForLinking
                for (id, vector) in zip(batch, vectors) {
                    graph.record(id, node: vector.map { index.insert($0) })
                }
            }
        }
    }

    /// The graph's answer merged with the exact scores of the points it does not hold yet; nil
    /// when the scan must answer (no graph, `exact`, a graph still building, a selective filter).
    static func graphSearch(_ request: StoreSearch, query: [Float], in c: EmbeddedCollection,
                            graph: CollectionGraph?) -> [ScoredPoint]? {
        guard let graph, !request.exact, let unindexed = graph.unindexed(),
              unindexed.count * 4 < c.count else { return nil }
        let filter = request.filter
        if !filter.isEmpty, matchingShare(filter, in: c) < selectiveFilterShare {
            return scoreMatching(query, filter: filter, in: c, limit: request.limit, threshold: request.scoreThreshold)
        }
        let ef = max(request.ef ?? graph.settings.ef, request.limit)
        var hits: [HNSWHit] = []
        var named: [String] = []
        // A compaction may swap the index between the search and the naming: search again.
        for _ in 0..<3 {
            let (index, generation) = graph.current()
            if filter.isEmpty {
                hits = index.search(query, k: request.limit, ef: ef)
            } else {
                hits = index.search(query, k: request.limit, ef: ef) { node in
                    let id = graph.id(of: node, generation: generation)
                    guard !id.isEmpty, let slot = c.slot(of: id) else { return false }
                    return EmbeddedCollection.matches(c.payloads[slot], filter)
                }
            }
            if let ids = graph.ids(of: hits.map(\.id), generation: generation) {
                named = ids
                break
            }
            hits = []
        }
        var found: [ScoredPoint] = []
        found.reserveCapacity(hits.count + unindexed.count)
        for (hit, id) in zip(hits, named) {
            // A node of a point this snapshot does not hold (ingested after it) is skipped.
            guard !id.isEmpty, let slot = c.slot(of: id) else { continue }
            found.append(ScoredPoint(id: id, score: min(1, max(-1, hit.score)), payload: c.payloads[slot]))
        }
        for id in unindexed {
            guard let slot = c.slot(of: id), filter.isEmpty || EmbeddedCollection.matches(c.payloads[slot], filter) else {
                continue
            }
            found.append(ScoredPoint(id: id, score: score(query, slot, in: c), payload: c.payloads[slot]))
        }
        if let floor = request.scoreThreshold { found.removeAll { $0.score < floor } }
        found.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return Array(found.prefix(request.limit))
    }

    /// The share of points `filter` matches, from an even sample of at most 512 of them.
    static func matchingShare(_ filter: [String: String], in c: EmbeddedCollection) -> Double {
        guard c.count > 0 else { return 0 }
        let samples = min(c.count, 512)
        var hits = 0
        for k in 0..<samples where EmbeddedCollection.matches(c.payloads[k * c.count / samples], filter) { hits += 1 }
        return Double(hits) / Double(samples)
    }

    /// The exact answer among the points `filter` matches, scoring only those.
    static func scoreMatching(_ query: [Float], filter: [String: String], in c: EmbeddedCollection, limit: Int,
                              threshold: Float?) -> [ScoredPoint] {
        var found: [ScoredPoint] = []
        for slot in 0..<c.count where EmbeddedCollection.matches(c.payloads[slot], filter) {
            let s = score(query, slot, in: c)
            if let threshold, s < threshold { continue }
            found.append(ScoredPoint(id: c.ids[slot], score: s, payload: c.payloads[slot]))
        }
        found.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return Array(found.prefix(limit))
    }

    /// The scan's score of one row (the same kernel, so the same bits), clamped as it clamps.
    static func score(_ query: [Float], _ slot: Int, in c: EmbeddedCollection) -> Float {
        var out: Float = 0
        query.withUnsafeBufferPointer { q in
            c.rows.withUnsafeBufferPointer { matrix in
                CosineKernel.scores(q, matrix, rows: slot..<(slot + 1), into: &out)
            }
        }
        return min(1, max(-1, out))
    }

    /// At open: each configured collection past its threshold gets its saved graph (checked
    /// against the replayed points) or a new one built in the background.
    ///
    /// Runs on: the thread opening the store, before the loops serve (loading reads the files).
    func openGraphs(_ collections: [VectorCollection]) {
        let files = state.withLock { $0.log?.files }
        var started: [(String, CollectionGraph)] = []
        for collection in collections {
            guard let settings = GraphSettings(collection) else { continue }
            let graph = state.withLock { s -> CollectionGraph? in
                s.graphSettings[collection.name] = settings
                guard let c = s.collections[collection.name], c.count >= settings.threshold else { return nil }
                let loaded = files.map { VectorGraphFiles.load($0, collection: collection.name, c, settings: settings) }
                let graph: CollectionGraph
                switch loaded {
                case .success(let g)?:
                    graph = g
                case .failure(.damaged(let why))?:
                    graph = CollectionGraph(settings: settings, dimensions: c.dimensions, backlog: c.ids,
                                            rebuildReason: "saved graph unusable: \(why)")
                case .failure(.missing)?, nil:
                    graph = CollectionGraph(settings: settings, dimensions: c.dimensions, backlog: c.ids,
                                            rebuildReason: files == nil ? nil : "no saved graph")
                }
                s.graphs[collection.name] = graph
                return graph.claimIndexer() ? graph : nil
            }
            if let graph { started.append((collection.name, graph)) }
        }
        for (name, graph) in started { startIndexer(name, graph) }
    }

    // MARK: status

    /// Each graph's state, by collection.
    public var graphStatus: [String: GraphStatus] {
        let graphs = state.withLock { $0.graphs }
        return graphs.mapValues { g in
            let s = g.status
            return GraphStatus(state: s.state, indexedPoints: s.indexed, pendingPoints: s.pending, nodes: s.nodes,
                               tombstones: s.tombstones, compactions: s.compactions, memoryBytes: s.memoryBytes, m: g.settings.m,
                               efConstruct: g.settings.efConstruction, ef: g.settings.ef,
                               threshold: g.settings.threshold, rebuildReason: s.rebuildReason)
        }
    }
}

/// One collection's HNSW graph as `GET /api/v1/optimizations/status` shows it.
public struct GraphStatus: Sendable, Equatable {
    /// "building" (a new or rebuilt graph: the scan answers until it is done) or "ready".
    public var state: String
    public var indexedPoints: Int
    /// Points the graph does not hold yet (scored exactly by searches meanwhile).
    public var pendingPoints: Int
    public var nodes: Int
    public var tombstones: Int
    /// Times the graph was rebuilt without its tombstones (past a quarter of its nodes).
    public var compactions: Int
    public var memoryBytes: Int
    public var m: Int
    public var efConstruct: Int
    public var ef: Int
    public var threshold: Int
    public var rebuildReason: String?
}
