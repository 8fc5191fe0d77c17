import Testing
import VectorIndex

/// The graph finds what the exact scan finds: recall@10 floors on seeded data.
@Suite struct HNSWRecallTests {
    @Test(arguments: Fixtures.Shape.allCases)
    func recallFloorOnLargeSet(_ shape: Fixtures.Shape) {
        let (n, d) = Fixtures.large
        let index = Fixtures.build(Fixtures.vectors(shape, count: n, dimensions: d, seed: 1), dimensions: d)
        let queries = Fixtures.vectors(shape, count: 100, dimensions: d, seed: 2)
        let recall = Fixtures.recall(index, queries: queries, dimensions: d, ef: Fixtures.ef(shape))
        #expect(recall >= 0.95, "recall@10 \(recall) on \(shape) \(n) × \(d)")
    }

    @Test(arguments: Fixtures.Shape.allCases)
    func recallFloorAt384Dimensions(_ shape: Fixtures.Shape) {
        let (n, d) = Fixtures.wide
        let index = Fixtures.build(Fixtures.vectors(shape, count: n, dimensions: d, seed: 3), dimensions: d)
        let queries = Fixtures.vectors(shape, count: 50, dimensions: d, seed: 4)
        let recall = Fixtures.recall(index, queries: queries, dimensions: d, ef: Fixtures.ef(shape))
        #expect(recall >= 0.95, "recall@10 \(recall) on \(shape) \(n) × \(d)")
    }

    @Test func answersAreBestFirstUniqueAndScoredByInnerProduct() {
        let d = 16
        let data = Fixtures.vectors(.random, count: 500, dimensions: d, seed: 5)
        let index = Fixtures.build(data, dimensions: d, m: 8, efConstruction: 50)
        let q = Fixtures.row(data, 7, d)
        let hits = index.search(q, k: 10, ef: 50)
        #expect(hits.count == 10)
        #expect(hits.first?.id == 7, "a stored vector finds itself first")
        #expect(Set(hits.map(\.id)).count == hits.count)
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
        for h in hits {
            let v = Fixtures.row(data, Int(h.id), d)
            let dot = zip(q, v).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(abs(dot - h.score) < 1e-4)
        }
    }

    @Test func smallAndEmptyIndexes() {
        let empty = HNSWIndex(HNSWParameters(dimensions: 4))
        #expect(empty.search([1, 0, 0, 0], k: 5, ef: 10).isEmpty)
        let one = HNSWIndex(HNSWParameters(dimensions: 4))
        #expect(one.insert([0, 1, 0, 0]) == 0)
        #expect(one.search([1, 0, 0, 0], k: 5, ef: 10) == [HNSWHit(id: 0, score: 0)])
        #expect(one.search([1, 0, 0, 0], k: 0, ef: 10).isEmpty)
    }

    @Test func sameInsertsBuildTheSameGraph() {
        let d = 24
        let data = Fixtures.vectors(.clustered, count: 1_000, dimensions: d, seed: 6)
        let a = Fixtures.build(data, dimensions: d), b = Fixtures.build(data, dimensions: d)
        #expect(a.serialized() == b.serialized())
    }

    /// `memoryBytes` covers at least the rows and layer-0 links, and a reserved index holds no
    /// more than what it needs plus search scratch.
    @Test func memoryIsAccounted() {
        let d = 16, n = 2_000, m = 8
        let data = Fixtures.vectors(.random, count: n, dimensions: d, seed: 9)
        let index = HNSWIndex(HNSWParameters(dimensions: d, m: m, efConstruction: 40))
        index.reserveCapacity(n)
        let floor = n * d * 4 + n * (2 * m + 1) * 4
        #expect(index.memoryBytes >= floor)
        for i in 0..<n { index.insert(Fixtures.row(data, i, d)) }
        _ = index.search(Fixtures.row(data, 0, d), k: 10, ef: 40)
        #expect(index.memoryBytes >= floor)
        #expect(index.memoryBytes < floor + floor / 4 + 64 * 1024, "\(index.memoryBytes) for a floor of \(floor)")
    }
}
