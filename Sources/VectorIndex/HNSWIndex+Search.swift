/// Searching: the approximate answer through the graph, and the exact one by scanning every live
/// row (for tests, and for a filter so selective that the graph would walk most of itself).
extension HNSWIndex {
    /// The `k` best live nodes the graph finds with `ef` candidates (at least `k`), best first,
    /// equal scores by id. `filter`, when given, is asked about visited nodes only; rejected ones
    /// still route. `query` must be a unit vector of `dimensions` floats. A filtered search stops
    /// only once it holds `ef` matches, so a filter matching few points walks most of the graph:
    /// send those to `exactSearch` (or the store's scan) instead.
    ///
    /// Runs on: the caller's thread, under the read lock, concurrently with other searches.
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, ef: Int,
                       filter: ((Int32) -> Bool)? = nil) -> [HNSWHit] {
        precondition(query.count == d, "query has \(query.count) dimensions, the index \(d)")
        guard k > 0, let q = query.baseAddress else { return [] }
        let scratch = borrowScratch()
        defer { giveBack(scratch) }
        return lock.withReadLock {
            guard entryPoint >= 0 else { return [] }
            let graph = view()
            let ef = max(ef, k)
            let start = Scored(score: graph.score(q, entryPoint), id: entryPoint)
            let entry = graph.descend(q, from: start, top: topLevel, bottom: 0, scratch: scratch)
            scratch.begin(nodes: graph.count)
            if let filter {
                graph.searchLayer(q, entry: entry, ef: ef, layer: 0, scratch: scratch,
                                  admission: AdmitMatching(tombstones: graph.tombstones, filter: filter))
            } else if deleted > 0 {
                graph.searchLayer(q, entry: entry, ef: ef, layer: 0, scratch: scratch,
                                  admission: AdmitLive(tombstones: graph.tombstones))
            } else {
                graph.searchLayer(q, entry: entry, ef: ef, layer: 0, scratch: scratch, admission: AdmitAll())
            }
            return Self.best(k, of: scratch.results.unordered)
        }
    }

    public func search(_ query: [Float], k: Int, ef: Int, filter: ((Int32) -> Bool)? = nil) -> [HNSWHit] {
        query.withUnsafeBufferPointer { search($0, k: k, ef: ef, filter: filter) }
    }

    /// The exact `k` best live nodes `filter` accepts, by scoring every one: the answer the graph
    /// approximates, and the fallback for a selective filter.
    ///
    /// Runs on: the caller's thread, under the read lock; O(count · dimensions).
    public func exactSearch(_ query: UnsafeBufferPointer<Float>, k: Int,
                            filter: ((Int32) -> Bool)? = nil) -> [HNSWHit] {
        precondition(query.count == d, "query has \(query.count) dimensions, the index \(d)")
        guard k > 0, let q = query.baseAddress else { return [] }
        let scratch = borrowScratch()
        defer { giveBack(scratch) }
        return lock.withReadLock {
            let graph = view()
            scratch.begin(nodes: 0)
            for id in 0..<Int32(graph.count) where !graph.isDeleted(id) && (filter?(id) ?? true) {
                let e = Scored(score: graph.score(q, id), id: id)
                if scratch.results.count < k {
                    scratch.results.push(e)
                } else if FarthestFirst.above(scratch.results.top, e) {
                    scratch.results.pop()
                    scratch.results.push(e)
                }
            }
            return Self.best(k, of: scratch.results.unordered)
        }
    }

    public func exactSearch(_ query: [Float], k: Int, filter: ((Int32) -> Bool)? = nil) -> [HNSWHit] {
        query.withUnsafeBufferPointer { exactSearch($0, k: k, filter: filter) }
    }

    static func best(_ k: Int, of found: UnsafeBufferPointer<Scored>) -> [HNSWHit] {
        found.sorted(by: ClosestFirst.above).prefix(k).map { HNSWHit(id: $0.id, score: $0.score) }
    }
}
