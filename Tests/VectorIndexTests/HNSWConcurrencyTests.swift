import Testing
import VectorIndex

/// Searches while another task inserts and deletes: no crash, and only ids that exist and are
/// live come back.
@Suite struct HNSWConcurrencyTests {
    @Test func searchesDuringIngest() async {
        let d = 32
        #if DEBUG
        let n = 1_500
        #else
        let n = 8_000
        #endif
        let data = Fixtures.vectors(.clustered, count: n, dimensions: d, seed: 31)
        let queries = Fixtures.vectors(.clustered, count: 40, dimensions: d, seed: 32)
        let index = HNSWIndex(HNSWParameters(dimensions: d, m: 12, efConstruction: 60, seed: 7))
        for i in 0..<100 { index.insert(Fixtures.row(data, i, d)) }
        let bad = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                for i in 100..<n {
                    index.insert(Fixtures.row(data, i, d))
                    if i % 7 == 0 { index.delete(Int32(i - 50)) }
                }
                return 0
            }
            for worker in 0..<4 {
                group.addTask {
                    var bad = 0
                    for round in 0..<150 {
                        let q = Fixtures.row(queries, (worker * 13 + round) % 40, d)
                        let hits = index.search(q, k: 10, ef: 32, filter: round % 3 == 0 ? { $0 % 2 == 1 } : nil)
                        let seen = index.count
                        for h in hits where h.id < 0 || Int(h.id) >= seen || (round % 3 == 0 && h.id % 2 == 0) {
                            bad += 1
                        }
                        if hits.count != 10 { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(bad == 0)
        #expect(index.count == n)
        // Everything settled: deleted ids stay out of answers.
        for i in 0..<10 {
            let hits = index.search(Fixtures.row(queries, i, d), k: 10, ef: 64)
            #expect(hits.allSatisfy { !index.isDeleted($0.id) })
        }
    }
}
