/// A vector search as every front-end hands it to the core: exactly one of `vector` and `text`.
public struct SearchQuery: Sendable {
    public var model: String
    public var vector: [Float]?
    /// Embedded with the model first (see `PatternCore.queryVector`).
    public var text: String?
    public var limit: Int
    /// Exact matches on payload keys, all of which must hold.
    public var filter: [String: String]
    /// Hits scoring below it are dropped.
    public var scoreThreshold: Float?
    /// Candidates an HNSW search keeps (nil: the model's `index.ef`).
    public var ef: Int?
    /// The exact answer (every point scored) even where the embedded store keeps a graph.
    public var exact: Bool
    public var context: CallContext
    /// The request body as received, when the front-end has one (REST): the results are then
    /// also cached under those exact bytes, for `PatternCore.searchRepeated`.
    public var rawBody: [UInt8]?

    public init(model: String, vector: [Float]? = nil, text: String? = nil, limit: Int = 10,
                filter: [String: String] = [:], scoreThreshold: Float? = nil, ef: Int? = nil, exact: Bool = false,
                context: CallContext, rawBody: [UInt8]? = nil) {
        self.rawBody = rawBody
        self.ef = ef
        self.exact = exact
        self.model = model
        self.vector = vector
        self.text = text
        self.limit = limit
        self.filter = filter
        self.scoreThreshold = scoreThreshold
        self.context = context
    }
}

public struct SearchOutcome: Sendable {
    /// The canonical name (`yi34b` for `yi34`).
    public var model: String
    /// Highest score first; equal scores by id.
    public var results: [ScoredPoint]
    /// Served from the search-result cache.
    public var cached: Bool
    public var tookMs: Double

    public init(model: String, results: [ScoredPoint], cached: Bool, tookMs: Double) {
        self.model = model
        self.results = results
        self.cached = cached
        self.tookMs = tookMs
    }
}

public struct IngestOutcome: Sendable {
    public var model: String
    public var ingested: Int
    /// In the order of the points sent, generated ones included.
    public var ids: [String]

    public init(model: String, ingested: Int, ids: [String]) {
        self.model = model
        self.ingested = ingested
        self.ids = ids
    }
}
