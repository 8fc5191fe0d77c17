/// What an index is built with; the serialized graph records it, so a loaded graph is searched
/// and extended exactly as it was built.
public struct HNSWParameters: Sendable, Hashable {
    /// Length of every vector.
    public var dimensions: Int
    /// Links kept per node on the layers above 0; layer 0, where every search ends, keeps `2 * m`
    /// (the HNSW paper's M and Mmax0).
    public var m: Int
    /// Candidates considered when a node is linked in: higher builds slower and finds better.
    public var efConstruction: Int
    /// Seeds the level draw: the same inserts in the same order build the same graph.
    public var seed: UInt64

    public init(dimensions: Int, m: Int = 16, efConstruction: Int = 100, seed: UInt64 = 0x5EED_1D5E) {
        precondition(dimensions > 0, "dimensions must be positive")
        precondition((2...255).contains(m), "m must be in 2...255")
        self.dimensions = dimensions
        self.m = m
        self.efConstruction = max(efConstruction, m)
        self.seed = seed
    }

    /// Links per node on layer 0.
    public var m0: Int { 2 * m }
}

/// One search answer: the index's dense id and the inner product with the query (the cosine, for
/// unit vectors). Best first.
public struct HNSWHit: Sendable, Hashable {
    public var id: Int32
    public var score: Float

    public init(id: Int32, score: Float) {
        self.id = id
        self.score = score
    }
}
