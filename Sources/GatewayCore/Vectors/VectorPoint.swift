/// A point as every front-end hands it to the core: gRPC's `Point`, one REST `vectors[i]`.
/// Payload values are strings on every protocol (gRPC carries `map<string, string>`).
public struct VectorPoint: Sendable, Equatable {
    public var id: String
    public var vector: [Float]
    public var payload: [String: String]

    public init(id: String, vector: [Float], payload: [String: String] = [:]) {
        self.id = id
        self.vector = vector
        self.payload = payload
    }
}

/// One search hit. `score` is the cosine similarity to the query, in [-1, 1].
public struct ScoredPoint: Sendable, Equatable {
    public var id: String
    public var score: Float
    public var payload: [String: String]

    public init(id: String, score: Float, payload: [String: String] = [:]) {
        self.id = id
        self.score = score
        self.payload = payload
    }
}
