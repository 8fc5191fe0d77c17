import Testing
@testable import GatewayCore
import GatewayTestSupport

@Suite("Embedded vector store")
struct EmbeddedVectorStoreTests {
    let c3 = VectorCollection(name: "m", dimensions: 3)

    private func search(_ store: EmbeddedVectorStore, _ v: [Float], limit: Int = 10, filter: [String: String] = [:],
                        threshold: Float? = nil, in c: VectorCollection? = nil) async throws -> [ScoredPoint] {
        try await store.search(StoreSearch(vector: v, limit: limit, filter: filter, scoreThreshold: threshold), in: c ?? c3)
    }

    private func seeded() async throws -> EmbeddedVectorStore {
        let store = EmbeddedVectorStore()
        try await store.upsert([
            VectorPoint(id: "a", vector: [1, 0, 0], payload: ["kind": "x"]),
            VectorPoint(id: "b", vector: [2, 2, 0], payload: ["kind": "y"]),  // not unit: normalised on the way in
            VectorPoint(id: "c", vector: [0, 1, 1], payload: ["kind": "x", "lang": "en"]),
            VectorPoint(id: "d", vector: [-1, 0, 0]),
        ], into: c3)
        return store
    }

    @Test("cosine ranking matches a hand computation")
    func ranking() async throws {
        let r = try await search(try await seeded(), [1, 0.5, 0])
        // |q| = √1.25; a: 1/√1.25; b: 1.5/(√2·√1.25); c: 0.5/(√2·√1.25); d: −1/√1.25
        let q = 1.25.squareRoot()
        let want: [(String, Double)] = [("b", 1.5 / (2.0.squareRoot() * q)), ("a", 1 / q), ("c", 0.5 / (2.0.squareRoot() * q)), ("d", -1 / q)]
        #expect(r.map(\.id) == want.map(\.0))
        for (hit, (_, score)) in zip(r, want) {
            #expect(abs(Double(hit.score) - score) < 1e-6, "\(hit.id): \(hit.score) vs \(score)")
        }
        #expect(r[0].payload == ["kind": "y"])
    }

    @Test func limitKeepsTheBest() async throws {
        let r = try await search(try await seeded(), [1, 0.5, 0], limit: 2)
        #expect(r.map(\.id) == ["b", "a"])
    }

    @Test func filterIsAnExactMatchOnEveryKey() async throws {
        let store = try await seeded()
        #expect(try await search(store, [1, 0.5, 0], filter: ["kind": "x"]).map(\.id) == ["a", "c"])
        #expect(try await search(store, [1, 0.5, 0], filter: ["kind": "x", "lang": "en"]).map(\.id) == ["c"])
        #expect(try await search(store, [1, 0.5, 0], filter: ["kind": "X"]).isEmpty)
        #expect(try await search(store, [1, 0.5, 0], filter: ["missing": ""]).isEmpty)
    }

    @Test func thresholdDropsLowerScores() async throws {
        let store = try await seeded()
        #expect(try await search(store, [1, 0.5, 0], threshold: 0.9).map(\.id) == ["b"])
        #expect(try await search(store, [1, 0.5, 0], threshold: 0).map(\.id) == ["b", "a", "c"])
        #expect(try await search(store, [1, 0.5, 0], threshold: 1.01).isEmpty)
    }

    @Test func reingestingAnIDReplacesIt() async throws {
        let store = try await seeded()
        try await store.upsert([VectorPoint(id: "d", vector: [1, 0.5, 0], payload: ["v": "2"])], into: c3)
        #expect(store.count(collection: "m") == 4)
        let r = try await search(store, [1, 0.5, 0], limit: 1)
        #expect(r.map(\.id) == ["d"] && r[0].payload == ["v": "2"])
        #expect(abs(r[0].score - 1) < 1e-6)
        // Equal ids in one call: the last wins.
        try await store.upsert([VectorPoint(id: "e", vector: [0, 0, 1]), VectorPoint(id: "e", vector: [0, 1, 0])], into: c3)
        #expect(store.count(collection: "m") == 5)
        #expect(try await search(store, [0, 1, 0], limit: 1).map(\.id) == ["e"])
    }

    @Test func equalScoresAreOrderedByID() async throws {
        let store = EmbeddedVectorStore()
        try await store.upsert(["p3", "p1", "p2", "p0"].map { VectorPoint(id: $0, vector: [0, 1, 0]) }, into: c3)
        #expect(try await search(store, [0, 3, 0]).map(\.id) == ["p0", "p1", "p2", "p3"])
        #expect(try await search(store, [0, 3, 0], limit: 2).map(\.id) == ["p0", "p1"])
    }

