/// Where points live: the embedded store (in process, persisted under the data directory) or
/// Qdrant over its REST API. Async and typed-throwing so a networked store fits the same calls;
/// the core validates input before it gets here, and the store checks dimensions again because
/// it owns the collection's shape. Collections are named after their model (canonical name),
/// plus scratch collections the all-models self-test creates and drops.
///
/// Runs on: any task, event loops included, so no implementation may block its caller: the
/// embedded store sends fsyncs and snapshots to the blocking pool, Qdrant's calls run on the
/// libcurl thread.
public protocol VectorStore: Sendable {
    /// "embedded" or "qdrant", for `GET /api/v1/patterns/status`.
    var kind: String { get }

    /// Inserts the points, replacing any with the same id (the last of equal ids in one call
    /// wins). Ids must not be empty: the core generates the missing ones. `wait`: answer only
    /// once the points are durable and searchable (real-time ingests); a batch landing its
    /// points may pass false (Qdrant then acknowledges before indexing).
    func upsert(_ points: [VectorPoint], into collection: VectorCollection, wait: Bool) async throws(GatewayError)

    /// The best `limit` points by cosine similarity, highest first, equal scores by id.
    func search(_ request: StoreSearch, in collection: VectorCollection) async throws(GatewayError) -> [ScoredPoint]

    /// Points stored in the collection (0 when it does not exist yet).
    func count(collection: String) async throws(GatewayError) -> Int

    /// Removes the points with these ids; unknown ids are no error.
    func delete(ids: [String], from collection: VectorCollection) async throws(GatewayError)

    /// Removes a whole collection and its points; an unknown name is no error.
    func dropCollection(_ name: String) async throws(GatewayError)

    /// Bytes this process holds for the collection (vectors, ids, payloads), or nil when the
    /// points live elsewhere (Qdrant).
    func memoryBytes(collection: String) -> Int?

    /// Whether the store can serve calls now (`/ready`, `patterns/health`).
    func isReachable() async -> Bool

    /// Makes what it holds durable and lets go of its files, at shutdown.
    func close()
}

extension VectorStore {
    /// A store that keeps nothing in this process has nothing to close.
    public func close() {}
}

/// A model's collection as the store needs to know it: everything Qdrant's
/// `PUT /collections/{name}` takes, so a remote store can create it on first use.
public struct VectorCollection: Sendable, Hashable {
    public var name: String
    public var dimensions: Int
    public var indexM: Int
    public var indexEfConstruct: Int
    /// The embedded store keeps an HNSW graph from this many points on (nil: never, as for the
    /// all-models self-test's scratch collections).
    public var indexThreshold: Int?
    /// The search-time `ef` when a search names none.
    public var searchEf: Int

    public init(name: String, dimensions: Int, indexM: Int = 16, indexEfConstruct: Int = 200,
                indexThreshold: Int? = nil, searchEf: Int = 128) {
        self.name = name
        self.dimensions = dimensions
        self.indexM = indexM
        self.indexEfConstruct = indexEfConstruct
        self.indexThreshold = indexThreshold
        self.searchEf = searchEf
    }

    public init(model: ModelConfig) {
        self.init(name: model.name, dimensions: model.vectorSize, indexM: model.indexM,
                  indexEfConstruct: model.indexEfConstruct, indexThreshold: model.indexThreshold,
                  searchEf: model.searchEf)
    }
}

/// A validated search against one collection.
public struct StoreSearch: Sendable, Hashable {
    public var vector: [Float]
    public var limit: Int
    public var filter: [String: String]
    public var scoreThreshold: Float?
    /// Candidates a graph search keeps (nil: the collection's default); raised to `limit`.
    public var ef: Int?
    /// Score every point (the exact answer) even where a graph exists.
    public var exact: Bool

    public init(vector: [Float], limit: Int, filter: [String: String] = [:], scoreThreshold: Float? = nil,
                ef: Int? = nil, exact: Bool = false) {
        self.vector = vector
        self.limit = limit
        self.filter = filter
        self.scoreThreshold = scoreThreshold
        self.ef = ef
        self.exact = exact
    }
}
