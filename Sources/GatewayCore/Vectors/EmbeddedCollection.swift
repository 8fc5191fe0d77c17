/// One model's points, as plain values: a row-major matrix of unit vectors (normalised once at
/// ingest, so a search is one dot product per row) and parallel id and payload arrays. A value
/// type, so a search can scan a snapshot while an ingest builds the next version.
struct EmbeddedCollection: Sendable {
    let dimensions: Int
    private(set) var ids: [String] = []
    private(set) var payloads: [[String: String]] = []
    private(set) var rows: [Float] = []
    private var slots: [String: Int] = [:]

    init(dimensions: Int) {
        self.dimensions = dimensions
    }

    var count: Int { ids.count }

    /// Replaces the point in place when the id is known, so a re-ingest never duplicates.
    mutating func upsert(id: String, unitVector: [Float], payload: [String: String]) {
        precondition(unitVector.count == dimensions, "the store checks dimensions before upserting")
        if let slot = slots[id] {
            rows.replaceSubrange(slot * dimensions ..< (slot + 1) * dimensions, with: unitVector)
            payloads[slot] = payload
        } else {
            slots[id] = ids.count
            ids.append(id)
            payloads.append(payload)
            rows.append(contentsOf: unitVector)
        }
    }

    /// Brute force over every row; `unitQuery` is already normalised.
    func search(unitQuery: [Float], limit: Int, filter: [String: String], scoreThreshold: Float?) -> [ScoredPoint] {
        var best = TopK(k: limit, ids: ids)
        unitQuery.withUnsafeBufferPointer { q in
            rows.withUnsafeBufferPointer { r in
                for slot in 0..<ids.count where Self.matches(payloads[slot], filter) {
                    // Rounding can push a unit dot product a hair past ±1; a cosine never is.
                    let score = min(1, max(-1, CosineKernel.dot(q, r, row: slot)))
                    if let scoreThreshold, score < scoreThreshold { continue }
                    best.offer(score: score, slot: slot)
                }
            }
        }
        return best.sorted().map { ScoredPoint(id: ids[$0.slot], score: $0.score, payload: payloads[$0.slot]) }
    }

    private static func matches(_ payload: [String: String], _ filter: [String: String]) -> Bool {
        for (key, value) in filter where payload[key] != value { return false }
        return true
    }
}
