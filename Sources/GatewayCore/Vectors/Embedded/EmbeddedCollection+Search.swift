/// Exact search: every row scored, the best `limit` kept by a bounded heap.
extension EmbeddedCollection {
    /// Rows scored per kernel call: the scores fit in L1, and the kernel's four streams stay
    /// far apart (a quarter of a block each).
    static let scanBlock = 4096

    /// The best `limit` points among the slots `range` (all by default), highest score first,
    /// equal scores by id. `unitQuery` is already normalised.
    func search(unitQuery: [Float], limit: Int, filter: [String: String], scoreThreshold: Float?,
                slots range: Range<Int>? = nil) -> [ScoredPoint] {
        let range = range ?? 0..<count
        guard limit > 0, !range.isEmpty else { return [] }
        var best = TopK(k: limit, ids: ids)
        let floor = scoreThreshold ?? -.infinity
        let block = Self.scanBlock
        unitQuery.withUnsafeBufferPointer { q in
            rows.withUnsafeBufferPointer { matrix in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { scores in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let end = min(start + block, range.upperBound)
                        CosineKernel.scores(q, matrix, rows: start..<end, into: scores.baseAddress!)
                        for j in 0..<(end - start) {
                            // Rounding can push a unit dot product a hair past ±1; a cosine never is.
                            let score = min(1, max(-1, scores[j]))
                            // The heap's root first: most rows stop here, before any payload is read.
                            guard score >= floor, best.admits(score) else { continue }
                            if !filter.isEmpty && !Self.matches(payloads[start + j], filter) { continue }
                            best.offer(score: score, slot: start + j)
                        }
                        start = end
                    }
                }
            }
        }
        return best.sorted().map { ScoredPoint(id: ids[$0.slot], score: $0.score, payload: payloads[$0.slot]) }
    }

    /// The same search split into `parts` ranges scanned concurrently, each with its own heap,
    /// merged by the same order.
    func search(unitQuery: [Float], limit: Int, filter: [String: String], scoreThreshold: Float?,
                parts: Int) async -> [ScoredPoint] {
        guard parts > 1 else {
            return search(unitQuery: unitQuery, limit: limit, filter: filter, scoreThreshold: scoreThreshold)
        }
        let n = count
        let merged = await withTaskGroup(of: [ScoredPoint].self) { group in
            for p in 0..<parts {
                let range = (n * p / parts)..<(n * (p + 1) / parts)
                group.addTask {
                    search(unitQuery: unitQuery, limit: limit, filter: filter, scoreThreshold: scoreThreshold, slots: range)
                }
            }
            var all: [ScoredPoint] = []
            for await hits in group { all += hits }
            return all
        }
        return Array(merged.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(limit))
    }

    static func matches(_ payload: [String: String], _ filter: [String: String]) -> Bool {
        for (key, value) in filter where payload[key] != value { return false }
        return true
    }
}
