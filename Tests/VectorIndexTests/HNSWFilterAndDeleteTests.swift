import Testing
import VectorIndex

/// Filters and tombstones: what a search may return, and that recall survives them.
@Suite struct HNSWFilterAndDeleteTests {
    static let d = 32
    #if DEBUG
    static let n = 1_500
    #else
    static let n = 10_000
    #endif

    static func index(_ shape: Fixtures.Shape = .clustered) -> (HNSWIndex, [Float]) {
        let queries = Fixtures.vectors(shape, count: 60, dimensions: d, seed: 12)
        return (Fixtures.build(Fixtures.vectors(shape, count: n, dimensions: d, seed: 11), dimensions: d), queries)
    }

    /// Half the points (even ids) match: the graph search stays the path, and only matches come back.
    @Test func filterReturnsOnlyMatchesWithRecall() {
        let (index, queries) = Self.index()
        let even: (Int32) -> Bool = { $0 % 2 == 0 }
        for i in 0..<20 {
            let hits = index.search(Fixtures.row(queries, i, Self.d), k: 10, ef: 64, filter: even)
            #expect(hits.count == 10)
            #expect(hits.allSatisfy { $0.id % 2 == 0 })
        }
        let recall = Fixtures.recall(index, queries: queries, dimensions: Self.d, ef: 128, filter: even)
        #expect(recall >= 0.95, "filtered recall@10 \(recall)")
    }

    /// A filter matching a handful of points: the traversal keeps going until it has k, and the
    /// exact search (the fallback for such filters) agrees with it.
    @Test func selectiveFilter() {
        let (index, queries) = Self.index()
        let rare: (Int32) -> Bool = { $0 % 97 == 3 }
        let q = Fixtures.row(queries, 0, Self.d)
        let exact = index.exactSearch(q, k: 10, filter: rare)
        #expect(exact.count == 10 && exact.allSatisfy { $0.id % 97 == 3 })
        let approx = index.search(q, k: 10, ef: 64, filter: rare)
        #expect(approx.allSatisfy { $0.id % 97 == 3 })
        #expect(index.search(q, k: 10, ef: 64, filter: { _ in false }).isEmpty)
    }

    @Test(arguments: Fixtures.Shape.allCases)
    func deletedNeverReturnedAndRecallHolds(_ shape: Fixtures.Shape) {
        let (index, queries) = Self.index(shape)
        // Every tenth point, plus the exact top answers of the first queries, so deletes hit what
        // searches were going to return.
        var victims = Set(stride(from: Int32(0), to: Int32(Self.n), by: 10))
        for i in 0..<10 { victims.formUnion(index.exactSearch(Fixtures.row(queries, i, Self.d), k: 3).map(\.id)) }
        for v in victims { #expect(index.delete(v)) }
        #expect(!index.delete(victims.first!), "a second delete is a no-op")
        #expect(index.deletedCount == victims.count)
        #expect(!index.compactionAdvised)
        for i in 0..<queries.count / Self.d {
            let hits = index.search(Fixtures.row(queries, i, Self.d), k: 10, ef: 64)
            #expect(hits.count == 10)
            #expect(hits.allSatisfy { !victims.contains($0.id) })
        }
        let recall = Fixtures.recall(index, queries: queries, dimensions: Self.d, ef: Fixtures.ef(shape))
        #expect(recall >= 0.95, "recall@10 \(recall) after \(victims.count) deletes")
    }

    @Test func compactionDropsTombstonesAndMapsIDs() {
        let (index, queries) = Self.index()
        for id in stride(from: Int32(0), to: Int32(Self.n), by: 3) { index.delete(id) }
        #expect(index.compactionAdvised)
        let (fresh, newIDs) = index.compacted()
        #expect(fresh.count == Self.n - index.deletedCount && fresh.deletedCount == 0)
        #expect(newIDs.count == Self.n)
        #expect(newIDs[0] == -1 && newIDs[1] == 0 && newIDs[2] == 1 && newIDs[4] == 2)
        for old in [1, 2, 100, Self.n - 1] where newIDs[old] >= 0 {
            #expect(fresh.vector(newIDs[old]) == index.vector(Int32(old)))
        }
        let q = Fixtures.row(queries, 0, Self.d)
        let before = index.exactSearch(q, k: 10).map { newIDs[Int($0.id)] }
        #expect(fresh.exactSearch(q, k: 10).map(\.id) == before)
        #expect(Fixtures.recall(fresh, queries: queries, dimensions: Self.d, ef: 128) >= 0.95)
    }
}
