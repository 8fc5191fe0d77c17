@testable import GatewayCore
import GatewayTestSupport
import Testing

/// The plain answer the embedded store must give: every live point, cosine in Double
/// arithmetic, a full sort by score then id. Kept beside the store's tests as the model of
/// upserts (replace by id) and deletes.
struct VectorSearchReference {
    struct Point {
        var vector: [Float]
        var payload: [String: String]
    }

    private(set) var points: [String: Point] = [:]

    mutating func upsert(_ batch: [VectorPoint]) {
        for p in batch { points[p.id] = Point(vector: p.vector, payload: p.payload) }
    }

    mutating func delete(_ ids: [String]) {
        for id in ids { points.removeValue(forKey: id) }
    }

    /// Every point's cosine with `query`, by id.
    func scores(_ query: [Float], filter: [String: String] = [:]) -> [String: Double] {
        var out: [String: Double] = [:]
        for (id, p) in points where filter.allSatisfy({ p.payload[$0.key] == $0.value }) {
            var dot = 0.0, pp = 0.0, qq = 0.0
            for i in query.indices {
                dot += Double(query[i]) * Double(p.vector[i])
                pp += Double(p.vector[i]) * Double(p.vector[i])
                qq += Double(query[i]) * Double(query[i])
            }
            out[id] = dot / (pp.squareRoot() * qq.squareRoot())
        }
        return out
    }

    func search(_ query: [Float], limit: Int, filter: [String: String] = [:], threshold: Float? = nil)
        -> [(id: String, score: Double)]
    {
        Self.best(scores(query, filter: filter), limit: limit, threshold: threshold)
    }

    private static func best(_ scores: [String: Double], limit: Int, threshold: Float?) -> [(id: String, score: Double)] {
        let hits = scores.filter { threshold == nil || $0.value >= Double(threshold!) }
        return hits.map { (id: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
            .prefix(limit).map { $0 }
    }

    /// The store's answer against this one: the same length, every score within `tolerance`
    /// of the reference's at the same rank and of its own point's, the same id wherever the
    /// reference's score is clear of its neighbours, and the order highest first, ties by id.
    func expectSame(_ got: [ScoredPoint], _ query: [Float], limit: Int, filter: [String: String] = [:],
                    threshold: Float? = nil, tolerance: Double = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
        let own = scores(query, filter: filter)
        let want = Self.best(own, limit: limit, threshold: threshold)
        #expect(got.count == want.count, "\(got.count) hits, reference \(want.count)", sourceLocation: sourceLocation)
        for (i, (g, w)) in zip(got, want).enumerated() {
            #expect(abs(Double(g.score) - w.score) < tolerance, "rank \(i): \(g.score) vs \(w.score)",
                    sourceLocation: sourceLocation)
            #expect(own[g.id].map { abs($0 - Double(g.score)) < tolerance } == true, "rank \(i): \(g.id)",
                    sourceLocation: sourceLocation)
            #expect(g.payload == points[g.id]?.payload, sourceLocation: sourceLocation)
            let clearAbove = i == 0 || want[i - 1].score - w.score > 2 * tolerance
            let clearBelow = i + 1 == want.count || w.score - want[i + 1].score > 2 * tolerance
            if clearAbove && clearBelow {
                #expect(g.id == w.id, "rank \(i)", sourceLocation: sourceLocation)
            }
        }
        let ordered = zip(got, got.dropFirst()).allSatisfy { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        #expect(ordered, "highest first, equal scores by id", sourceLocation: sourceLocation)
        if let threshold { #expect(got.allSatisfy { $0.score >= threshold }, sourceLocation: sourceLocation) }
    }

    /// Seeded points: values in [-1, 1], every seventh a copy of an earlier vector (exact ties),
    /// payloads in three groups.
    static func points(count: Int, dimensions: Int, rng: inout SplitMix64, prefix: String = "p") -> [VectorPoint] {
        var out: [VectorPoint] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let vector = i % 7 == 6 ? out[Int(rng.next() % UInt64(i))].vector : randomVector(dimensions, &rng)
            out.append(VectorPoint(id: "\(prefix)\(i)", vector: vector,
                                   payload: ["group": "g\(i % 3)", "parity": i % 2 == 0 ? "even" : "odd"]))
        }
        return out
    }

    static func randomVector(_ dimensions: Int, _ rng: inout SplitMix64) -> [Float] {
        (0..<dimensions).map { _ in Float.random(in: -1...1, using: &rng) }
    }
}
