/// The checks every way into the vector API shares, so REST, gRPC and GraphQL reject the same
/// input with the same sentence; only the field name differs (`points[3].vector`, `vectors[3]`).
public enum VectorChecks {
    /// Spec §2: 10,000 vectors per ingest call.
    public static let maxPoints = 10_000
    /// Spec §2: `limit` ≤ 1,000.
    public static let maxLimit = 1000
    /// Ids are keys, not documents; Qdrant and Redis both choke on huge ones.
    public static let maxIDBytes = 512

    /// Right length for the model, finite values, and not all zero (a zero vector has no
    /// direction, so no cosine).
    public static func vector(_ v: [Float], dimensions: Int, model: String, field: String) throws(GatewayError) {
        guard v.count == dimensions else {
            throw GatewayError(.invalidArgument,
                               "\(field) has \(v.count) values; model \(model) expects vectors of size \(dimensions)",
                               details: [("field", field), ("expected_size", String(dimensions)), ("size", String(v.count))])
        }
        guard let bad = v.firstIndex(where: { !$0.isFinite }) else {
            guard squaredNorm(v) > 0 else {
                throw .invalid("\(field) is all zeros; cosine similarity needs a non-zero vector", field: field)
            }
            return
        }
        throw .invalid("\(field)[\(bad)] must be a finite number", field: field)
    }

    public static func id(_ id: String, field: String) throws(GatewayError) {
        guard id.utf8.count <= maxIDBytes else {
            throw .invalid("\(field) is longer than \(maxIDBytes) bytes", field: field)
        }
    }

    public static func limit(_ limit: Int) throws(GatewayError) {
        guard (1...maxLimit).contains(limit) else {
            throw .invalid("limit must be an integer from 1 to \(maxLimit)", field: "limit")
        }
    }

    public static func pointCount(_ n: Int, field: String) throws(GatewayError) {
        guard n > 0 else { throw .invalid("\(field) must not be empty", field: field) }
        guard n <= maxPoints else {
            throw GatewayError(.payloadTooLarge, "\(field) has \(n) items; at most \(maxPoints) per call",
                               details: [("field", field), ("limit", String(maxPoints))])
        }
    }

    /// In doubles: a float sum of squares of 4,096 small values loses the digits the
    /// normalisation needs.
    static func squaredNorm(_ v: [Float]) -> Double {
        var s: Double = 0
        for x in v { s += Double(x) * Double(x) }
        return s
    }

    /// `v / |v|`; callers have rejected zero vectors.
    static func normalized(_ v: [Float]) -> [Float] {
        let inverse = 1 / squaredNorm(v).squareRoot()
        return v.map { Float(Double($0) * inverse) }
    }
}
