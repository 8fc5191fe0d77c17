@testable import GatewayCore
import GatewayTestSupport
import Testing

/// Exact search against `VectorSearchReference` on seeded data, through the store (so the
/// in-place, offloaded and split scans all run) and on a collection directly.
@Suite("Embedded collection: exact search")
struct EmbeddedCollectionSearchTests {
    /// Sizes for every path: below the offload bar, offloaded, and split over the CPUs; row
    /// lengths that are and are not multiples of the kernel's eight lanes.
    @Test("the store's search equals the reference", arguments: [
        (1, 300), (3, 500), (16, 801), (37, 1503), (384, 3001), (1000, 4402),
    ])
    func matchesTheReference(_ dimensions: Int, _ count: Int) async throws {
        var rng = SplitMix64(seed: UInt64(dimensions * 7919 + count))
        let store = EmbeddedVectorStore()
        let c = VectorCollection(name: "m", dimensions: dimensions)
        var reference = VectorSearchReference()
        let points = VectorSearchReference.points(count: count, dimensions: dimensions, rng: &rng)
        for batch in stride(from: 0, to: count, by: 1000).map({ Array(points[$0..<min($0 + 1000, count)]) }) {
            try await store.upsert(batch, into: c)
            reference.upsert(batch)
        }
        #expect(store.count(collection: "m") == count)
        for round in 0..<2 {
            // A stored vector as the query too: its exact ties must come out by id.
            let q = round == 0 ? points[6].vector : VectorSearchReference.randomVector(dimensions, &rng)
            for (limit, filter, threshold) in [
                (10, [:], nil), (250, ["group": "g1"], nil), (1000, ["parity": "odd"], Float(0.05)),
                (count + 5, [:], Float(-0.02)), (1, ["group": "g2", "parity": "even"], Float(-1)),
            ] as [(Int, [String: String], Float?)] {
                let got = try await store.search(StoreSearch(vector: q, limit: limit, filter: filter, scoreThreshold: threshold),
                                                 in: c)
                reference.expectSame(got, q, limit: limit, filter: filter, threshold: threshold)
            }
        }
    }

    @Test func replacingAndDeletingKeepTheAnswersExact() async throws {
        var rng = SplitMix64(seed: 99)
        let store = EmbeddedVectorStore()
        let c = VectorCollection(name: "m", dimensions: 37)
        var reference = VectorSearchReference()
        let points = VectorSearchReference.points(count: 2000, dimensions: 37, rng: &rng)
        try await store.upsert(points, into: c)
        reference.upsert(points)
        // New vectors and payloads for 300 known ids, and 20 new ids, in one call.
        let replaced = (0..<320).map { k in
            VectorPoint(id: "p\(k * 6 + 3)", vector: VectorSearchReference.randomVector(37, &rng), payload: ["group": "new"])
        }
        try await store.upsert(replaced, into: c)
        reference.upsert(replaced)
        // Every third point, the last one, the first one, and ids never stored.
        let victims = stride(from: 0, to: 2000, by: 3).map { "p\($0)" } + ["p1999", "p0", "nobody", "p1920"]
        try await store.delete(ids: victims, from: c)
        reference.delete(victims)
        // Some come back.
        let back = (0..<50).map { k in VectorPoint(id: "p\(k * 30)", vector: VectorSearchReference.randomVector(37, &rng)) }
        try await store.upsert(back, into: c)
        reference.upsert(back)
        #expect(store.count(collection: "m") == reference.points.count)
        for _ in 0..<4 {
            let q = VectorSearchReference.randomVector(37, &rng)
            for filter in [[:], ["group": "new"], ["group": "g1"]] as [[String: String]] {
                let got = try await store.search(StoreSearch(vector: q, limit: 2000, filter: filter), in: c)
                reference.expectSame(got, q, limit: 2000, filter: filter)
            }
        }
        // Deleting from a collection that does not exist, or nothing at all, is no error.
        try await store.delete(ids: ["p1"], from: VectorCollection(name: "none", dimensions: 37))
        try await store.delete(ids: [], from: c)
    }