    @Test("dimension and value errors name the field", arguments: [
        ([Float](arrayLiteral: 1, 0), "points[1].vector"),
        ([Float](arrayLiteral: 0, 0, 0), "points[1].vector"),
        ([Float](arrayLiteral: 1, .nan, 0), "points[1].vector"),
    ])
    func badPoints(_ v: [Float], _ field: String) async throws {
        let store = EmbeddedVectorStore()
        do {
            try await store.upsert([VectorPoint(id: "ok", vector: [1, 0, 0]), VectorPoint(id: "bad", vector: v)], into: c3)
            Issue.record("accepted \(v)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.details.first?.1 == field, "\(error)")
        }
        #expect(store.count(collection: "m") == 0, "a rejected call stores nothing")
    }

    @Test func dimensionErrors() async throws {
        let store = try await seeded()
        await #expect(throws: GatewayError.self) { _ = try await search(store, [1, 0]) }
        await #expect(throws: GatewayError.self) { _ = try await search(store, [0, 0, 0]) }
        // The same name with another size is refused, not mixed in.
        let wider = VectorCollection(name: "m", dimensions: 4)
        await #expect(throws: GatewayError.self) { try await store.upsert([VectorPoint(id: "z", vector: [1, 0, 0, 0])], into: wider) }
        await #expect(throws: GatewayError.self) { _ = try await search(store, [1, 0, 0, 0], in: wider) }
        #expect(store.count(collection: "m") == 4)
        do {
            try await store.upsert([VectorPoint(id: "", vector: [1, 0, 0])], into: c3)
            Issue.record("an empty id reached the store")
        } catch {
            #expect(error.details.first?.1 == "points[0].id")
        }
    }

    @Test func collectionsAreSeparate() async throws {
        let store = try await seeded()
        let other = VectorCollection(name: "n", dimensions: 2)
        try await store.upsert([VectorPoint(id: "a", vector: [0, 1])], into: other)
        #expect(store.counts == ["m": 4, "n": 1])
        #expect(try await search(store, [1, 0], in: other).map(\.id) == ["a"])
        #expect(try await search(store, [1, 0], in: VectorCollection(name: "empty", dimensions: 2)).isEmpty)
        #expect(store.count(collection: "empty") == 0)
    }

    @Test("top-k equals a full sort on random data")
    func differential() async throws {
        var rng = SplitMix64(seed: 42)
        let store = EmbeddedVectorStore()
        let c = VectorCollection(name: "r", dimensions: 37)  // not a multiple of 16: the kernel's tail runs
        var points: [VectorPoint] = []
        for i in 0..<500 {
            // Some duplicated vectors make ties, which must fall back to the id order.
            let seed = i % 450
            var local = SplitMix64(seed: UInt64(seed) + 1000)
            let v = (0..<37).map { _ in Float.random(in: -1...1, using: &local) }
            points.append(VectorPoint(id: "p\(i)", vector: v, payload: ["even": i % 2 == 0 ? "yes" : "no"]))
        }
        try await store.upsert(points, into: c)
        for _ in 0..<5 {
            let q = (0..<37).map { _ in Float.random(in: -1...1, using: &rng) }
            let got = try await store.search(StoreSearch(vector: q, limit: 25, filter: ["even": "yes"]), in: c)
            let qn = VectorChecks.normalized(q)
            let want = points.filter { $0.payload["even"] == "yes" }.map { p -> (String, Float) in
                let pn = VectorChecks.normalized(p.vector)
                return (p.id, zip(qn, pn).map { $0 * $1 }.reduce(0, +))
            }
            let wantIDs = want.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(25)
            #expect(got.count == 25)
            for (g, w) in zip(got, wantIDs) { #expect(abs(g.score - w.1) < 1e-5) }
            // The SIMD kernel and a plain sum may differ in the last bits, so near-equal scores of
            // different vectors may swap: compare scores, and check the order (ties by id) itself.
            #expect(zip(got, got.dropFirst()).allSatisfy { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) })
        }
    }

    /// `writers` tasks, each upserting `batches` calls of `size` new points (8 values each).
    static func addWriters(to group: inout ThrowingTaskGroup<Void, any Error>, store: EmbeddedVectorStore,
                           collection: VectorCollection, writers: Int, batches: Int, size: Int) {
        for writer in 0..<writers {
            group.addTask {
                for batch in 0..<batches {
                    let points = (0..<size).map { k in
                        VectorPoint(id: "w\(writer)-\(batch)-\(k)", vector: (0..<8).map { Float(($0 + writer + k) % 5) + 1 })
                    }
                    try await store.upsert(points, into: collection)
                }
            }
        }
    }

    @Test("concurrent ingests and searches: every point lands once")
    func concurrency() async throws {
        let store = EmbeddedVectorStore()
        let c = VectorCollection(name: "cc", dimensions: 8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            Self.addWriters(to: &group, store: store, collection: c, writers: 8, batches: 25, size: 4)
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<25 {
                        let r = try await store.search(StoreSearch(vector: [1, 2, 3, 4, 5, 6, 7, 8], limit: 5), in: c)
                        #expect(r.count <= 5)
                    }
                }
            }
            // Re-ingests of the same ids from many tasks: replaced, never duplicated.
            for _ in 0..<4 {
                group.addTask {
                    for i in 0..<50 { try await store.upsert([VectorPoint(id: "shared-\(i % 10)", vector: [Float](repeating: 1, count: 8))], into: c) }
                }
            }
            try await group.waitForAll()
        }
        #expect(store.count(collection: "cc") == 8 * 25 * 4 + 10)
        let all = try await store.search(StoreSearch(vector: [1, 1, 1, 1, 1, 1, 1, 1], limit: 1000), in: c)
        #expect(all.count == 810)
        #expect(Set(all.map(\.id)).count == 810)
    }
}
