/// The two searches of HNSW: a greedy walk down the sparse upper layers to a good starting node,
/// then a best-first search with `ef` candidates on one layer (the paper's Algorithm 2).
extension GraphView {
    /// From `start`, moves to the best neighbour while that improves the score, on each layer
    /// from `top` down to `bottom + 1`. Tombstones route like any node.
    func descend(_ q: UnsafePointer<Float>, from start: Scored, top: Int, bottom: Int,
                 scratch: SearchScratch) -> Scored {
        var best = start
        guard top > bottom else { return best }
        let ids = scratch.batchIDs.base, scores = scratch.batchScores.base
        for layer in stride(from: top, to: bottom, by: -1) {
            var moved = true
            while moved {
                moved = false
                let block = links(best.id, layer)
                let n = Int(block[0])
                (ids).update(from: block + 1, count: n)
                InnerProduct.scores(q, vectors, d, ids: ids, n, into: scores)
                for j in 0..<n where scores[j] > best.score {
                    best = Scored(score: scores[j], id: ids[j])
                    moved = true
                }
            }
        }
        return best
    }

    /// Best-first search of `layer` from `entry`, keeping the `ef` best admitted nodes in
    /// `scratch.results` (farthest on top). The caller has called `scratch.begin`.
    ///
    /// Neighbours are gathered first (the unvisited ones) and scored four at a time, so their
    /// rows load in parallel; then each is offered in turn.
    @inline(__always)
    func searchLayer<A: Admission>(_ q: UnsafePointer<Float>, entry: Scored, ef: Int, layer: Int,
                                   scratch: SearchScratch, admission: A) {
        let visited = scratch.visitedMarks
        let epoch = scratch.epoch
        let ids = scratch.batchIDs.base, scores = scratch.batchScores.base
        visited[Int(entry.id)] = epoch
        scratch.candidates.push(entry)
        if admission.admits(entry.id) { scratch.results.push(entry) }
        // Worst score kept; -inf while nothing is admitted, so every neighbour is worth a look.
        var worst: Float = scratch.results.isEmpty ? -.infinity : scratch.results.top.score
        let stopEarly = admission.admitsAll
        while !scratch.candidates.isEmpty {
            let current = scratch.candidates.top
            if current.score < worst && (stopEarly || scratch.results.count >= ef) { break }
            scratch.candidates.pop()
            let block = links(current.id, layer)
            let linked = Int(block[0])
            var n = 0
            for j in 0..<linked {
                let next = block[1 + j]
                if visited[Int(next)] != epoch {
                    visited[Int(next)] = epoch
                    ids[n] = next
                    n += 1
                    prefetch(row(next))
                }
            }
            guard n > 0 else { continue }
            InnerProduct.scores(q, vectors, d, ids: ids, n, into: scores)
            for j in 0..<n {
                let s = scores[j]
                guard scratch.results.count < ef || s > worst else { continue }
                let e = Scored(score: s, id: ids[j])
                // A candidate this good is likely expanded soon: its link block starts loading now.
                prefetch(links(e.id, layer))
                scratch.candidates.push(e)
                if admission.admits(e.id) {
                    scratch.results.push(e)
                    if scratch.results.count > ef { scratch.results.pop() }
                    worst = scratch.results.top.score
                }
            }
            // The next expansion reads this block; start it while the heaps are tended.
            if !scratch.candidates.isEmpty { prefetch(links(scratch.candidates.top.id, layer)) }
        }
    }
}
