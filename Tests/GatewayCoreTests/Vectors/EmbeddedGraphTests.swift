#if canImport(Glibc)
import Glibc
#endif
@testable import GatewayCore
import GatewayTestSupport
import Testing

/// The embedded store's HNSW graphs as a client sees them: answers close to the exact ones once a
/// collection passes its threshold, every point searchable the moment its upsert returns, deletes
/// and re-ingests honoured, filters, the graph saved and checked across restarts.
@Suite("Embedded store graphs")
struct EmbeddedGraphTests {
    /// 24 dimensions, a graph from 1,000 points on.
    let collection = VectorCollection(name: "g24", dimensions: 24, indexM: 12, indexEfConstruct: 100,
                                      indexThreshold: 1000, searchEf: 128)

    /// Clustered unit-ish vectors (30 centres), so neighbours are not all equally far.
    static func clustered(_ count: Int, from start: Int = 0, dimensions: Int, rng: inout SplitMix64) -> [VectorPoint] {
        var centres = SplitMix64(seed: 99)
        let c = (0..<30).map { _ in VectorSearchReference.randomVector(dimensions, &centres) }
        return (start..<(start + count)).map { i in
            let centre = c[Int(rng.next() % 30)]
            let v = centre.map { $0 + Float.random(in: -0.35...0.35, using: &rng) }
            return VectorPoint(id: "p\(i)", vector: v, payload: ["group": "g\(i % 10)", "rare": i % 997 == 0 ? "yes" : "no"])
        }
    }