    @Test func deletesMoveTheLastRowIntoTheHole() {
        var rng = SplitMix64(seed: 5)
        var collection = EmbeddedCollection(dimensions: 5)
        var rows = VectorRows(collection: "m", dimensions: 5)
        var vectors: [String: [Float]] = [:]
        for i in 0..<40 {
            let unit = VectorChecks.normalized(VectorSearchReference.randomVector(5, &rng))
            vectors["p\(i)"] = unit
            rows.append(id: "p\(i)", payload: ["i": String(i)], unitVector: unit)
        }
        collection.upsert(rows)
        #expect(collection.delete(["p0", "p17", "p39", "p17", "absent", "p38"]) == 4)
        #expect(collection.count == 36)
        // Every slot still holds its own id's vector and payload, and the slot table agrees.
        for (slot, id) in collection.ids.enumerated() {
            #expect(Array(collection.rows[(slot * 5)..<(slot * 5 + 5)]) == vectors[id])
            #expect(collection.payloads[slot] == ["i": String(id.dropFirst())])
            #expect(collection.contains(id))
        }
        #expect(!collection.contains("p17") && !collection.contains("p0"))
        #expect(collection.rows.count == 36 * 5)
        // The hole at slot 0 took the last row (p37, after p39 and p38 went).
        #expect(collection.ids[0] == "p37")
    }

    @Test("a split scan merges to exactly the single scan", arguments: [2, 3, 4, 7])
    func splitScansMerge(_ parts: Int) async {
        var rng = SplitMix64(seed: UInt64(parts))
        var collection = EmbeddedCollection(dimensions: 24)
        var rows = VectorRows(collection: "m", dimensions: 24)
        for p in VectorSearchReference.points(count: 1001, dimensions: 24, rng: &rng) {
            rows.append(id: p.id, payload: p.payload, unitVector: VectorChecks.normalized(p.vector))
        }
        collection.upsert(rows)
        let q = VectorChecks.normalized(VectorSearchReference.randomVector(24, &rng))
        for (limit, filter) in [(10, [:]), (333, ["group": "g0"]), (5000, [:])] as [(Int, [String: String])] {
            let one = collection.search(unitQuery: q, limit: limit, filter: filter, scoreThreshold: nil)
            let split = await collection.search(unitQuery: q, limit: limit, filter: filter, scoreThreshold: nil, parts: parts)
            #expect(split == one)
        }
    }

    @Test func wrongSizesNameTheFieldAndTheExpectedSize() async throws {
        let store = EmbeddedVectorStore()
        let c = VectorCollection(name: "m", dimensions: 37)
        var rng = SplitMix64(seed: 1)
        let good = VectorSearchReference.points(count: 2, dimensions: 37, rng: &rng)
        let bad = VectorPoint(id: "x", vector: VectorSearchReference.randomVector(36, &rng))
        let error = await #expect(throws: GatewayError.self) { try await store.upsert(good + [bad], into: c) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("points[2].vector") == true && error?.message.contains("37") == true)
        #expect(error?.details.first { $0.0 == "field" }?.1 == "points[2].vector")
        #expect(error?.details.first { $0.0 == "expected_size" }?.1 == "37")
        #expect(store.count(collection: "m") == 0, "a rejected call stores nothing")

        try await store.upsert(good, into: c)
        let query = await #expect(throws: GatewayError.self) {
            _ = try await store.search(StoreSearch(vector: [1, 2, 3], limit: 3), in: c)
        }
        #expect(query?.details.first { $0.0 == "field" }?.1 == "query_vector")
        #expect(query?.details.first { $0.0 == "expected_size" }?.1 == "37")
        // The collection keeps its size whatever a caller claims.
        let wider = VectorCollection(name: "m", dimensions: 38)
        let conflict = await #expect(throws: GatewayError.self) {
            try await store.upsert([VectorPoint(id: "y", vector: [Float](repeating: 1, count: 38))], into: wider)
        }
        #expect(conflict?.details.first { $0.0 == "expected_size" }?.1 == "37")
    }
}
