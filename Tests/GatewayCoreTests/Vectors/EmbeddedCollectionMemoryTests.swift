@testable import GatewayCore
import GatewayTestSupport
import Testing

@Suite("Embedded collection: memory accounting")
struct EmbeddedCollectionMemoryTests {
    private func points(_ n: Int, dimensions: Int, idPrefix: String = "p", payload: [String: String] = [:])
        -> [VectorPoint]
    {
        var rng = SplitMix64(seed: UInt64(n))
        return (0..<n).map { VectorPoint(id: "\(idPrefix)\($0)", vector: VectorSearchReference.randomVector(dimensions, &rng),
                                         payload: payload) }
    }

    @Test func theNumbersFollowThePoints() async throws {
        let store = EmbeddedVectorStore()
        let c = VectorCollection(name: "m", dimensions: 384)
        #expect(store.memoryBytes(collection: "m") == 0)
        try await store.upsert(points(1000, dimensions: 384), into: c)
        let plain = try #require(store.memoryBytes(collection: "m"))
        // The matrix dominates: 1,000 × 384 floats, plus a little per point (ids are inline
        // strings here, payloads empty: array slots and the slot table).
        #expect(plain >= 1000 * 384 * 4)
        #expect(plain <= 1000 * 384 * 4 * 2 + 1000 * 128, "\(plain)")

        // Long ids and payloads cost their bytes on top.
        let long = points(1000, dimensions: 384, idPrefix: String(repeating: "x", count: 100),
                          payload: ["source": String(repeating: "y", count: 200), "lang": "en"])
        let d = VectorCollection(name: "d", dimensions: 384)
        try await store.upsert(long, into: d)
        let decorated = try #require(store.memoryBytes(collection: "d"))
        #expect(decorated >= plain + 1000 * (100 + 200), "\(decorated) vs \(plain)")
        #expect(decorated <= plain + 1000 * (100 + 200) * 3, "\(decorated) vs \(plain)")

        // Replacing a payload by a small one gives its bytes back.
        try await store.upsert(long.prefix(500).map { VectorPoint(id: $0.id, vector: $0.vector) }, into: d)
        let lighter = try #require(store.memoryBytes(collection: "d"))
        #expect(lighter < decorated - 500 * 200)

        // Deleting most points gives the matrix back too.
        try await store.delete(ids: (0..<900).map { "p\($0)" }, from: c)
        let after = try #require(store.memoryBytes(collection: "m"))
        #expect(after < plain / 3, "\(after) vs \(plain)")
        #expect(after >= 100 * 384 * 4)

        try await store.dropCollection("m")
        #expect(store.memoryBytes(collection: "m") == 0)
        #expect(store.memoryBytes(collection: "d") == lighter, "another collection's drop leaves it alone")
    }

    @Test func heapEstimatesFollowSwiftsLayouts() {
        #expect(EmbeddedCollection.heapBytes("fifteen-chars!!") == 0, "small strings are inline")
        #expect(EmbeddedCollection.heapBytes("sixteen-chars!!!") == 48)
        #expect(EmbeddedCollection.heapBytes([String: String]()) == 0)
        let one = EmbeddedCollection.heapBytes(["k": "v"])
        #expect(one > 64 && one < 256, "\(one)")
    }
}