    /// Waits (up to 60 s) until the graph holds every point.
    func waitReady(_ store: EmbeddedVectorStore, _ name: String) async throws -> GraphStatus {
        for _ in 0..<6000 {
            if let s = store.graphStatus[name], s.state == "ready", s.pendingPoints == 0 { return s }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("graph of \(name) not ready: \(String(describing: store.graphStatus[name]))")
        throw CancellationError()
    }

    /// The share of the exact top-k ids the graph's answer holds, over `queries`.
    func recall(_ store: EmbeddedVectorStore, _ queries: [[Float]], k: Int = 10, filter: [String: String] = [:])
        async throws -> Double
    {
        var found = 0, total = 0
        for q in queries {
            let exact = try await store.search(StoreSearch(vector: q, limit: k, filter: filter, exact: true), in: collection)
            let approx = try await store.search(StoreSearch(vector: q, limit: k, filter: filter), in: collection)
            #expect(approx.count <= k)
            let truth = Set(exact.map(\.id))
            found += approx.filter { truth.contains($0.id) }.count
            total += truth.count
        }
        return total == 0 ? 1 : Double(found) / Double(total)
    }

    @Test("below the threshold no graph; past it, answers hold ≥ 95 % of the exact top 10")
    func recallFloor() async throws {
        let store = EmbeddedVectorStore()
        var rng = SplitMix64(seed: 11)
        try await store.upsert(Self.clustered(999, dimensions: 24, rng: &rng), into: collection)
        _ = try await store.search(StoreSearch(vector: VectorSearchReference.randomVector(24, &rng), limit: 3), in: collection)
        #expect(store.graphStatus[collection.name] == nil)
        for start in stride(from: 999, to: 2999, by: 500) {
            try await store.upsert(Self.clustered(500, from: start, dimensions: 24, rng: &rng), into: collection)
        }
        try await store.upsert(Self.clustered(1, from: 2999, dimensions: 24, rng: &rng), into: collection)
        let status = try await waitReady(store, collection.name)
        #expect(status.indexedPoints == 3000)
        #expect(status.nodes == 3000)
        #expect(status.memoryBytes > 3000 * 24 * 4)
        let queries = (0..<60).map { _ in VectorSearchReference.randomVector(24, &rng) }
        let r = try await recall(store, queries)
        #expect(r >= 0.95, "recall@10 \(r)")
        // The graph is counted in the collection's memory.
        #expect(store.memoryBytes(collection: collection.name)! > status.memoryBytes)
    }

    @Test("a point is found the moment its upsert returns, before the indexer links it")
    func pendingPointsAreSearchable() async throws {
        let store = EmbeddedVectorStore()
        var rng = SplitMix64(seed: 12)
        try await store.upsert(Self.clustered(1500, dimensions: 24, rng: &rng), into: collection)
        _ = try await waitReady(store, collection.name)
        for round in 0..<20 {
            let v = VectorSearchReference.randomVector(24, &rng)
            try await store.upsert([VectorPoint(id: "new\(round)", vector: v)], into: collection)
            let hits = try await store.search(StoreSearch(vector: v, limit: 1), in: collection)
            #expect(hits.first?.id == "new\(round)")
            #expect(abs((hits.first?.score ?? 0) - 1) < 1e-5)
        }
    }

    @Test("deleted points are never answered; a re-ingested point answers with its new vector")
    func deletesAndReingests() async throws {
        let store = EmbeddedVectorStore()
        var rng = SplitMix64(seed: 13)
        let points = Self.clustered(2000, dimensions: 24, rng: &rng)
        try await store.upsert(points, into: collection)
        _ = try await waitReady(store, collection.name)
        let victims = stride(from: 0, to: 2000, by: 10).map { "p\($0)" }
        try await store.delete(ids: victims, from: collection)
        let gone = Set(victims)
        for p in points.prefix(200) {
            let hits = try await store.search(StoreSearch(vector: p.vector, limit: 10), in: collection)
            #expect(!hits.contains { gone.contains($0.id) })
        }
        // p1 moves to where p2 is; p2 leaves: a search at p2's old place finds p1, once.
        try await store.upsert([VectorPoint(id: "p1", vector: points[2].vector)], into: collection)
        try await store.delete(ids: ["p2"], from: collection)
        _ = try await waitReady(store, collection.name)
        let hits = try await store.search(StoreSearch(vector: points[2].vector, limit: 10), in: collection)
        #expect(hits.first?.id == "p1")
        #expect(hits.filter { $0.id == "p1" }.count == 1)
        #expect(!hits.contains { $0.id == "p2" })
        let status = try #require(store.graphStatus[collection.name])
        #expect(status.indexedPoints == 2000 - victims.count - 1)
        #expect(status.tombstones >= victims.count + 1)
        let queries = (0..<40).map { _ in VectorSearchReference.randomVector(24, &rng) }
        let r = try await recall(store, queries)
        #expect(r >= 0.9, "recall@10 after deletes \(r)")
    }

    @Test("past a quarter of tombstones the graph is rebuilt without them, searches answering throughout")
    func compaction() async throws {
        let store = EmbeddedVectorStore()
        var rng = SplitMix64(seed: 17)
        let points = Self.clustered(2000, dimensions: 24, rng: &rng)
        try await store.upsert(points, into: collection)
        _ = try await waitReady(store, collection.name)
        let victims = stride(from: 0, to: 2000, by: 3).map { "p\($0)" }
        try await store.delete(ids: victims, from: collection)
        let gone = Set(victims)
        // Searches go on while the compaction builds and swaps.
        for p in points.prefix(100) {
            let hits = try await store.search(StoreSearch(vector: p.vector, limit: 10), in: collection)
            #expect(hits.count == 10)
            #expect(!hits.contains { gone.contains($0.id) })
        }
        var status = try #require(store.graphStatus[collection.name])
        for _ in 0..<6000 where status.compactions == 0 {
            try await Task.sleep(for: .milliseconds(10))
            status = try #require(store.graphStatus[collection.name])
        }
        #expect(status.compactions >= 1)
        #expect(status.nodes == 2000 - victims.count)
        #expect(status.tombstones == 0)
        #expect(status.indexedPoints == 2000 - victims.count)
        let queries = (0..<40).map { _ in VectorSearchReference.randomVector(24, &rng) }
        let r = try await recall(store, queries)
        #expect(r >= 0.95, "recall@10 after the compaction \(r)")
    }

    @Test("filters: a common one walks the graph, a selective one scores its matches exactly")
    func filters() async throws {
        let store = EmbeddedVectorStore()
        var rng = SplitMix64(seed: 14)
        try await store.upsert(Self.clustered(2000, dimensions: 24, rng: &rng), into: collection)
        _ = try await waitReady(store, collection.name)
        let queries = (0..<40).map { _ in VectorSearchReference.randomVector(24, &rng) }
        for q in queries.prefix(10) {
            let hits = try await store.search(StoreSearch(vector: q, limit: 10, filter: ["group": "g3"]), in: collection)
            #expect(hits.count == 10)
            #expect(hits.allSatisfy { $0.payload["group"] == "g3" })
            // Three points carry "rare" (0, 997, 1994): the answer is exactly theirs.
            let rare = try await store.search(StoreSearch(vector: q, limit: 10, filter: ["rare": "yes"]), in: collection)
            let exact = try await store.search(StoreSearch(vector: q, limit: 10, filter: ["rare": "yes"], exact: true),
                                               in: collection)
            #expect(rare == exact)
            #expect(rare.count == 3)
        }
        let r = try await recall(store, queries, filter: ["group": "g3"])
        #expect(r >= 0.9, "filtered recall@10 \(r)")
    }

    @Test("searches during ingest answer only stored points, in order")
    func searchesDuringIngest() async throws {
        let store = EmbeddedVectorStore()
        var rng = SplitMix64(seed: 15)
        try await store.upsert(Self.clustered(1100, dimensions: 24, rng: &rng), into: collection)
        let batches = (0..<6).map { b in Self.clustered(150, from: 1100 + b * 150, dimensions: 24, rng: &rng) }
        let queries = (0..<200).map { _ in VectorSearchReference.randomVector(24, &rng) }
        let c = collection
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in batches { try await store.upsert(b, into: c) }
            }
            for part in 0..<2 {
                group.addTask {
                    for q in queries[(part * 100)..<((part + 1) * 100)] {
                        let hits = try await store.search(StoreSearch(vector: q, limit: 10), in: c)
                        #expect(hits.count == 10)
                        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
                        #expect(hits.allSatisfy { Int($0.id.dropFirst())! < 2000 })
                    }
                }
            }
            try await group.waitForAll()
        }
        let status = try await waitReady(store, c.name)
        #expect(status.indexedPoints == 2000)
    }

    @Test("the graph is saved with the snapshot and loaded at the next start; a damaged one is rebuilt")
    func persistence() async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 16)
            let queries = (0..<20).map { _ in VectorSearchReference.randomVector(24, &rng) }
            var before: [[ScoredPoint]] = []
            do {
                let store = try EmbeddedVectorStore(directory: dir, collections: [collection])
                try await store.upsert(Self.clustered(2000, dimensions: 24, rng: &rng), into: collection)
                _ = try await waitReady(store, collection.name)
                for q in queries { before.append(try await store.search(StoreSearch(vector: q, limit: 10), in: collection)) }
                store.close()
            }
            let graphFile = dir + "/graph-g24.pgvg"
            #expect(access(graphFile, F_OK) == 0)
            do {
                let store = try EmbeddedVectorStore(directory: dir, collections: [collection])
                let status = try #require(store.graphStatus[collection.name])
                #expect(status.rebuildReason == nil)
                #expect(status.state == "ready")
                #expect(status.nodes == 2000)
                var after: [[ScoredPoint]] = []
                for q in queries { after.append(try await store.search(StoreSearch(vector: q, limit: 10), in: collection)) }
                #expect(after == before)
                store.close()
            }
            // One flipped byte in the graph's middle: refused, rebuilt, and answers stay right meanwhile.
            let fd = open(graphFile, O_RDWR)
            #expect(fd >= 0)
            var st = stat()
            fstat(fd, &st)
            var byte: UInt8 = 0
            _ = pread(fd, &byte, 1, off_t(st.st_size / 2))
            byte ^= 0x40
            _ = pwrite(fd, &byte, 1, off_t(st.st_size / 2))
            close(fd)
            let store = try EmbeddedVectorStore(directory: dir, collections: [collection])
            let status = try #require(store.graphStatus[collection.name])
            #expect(status.rebuildReason?.contains("unusable") == true)
            for q in queries.prefix(5) {
                let got = try await store.search(StoreSearch(vector: q, limit: 10), in: collection)
                let exact = try await store.search(StoreSearch(vector: q, limit: 10, exact: true), in: collection)
                if store.graphStatus[collection.name]?.state == "building" { #expect(got == exact) }
            }
            let rebuilt = try await waitReady(store, collection.name)
            #expect(rebuilt.indexedPoints == 2000)
            let r = try await recall(store, queries)
            #expect(r >= 0.95, "recall@10 after the rebuild \(r)")
            store.close()
        }
    }
}
