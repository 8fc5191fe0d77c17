import GatewayCore
import JSON

/// Reads a vector search body (spec §3, "Vector patterns"):
/// `{"query_vector": [...], "query": "text", "limit": 10, "filter": {"key": "value"}, "score_threshold": 0.5}`,
/// and for the embedded store's graph `"ef": 128` and `"exact": true`.
/// The vector goes straight from the bytes into floats (no token or String per element): a
/// 384-float body is the gateway's most common large input.
enum SearchBodyDecoder {
    static let maxLimit = VectorChecks.maxLimit
    /// The largest vector any model of the spec produces is 4,096 values; this leaves room.
    static let maxDimensions = 65_536

    struct Fields {
        var queryVector: [Float]?
        var query: String?
        var limit = 10
        /// Exact matches on payload keys. Strings only: payloads are maps of strings on every
        /// protocol (gRPC's `map<string, string>`), so a number could never match.
        var filter: [String: String] = [:]
        var scoreThreshold: Double?
        var ef: Int?
        var exact = false
    }

    static func decode(_ body: [UInt8]) throws(GatewayError) -> Fields {
        var f = Fields()
        try JSONBody.members(body) { key, r in
            switch key {
            case "query_vector":
                f.queryVector = try vector(&r)
            case "query":
                guard case .string(let s) = try r.next() else { throw GatewayError.invalid("query must be a string", field: "query") }
                f.query = s
            case "limit":
                guard case .number(let n) = try r.next(), let i = n.int, (1...maxLimit).contains(i) else {
                    throw GatewayError.invalid("limit must be an integer from 1 to \(maxLimit)", field: "limit")
                }
                f.limit = i
            case "filter":
                f.filter = try filter(&r)
            case "score_threshold":
                guard case .number(let n) = try r.next(), n.float.isFinite else {
                    throw GatewayError.invalid("score_threshold must be a number", field: "score_threshold")
                }
                f.scoreThreshold = n.double
            case "ef":
                guard case .number(let n) = try r.next(), let i = n.int, (1...10_000).contains(i) else {
                    throw GatewayError.invalid("ef must be an integer from 1 to 10000", field: "ef")
                }
                f.ef = i
            case "exact":
                switch try r.next() {
                case .bool(let b): f.exact = b
                default: throw GatewayError.invalid("exact must be true or false", field: "exact")
                }
            default:
                try r.skipValue()
            }
        }
        if f.queryVector != nil && f.query != nil { throw .invalid("send either query_vector or query, not both", field: "query") }
        if f.queryVector == nil && f.query == nil { throw .invalid("query_vector or query is required", field: "query_vector") }
        if f.query?.isEmpty == true { throw .invalid("query must not be empty", field: "query") }
        return f
    }

    private static func vector(_ r: inout JSONReader) throws(GatewayError) -> [Float] {
        let v: [Float]
        do {
            v = try r.readFloatArray(maxCount: maxDimensions)
        } catch {
            throw GatewayError.invalid("query_vector must be an array of at most \(maxDimensions) numbers within the float range: \(error)",
                                       field: "query_vector")
        }
        guard !v.isEmpty else { throw GatewayError.invalid("query_vector must not be empty", field: "query_vector") }
        return v
    }

    /// The reader rejects duplicate keys, so each key is set once.
    private static func filter(_ r: inout JSONReader) throws -> [String: String] {
        guard try r.next() == .beginObject else {
            throw GatewayError.invalid("filter must be an object of payload keys and string values", field: "filter")
        }
        var pairs: [String: String] = [:]
        while case .key(let key) = try r.next() {
            guard case .string(let s) = try r.next() else {
                throw GatewayError.invalid("filter.\(key) must be a string (payload values are strings)", field: "filter.\(key)")
            }
            pairs[key] = s
        }
        return pairs
    }
}
