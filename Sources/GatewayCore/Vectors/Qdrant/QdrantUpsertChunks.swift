import JSON

/// The bodies of `PUT /collections/{c}/points`, made one at a time as they are sent (an ingest of
/// 10,000 vectors of 4,096 dimensions is ~450 MB of JSON): each holds at most `maxPoints` points
/// and stays within `maxBytes` — well under Qdrant's 32 MiB request cap — unless one point alone
/// is bigger (a vector would need millions of dimensions for that).
struct QdrantUpsertChunks: Sequence, IteratorProtocol {
    private let points: [VectorPoint]
    private let maxBytes: Int
    private let maxPoints: Int
    private var cursor = 0
    private var writer = JSONWriter(capacity: 1 << 16)

    init(_ points: [VectorPoint], maxBytes: Int, maxPoints: Int) {
        self.points = points
        self.maxBytes = maxBytes
        self.maxPoints = Swift.max(1, maxPoints)
    }

    mutating func next() -> [UInt8]? {
        guard cursor < points.count else { return nil }
        writer.removeAll()
        writer.beginObject()
        writer.key("points")
        writer.beginArray()
        var taken = 0
        while cursor < points.count, taken < maxPoints {
            let mark = writer.mark
            QdrantRequestBody.point(points[cursor], into: &writer)
            // The two bytes of "]}" still to come count too.
            if taken > 0, writer.bytes.count + 2 > maxBytes {
                writer.rollback(to: mark)
                break
            }
            taken += 1
            cursor += 1
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
