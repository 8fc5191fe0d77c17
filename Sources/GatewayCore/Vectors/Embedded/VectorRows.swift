/// Points on their way into a collection, as one upsert record carries them: parallel ids and
/// payloads, and the unit vectors in one row-major block (normalised once, at ingest, so neither
/// a search nor a replay does it again).
struct VectorRows: Sendable, Equatable {
    var collection: String
    var dimensions: Int
    var ids: [String] = []
    var payloads: [[String: String]] = []
    /// `ids.count × dimensions` values.
    var vectors: [Float] = []

    init(collection: String, dimensions: Int, capacity: Int = 0) {
        self.collection = collection
        self.dimensions = dimensions
        ids.reserveCapacity(capacity)
        payloads.reserveCapacity(capacity)
        vectors.reserveCapacity(capacity * dimensions)
    }

    init(collection: String, dimensions: Int, ids: [String], payloads: [[String: String]], vectors: [Float]) {
        precondition(ids.count == payloads.count && vectors.count == ids.count * dimensions, "rows out of shape")
        self.collection = collection
        self.dimensions = dimensions
        self.ids = ids
        self.payloads = payloads
        self.vectors = vectors
    }

    var count: Int { ids.count }

    mutating func append(id: String, payload: [String: String], unitVector: some Collection<Float>) {
        precondition(unitVector.count == dimensions, "the store checks dimensions before building rows")
        ids.append(id)
        payloads.append(payload)
        vectors.append(contentsOf: unitVector)
    }

    /// Validates and normalises a call's points. Field names as the API reports them.
    static func validated(_ points: [VectorPoint], into collection: VectorCollection) throws(GatewayError) -> VectorRows {
        var rows = VectorRows(collection: collection.name, dimensions: collection.dimensions, capacity: points.count)
        for (i, p) in points.enumerated() {
            guard !p.id.isEmpty else { throw .invalid("points[\(i)].id must not be empty", field: "points[\(i)].id") }
            try VectorChecks.vector(p.vector, dimensions: collection.dimensions, model: collection.name,
                                    field: "points[\(i)].vector")
            rows.append(id: p.id, payload: p.payload, unitVector: VectorChecks.normalized(p.vector))
        }
        return rows
    }

    /// Cut into pieces of about `maxBytes` each (at least one point a piece), so no log record
    /// comes near the frame limit and a snapshot is written in steps.
    func chunked(maxBytes: Int) -> [VectorRows] {
        var pieces: [VectorRows] = []
        var start = 0
        var bytes = 0
        for k in 0..<count {
            let cost = Self.encodedBytes(id: ids[k], payload: payloads[k], dimensions: dimensions)
            if k > start && bytes + cost > maxBytes {
                pieces.append(slice(start..<k))
                start = k
                bytes = 0
            }
            bytes += cost
        }
        if start == 0 { return [self] }
        pieces.append(slice(start..<count))
        return pieces
    }

    private func slice(_ r: Range<Int>) -> VectorRows {
        VectorRows(collection: collection, dimensions: dimensions, ids: Array(ids[r]), payloads: Array(payloads[r]),
                   vectors: Array(vectors[(r.lowerBound * dimensions)..<(r.upperBound * dimensions)]))
    }

    /// What one point adds to its record (see `VectorLogRecord`).
    static func encodedBytes(id: String, payload: [String: String], dimensions: Int) -> Int {
        var n = 4 + id.utf8.count + 4 + dimensions * 4
        for (key, value) in payload { n += 8 + key.utf8.count + value.utf8.count }
        return n
    }
}
