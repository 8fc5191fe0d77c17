import JSON

/// The `result` parts of Qdrant's answers that the store reads.
enum QdrantResult {
    /// `GET /collections/{c}`: the vector shape and how many points it holds.
    struct CollectionInfo: Sendable, Equatable {
        /// Nil when the collection has named vectors: not one the gateway made.
        var size: Int?
        var distance: String?
        var pointsCount: Int
    }

    static func collectionInfo(_ result: JSONValue) throws(GatewayError) -> CollectionInfo {
        guard result.objectValue != nil else { throw QdrantReply.shape("a collection description") }
        let vectors = result["config"]?["params"]?["vectors"]
        // Qdrant may leave the count out (null) while a collection is being set up.
        let count = result["points_count"]
        guard count == nil || count?.isNull == true || count?.intValue != nil else {
            throw QdrantReply.shape("an integer points_count")
        }
        return CollectionInfo(size: vectors?["size"]?.intValue, distance: vectors?["distance"]?.stringValue,
                              pointsCount: count?.intValue ?? 0)
    }

    /// `POST .../points/search`: hits with the gateway's ids restored (Qdrant's own id for a
    /// point someone else wrote) and the reserved key taken out of the payload. Payload values
    /// the gateway did not write as strings come back as their JSON text.
    static func hits(_ result: JSONValue) throws(GatewayError) -> [ScoredPoint] {
        guard let list = result.arrayValue else { throw QdrantReply.shape("a list of search hits") }
        var out: [ScoredPoint] = []
        out.reserveCapacity(list.count)
        for hit in list {
            guard let score = hit["score"]?.numberValue?.float, score.isFinite else {
                throw QdrantReply.shape("a numeric score in every hit")
            }
            var payload: [String: String] = [:]
            if let fields = hit["payload"]?.objectValue {
                for (key, value) in fields.fields {
                    payload[key] = value.stringValue ?? String(decoding: JSON.serialize(value), as: UTF8.self)
                }
            }
            let qdrantID: String
            switch hit["id"] {
            case .string(let s)?: qdrantID = s
            case .number(let n)?: qdrantID = n.text
            default: throw QdrantReply.shape("an id in every hit")
            }
            let id = payload.removeValue(forKey: QdrantPointID.payloadKey) ?? qdrantID
            // Rounding can push a cosine of unit vectors a hair past ±1, as in the embedded store.
            out.append(ScoredPoint(id: id, score: min(1, max(-1, score)), payload: payload))
        }
        return out
    }
}
