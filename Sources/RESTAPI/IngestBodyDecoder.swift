import GatewayCore
import JSON

/// Reads an ingest body (spec §3, "Vector patterns") with the pull reader:
/// `{"vectors": [{"id": "a1", "vector": [...], "payload": {"k": "v"}}, ...]}`, or `vectors` as
/// plain number arrays `[[...], [...]]` (ids are then generated), or
/// `{"texts": [...], "payloads": [{...}], "ids": [...], "urgent": bool, "priority": int}` to embed
/// through the model's pattern first. Vectors go straight from the bytes into floats. Lengths
/// are checked against the model by the route, which knows it.
enum IngestBodyDecoder {
    static let maxDimensions = SearchBodyDecoder.maxDimensions

    enum Body {
        case points([VectorPoint])
        case texts(Texts)
    }

    struct Texts {
        var texts: [String] = []
        var payloads: [[String: String]]?
        var ids: [String]?
        var urgent: Bool?
        var priority: Int?
    }

    static func decode(_ body: [UInt8]) throws(GatewayError) -> Body {
        var points: [VectorPoint]?
        var texts: Texts?
        var t = Texts()
        try JSONBody.members(body) { key, r in
            switch key {
            case "vectors":
                points = try vectors(&r)
            case "texts":
                t.texts = try JSONBody.strings(&r, field: "texts")
                texts = t
            case "payloads":
                t.payloads = try payloads(&r)
            case "ids":
                t.ids = try JSONBody.strings(&r, field: "ids")
            case "urgent":
                guard case .bool(let b) = try r.next() else { throw GatewayError.invalid("urgent must be true or false", field: "urgent") }
                t.urgent = b
            case "priority":
                guard case .number(let n) = try r.next(), let i = n.int else {
                    throw GatewayError.invalid("priority must be an integer", field: "priority")
                }
                t.priority = i
            default:
                try r.skipValue()
            }
        }
        switch (points, texts) {
        case (_?, _?):
            throw .invalid("send either vectors or texts, not both", field: "texts")
        case (let points?, nil):
            try VectorChecks.pointCount(points.count, field: "vectors")
            return .points(points)
        case (nil, _?):
            // Fields may come in any order: take the ones read after "texts" too.
            guard !t.texts.isEmpty else { throw .invalid("texts must not be empty", field: "texts") }
            try VectorChecks.pointCount(t.texts.count, field: "texts")
            return .texts(t)
        case (nil, nil):
            throw .invalid("vectors or texts is required", field: "vectors")
        }
    }

    /// `[{...}, null, ...]`: one payload object (or null) per text.
    private static func payloads(_ r: inout JSONReader) throws -> [[String: String]] {
        guard try r.next() == .beginArray else {
            throw GatewayError.invalid("payloads must be an array of objects", field: "payloads")
        }
        var out: [[String: String]] = []
        while true {
            var probe = r
            if try probe.next() == .endArray {
                r = probe
                return out
            }
            out.append(try payload(&r, field: "payloads[\(out.count)]"))
        }
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
