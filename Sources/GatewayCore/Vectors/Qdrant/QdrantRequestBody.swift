import JSON

/// The request bodies of Qdrant's REST API that the store sends (PROTOCOLS.md, "Qdrant REST"),
/// written straight to bytes: an ingest of 10,000 vectors is millions of numbers.
enum QdrantRequestBody {
    /// `PUT /collections/{c}`: one unnamed vector per point, cosine distance, the model's index
    /// parameters.
    static func createCollection(_ c: VectorCollection) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.key("vectors")
        w.beginObject()
        w.key("size"); w.number(c.dimensions)
        w.key("distance"); w.string("Cosine")
        w.endObject()
        w.key("hnsw_config")
        w.beginObject()
        w.key("m"); w.number(c.indexM)
        w.key("ef_construct"); w.number(c.indexEfConstruct)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// `POST /collections/{c}/points/search`; `filter` only when there is one, every condition
    /// an exact match that must hold.
    static func search(vector: [Float], limit: Int, filter: [String: String], scoreThreshold: Float?) -> [UInt8] {
        var w = JSONWriter(capacity: vector.count * 12 + 128)
        w.beginObject()
        w.key("vector"); floats(&w, vector)
        w.key("limit"); w.number(limit)
        if !filter.isEmpty {
            w.key("filter")
            w.beginObject()
            w.key("must")
            w.beginArray()
            for (key, value) in filter.sorted(by: { $0.key < $1.key }) {
                w.beginObject()
                w.key("key"); w.string(key)
                w.key("match")
                w.beginObject()
                w.key("value"); w.string(value)
                w.endObject()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.key("with_payload"); w.bool(true)
        if let scoreThreshold {
            w.key("score_threshold"); w.number(scoreThreshold)
        }
        w.endObject()
        return w.bytes
    }

    /// `POST /collections/{c}/points/delete`: `{"points": [uuid, ...]}`.
    static func delete(uuids: some Collection<String>) -> [UInt8] {
        JSON.serialize(["points": .array(uuids.map { .string($0) })])
    }

    /// One point of an upsert body: the mapped id, the vector, the payload (keys sorted, so
    /// equal points make equal bytes) with the gateway's id added.
    static func point(_ p: VectorPoint, into w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(QdrantPointID.uuid(for: p.id))
        w.key("vector"); floats(&w, p.vector)
        w.key("payload")
        w.beginObject()
        for (key, value) in p.payload.sorted(by: { $0.key < $1.key }) {
            w.key(key); w.string(value)
        }
        w.key(QdrantPointID.payloadKey); w.string(p.id)
        w.endObject()
        w.endObject()
    }

    /// A collection name as one path segment: anything but unreserved characters percent-encoded.
    static func pathSegment(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    private static func floats(_ w: inout JSONWriter, _ v: [Float]) {
        w.beginArray()
        for x in v { w.number(x) }
        w.endArray()
    }
}
