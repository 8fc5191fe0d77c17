import GatewayTestSupport
import VectorIndex

/// Seeded data sets and the exact answers recall is measured against.
enum Fixtures {
    /// Debug builds are tens of times slower than release; the shapes shrink there so the suite
    /// stays quick, and the recall floors are the same.
    #if DEBUG
    static let large = (count: 2_000, dimensions: 32)
    static let wide = (count: 500, dimensions: 384)
    #else
    static let large = (count: 20_000, dimensions: 64)
    static let wide = (count: 5_000, dimensions: 384)
    #endif

    enum Shape: String, CaseIterable, Sendable {
        /// Uniform directions: no structure for the graph to exploit, the hard case.
        case random
        /// Points around 40 centres, like embeddings of a few topics.
        case clustered
    }

    /// `count` unit vectors of `shape`, row-major.
    static func vectors(_ shape: Shape, count: Int, dimensions d: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var out: [Float] = []
        out.reserveCapacity(count * d)
        switch shape {
        case .random:
            for _ in 0..<count { out += unit((0..<d).map { _ in Float.random(in: -1...1, using: &rng) }) }
        case .clustered:
            // Centres from their own stream, so base and query sets share them.
            var centreRNG = SplitMix64(seed: 0xC1A5)
            let centres = (0..<40).map { _ in unit((0..<d).map { _ in Float.random(in: -1...1, using: &centreRNG) }) }
            let spread = 0.6 / Float(d / 3).squareRoot()
            for _ in 0..<count {
                let c = centres[Int.random(in: 0..<centres.count, using: &rng)]
                out += unit(c.map { $0 + spread * Float.random(in: -1...1, using: &rng) })
            }
        }
        return out
    }

    static func unit(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }

    /// The ef the recall floors are checked at: uniform directions have no near neighbours to
    /// follow and need about three times the candidates clustered data does (measured: 20,000 × 64
    /// random reaches 0.97 at ef 256 and 0.99 at 384 with m 16).
    static func ef(_ shape: Shape) -> Int { shape == .random ? 384 : 128 }

    static func row(_ m: [Float], _ i: Int, _ d: Int) -> [Float] { Array(m[(i * d)..<((i + 1) * d)]) }

    static func build(_ data: [Float], dimensions d: Int, m: Int = 16, efConstruction: Int = 100) -> HNSWIndex {
        let index = HNSWIndex(HNSWParameters(dimensions: d, m: m, efConstruction: efConstruction, seed: 42))
        data.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: all.count, by: d) {
                index.insert(UnsafeBufferPointer(rebasing: all[start..<(start + d)]))
            }
        }
        return index
    }

    /// Mean fraction of the exact top `k` (by the index's own exact scan) that the graph found.
    static func recall(_ index: HNSWIndex, queries: [Float], dimensions d: Int, k: Int = 10, ef: Int,
                       filter: ((Int32) -> Bool)? = nil) -> Double {
        let n = queries.count / d
        var found = 0, wanted = 0
        for i in 0..<n {
            let q = row(queries, i, d)
            let exact = Set(index.exactSearch(q, k: k, filter: filter).map(\.id))
            let approx = index.search(q, k: k, ef: ef, filter: filter).map(\.id)
            found += approx.filter(exact.contains).count
            wanted += exact.count
        }
        return wanted == 0 ? 1 : Double(found) / Double(wanted)
    }
}
