/// Adding a node: draw its level, walk down to it, and on each of its layers link it to the
/// neighbours the heuristic picks among `efConstruction` candidates, then link them back.
extension HNSWIndex {
    /// Adds `vector` (a unit vector of `dimensions` floats) and returns its id, `count` before
    /// the call. Searches may run meanwhile; they wait for this insert's write lock.
    ///
    /// Runs on: the caller's thread (an ingest worker, never an event loop: an insert costs
    /// `efConstruction` searches' worth of dot products), under the write lock.
    @discardableResult
    public func insert(_ vector: UnsafeBufferPointer<Float>) -> Int32 {
        precondition(vector.count == d, "vector has \(vector.count) dimensions, the index \(d)")
        return lock.withWriteLock { append(vector) }
    }

    @discardableResult
    public func insert(_ vector: [Float]) -> Int32 {
        vector.withUnsafeBufferPointer { insert($0) }
    }

    /// The insert itself; the write lock is held.
    func append(_ vector: UnsafeBufferPointer<Float>) -> Int32 {
        precondition(levels.count < Int(Int32.max), "index full")
        let id = Int32(levels.count)
        let level = drawLevel()
        vectors.append(contentsOf: vector)
        links0.append(repeating: 0, count: m0 + 1)
        levels.append(UInt8(level))
        upperStart.append(level > 0 ? Int32(upperLinks.count) : -1)
        if level > 0 { upperLinks.append(repeating: 0, count: level * (m + 1)) }
        tombstones.append(0)
        guard entryPoint >= 0 else {
            entryPoint = id
            topLevel = level
            return id
        }
        let graph = view()
        let scratch = insertScratch
        let q = UnsafePointer(graph.row(id))
        var entry = Scored(score: graph.score(q, entryPoint), id: entryPoint)
        entry = graph.descend(q, from: entry, top: topLevel, bottom: level, scratch: scratch)
        for layer in stride(from: min(level, topLevel), through: 0, by: -1) {
            scratch.begin(nodes: graph.count)
            graph.searchLayer(q, entry: entry, ef: parameters.efConstruction, layer: layer, scratch: scratch,
                              admission: AdmitLive(tombstones: graph.tombstones))
            let candidates = scratch.results.unordered.sorted(by: ClosestFirst.above)
            guard let closest = candidates.first else { continue }
            let chosen = graph.selectNeighbours(candidates, max: m)
            let block = graph.links(id, layer)
            block[0] = Int32(chosen.count)
            for (j, c) in chosen.enumerated() { block[1 + j] = c.id }
            for c in chosen { graph.link(c.id, to: id, layer: layer, max: layer == 0 ? m0 : m) }
            entry = closest
        }
        if level > topLevel {
            topLevel = level
            entryPoint = id
        }
        return id
    }

    /// A level with P(level ≥ l) = m^-l, the paper's 1/ln(m) normalisation, drawn without a
    /// logarithm: each further level is a 1-in-m chance.
    func drawLevel() -> Int {
        var level = 0
        while level < 30 && nextRandom() % UInt64(m) == 0 { level += 1 }
        return level
    }

    /// SplitMix64: seeded, so the same inserts build the same graph.
    func nextRandom() -> UInt64 {
        rngState &+= 0x9E37_79B9_7F4A_7C15
        var z = rngState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension GraphView {
    /// The paper's Algorithm 4 without extending candidates or keeping pruned ones (as hnswlib):
    /// walking `candidates` best first, keep one only if it is closer to the base than to every
    /// neighbour already kept, so links spread in different directions instead of crowding one
    /// cluster. Fewer than `max` candidates are all kept.
    func selectNeighbours(_ candidates: [Scored], max: Int) -> [Scored] {
        guard candidates.count > max else { return candidates }
        var kept: [Scored] = []
        kept.reserveCapacity(max)
        for c in candidates {
            let r = row(c.id)
            var diverse = true
            for k in kept where InnerProduct.dot(r, row(k.id), d) > c.score {
                diverse = false
                break
            }
            if diverse {
                kept.append(c)
                if kept.count == max { break }
            }
        }
        return kept
    }

    /// Adds `node` to `from`'s links on `layer`; a full list is re-chosen by the heuristic among
    /// its links and `node`.
    func link(_ from: Int32, to node: Int32, layer: Int, max: Int) {
        let block = links(from, layer)
        let n = Int(block[0])
        if n < max {
            block[1 + n] = node
            block[0] = Int32(n + 1)
            return
        }
        let base = row(from)
        var candidates: [Scored] = [Scored(score: InnerProduct.dot(base, row(node), d), id: node)]
        candidates.reserveCapacity(n + 1)
        for j in 0..<n {
            let other = block[1 + j]
            candidates.append(Scored(score: InnerProduct.dot(base, row(other), d), id: other))
        }
        candidates.sort(by: ClosestFirst.above)
        let chosen = selectNeighbours(candidates, max: max)
        block[0] = Int32(chosen.count)
        for (j, c) in chosen.enumerated() { block[1 + j] = c.id }
    }
}
