import GatewayCore
import JSON

/// Reads an ingest body (spec §3, "Vector patterns") with the pull reader:
/// `{"vectors": [{"id": "a1", "vector": [...], "payload": {"k": "v"}}, ...]}`, or `vectors` as
/// plain number arrays `[[...], [...]]` (ids are then generated). Vectors go straight from the
/// bytes into floats. Lengths are checked against the model by the route, which knows it.
enum IngestBodyDecoder {
    static let maxDimensions = SearchBodyDecoder.maxDimensions

    static func decode(_ body: [UInt8]) throws(GatewayError) -> [VectorPoint] {
        var points: [VectorPoint]?
        var sawTexts = false
        try JSONBody.members(body) { key, r in
            switch key {
            case "vectors":
                points = try vectors(&r)
            case "texts", "payloads":
                sawTexts = sawTexts || key == "texts"
                try r.skipValue()
            default:
                try r.skipValue()
            }
        }
        if sawTexts && points != nil { throw .invalid("send either vectors or texts, not both", field: "texts") }
        // Issue 6 embeds texts through the model's pattern first; until then say so plainly.
        if sawTexts { throw .invalid("texts ingest is not available yet; send vectors", field: "texts") }
        guard let points else { throw .invalid("vectors is required", field: "vectors") }
        try VectorChecks.pointCount(points.count, field: "vectors")
        return points
    }

    /// Each element is either a number array or a point object. The reader has no peek, but it
    /// is a value: a copy reads the next token, and the original stays where a whole array can
    /// be taken at once.
    private static func vectors(_ r: inout JSONReader) throws -> [VectorPoint] {
        guard try r.next() == .beginArray else {
            throw GatewayError.invalid("vectors must be an array of points or of number arrays", field: "vectors")
        }
        var points: [VectorPoint] = []
        while true {
            let field = "vectors[\(points.count)]"
            var probe = r
            let token = try probe.next()
            if token == .endArray {
                r = probe
                return points
            }
            // Stop reading at the limit instead of building an over-long list first.
            if points.count == VectorChecks.maxPoints { try VectorChecks.pointCount(points.count + 1, field: "vectors") }
            switch token {
            case .beginArray:
                points.append(VectorPoint(id: "", vector: try floats(&r, field: field)))
            case .beginObject:
                r = probe
                points.append(try point(&r, field: field))
            default:
                throw GatewayError.invalid("\(field) must be a point object or an array of numbers", field: field)
            }
        }
    }

    /// `{"id", "vector", "payload"}`; the opening brace is already read.
    private static func point(_ r: inout JSONReader, field: String) throws -> VectorPoint {
        var p = VectorPoint(id: "", vector: [])
        var sawVector = false
        while case .key(let key) = try r.next() {
            switch key {
            case "id":
                switch try r.next() {
                case .string(let s): p.id = s
                // Qdrant's other id kind: an unsigned integer, kept as its decimal text.
                case .number(let n) where n.int.map { $0 >= 0 } == true: p.id = n.text
                default: throw GatewayError.invalid("\(field).id must be a string or a non-negative integer", field: "\(field).id")
                }
            case "vector":
                p.vector = try floats(&r, field: "\(field).vector")
                sawVector = true
            case "payload":
                p.payload = try payload(&r, field: "\(field).payload")
            default:
                try r.skipValue()
            }
        }
        guard sawVector else { throw GatewayError.invalid("\(field).vector is required", field: "\(field).vector") }
        return p
    }

    private static func floats(_ r: inout JSONReader, field: String) throws(GatewayError) -> [Float] {
        do {
            return try r.readFloatArray(maxCount: maxDimensions)
        } catch {
            throw GatewayError.invalid("\(field) must be an array of at most \(maxDimensions) numbers within the float range: \(error)",
                                       field: field)
        }
    }

    /// Payload values are strings on every protocol (gRPC carries `map<string, string>`); `null`
    /// is no payload.
    private static func payload(_ r: inout JSONReader, field: String) throws -> [String: String] {
        switch try r.next() {
        case .null:
            return [:]
        case .beginObject:
            var out: [String: String] = [:]
            while case .key(let key) = try r.next() {
                guard case .string(let s) = try r.next() else {
                    throw GatewayError.invalid("\(field).\(key) must be a string (payload values are strings)", field: "\(field).\(key)")
                }
                out[key] = s
            }
            return out
        default:
            throw GatewayError.invalid("\(field) must be an object of string values", field: field)
        }
    }
}
