import JSON
import Synchronization
import Upstream

/// The vector store when Qdrant holds the points: one Qdrant collection per gateway collection,
/// created on first use with the model's size, cosine distance and index parameters. Several
/// gateway instances pointed at one Qdrant share every point. Every call goes through the
/// upstream pool (Qdrant's own breaker, retries, the deadline) and is idempotent by point id, so
/// retrying after a timeout can never duplicate a point. Ids map to UUIDs (`QdrantPointID`).
///
/// Runs on: any task; its HTTP calls run on the libcurl thread (through `UpstreamPool`) while the
/// caller is suspended.
public final class QdrantVectorStore: VectorStore {
    public let kind = "qdrant"
    /// Upsert bodies stay within a quarter of Qdrant's 32 MiB request cap: room for its own
    /// overhead, and one retried chunk costs little.
    public static let maxChunkBytes = 8 << 20
    public static let maxChunkPoints = 1000

    private let pool: UpstreamPool
    private let group: UpstreamGroup
    private let headers: [(String, String)]
    /// Each store operation's whole deadline, retries and chunks included.
    private let timeout: Duration
    private let maxChunkBytes: Int
    private let maxChunkPoints: Int
    /// Collections seen to exist with the right shape: name → vector size. Forgotten when Qdrant
    /// says one is gone (another instance dropped it).
    private let known = Mutex<[String: Int]>([:])

    /// Nil when the pool has no vector store endpoint (`vector_store` is not qdrant).
    public init?(pool: UpstreamPool, apiKey: String?, timeout: Duration,
                 maxChunkBytes: Int = QdrantVectorStore.maxChunkBytes,
                 maxChunkPoints: Int = QdrantVectorStore.maxChunkPoints) {
        guard let group = pool.vectorStoreGroup else { return nil }
        self.pool = pool
        self.group = group
        self.headers = [("Content-Type", "application/json")] + (apiKey.map { [("api-key", $0)] } ?? [])
        self.timeout = timeout
        self.maxChunkBytes = maxChunkBytes
        self.maxChunkPoints = maxChunkPoints
    }

    /// The Qdrant base URL, for the start-up log line.
    public var url: String { group.endpoints.first?.url ?? "" }

    public func upsert(_ points: [VectorPoint], into collection: VectorCollection, wait: Bool) async throws(GatewayError) {
        for (i, p) in points.enumerated() {
            guard !p.id.isEmpty else { throw .invalid("points[\(i)].id must not be empty", field: "points[\(i)].id") }
            try VectorChecks.vector(p.vector, dimensions: collection.dimensions, model: collection.name,
                                    field: "points[\(i)].vector")
            if p.payload[QdrantPointID.payloadKey] != nil {
                let field = "points[\(i)].payload.\(QdrantPointID.payloadKey)"
                throw .invalid("\(field): the payload key \(QdrantPointID.payloadKey) is reserved for the gateway's point id",
                               field: field)
            }
        }
        guard !points.isEmpty else { return }
        let deadline = startDeadline()
        try await ensureCollection(collection, deadline)
        let path = "/collections/\(QdrantRequestBody.pathSegment(collection.name))/points?wait=\(wait)"
        for body in QdrantUpsertChunks(Self.lastOfEachID(points), maxBytes: maxChunkBytes, maxPoints: maxChunkPoints) {
            if try await put(body, path, collection, deadline) { continue }
            // Dropped since we last looked (by another instance, say): make it again, once.
            forget(collection.name)
            try await ensureCollection(collection, deadline)
            guard try await put(body, path, collection, deadline) else {
                throw GatewayError(.upstreamError, "qdrant collection \(collection.name) disappeared twice during one ingest",
                                   details: [("collection", collection.name)])
            }
        }
    }

    public func search(_ request: StoreSearch, in collection: VectorCollection) async throws(GatewayError) -> [ScoredPoint] {
        try VectorChecks.vector(request.vector, dimensions: collection.dimensions, model: collection.name,
                                field: "query_vector")
        if let size = known.withLock({ $0[collection.name] }), size != collection.dimensions {
            throw Self.sizeMismatch(collection, size)
        }
        // No stored payload carries the reserved key as data (upsert refuses it).
        guard request.limit > 0, request.filter[QdrantPointID.payloadKey] == nil else { return [] }
        let deadline = startDeadline()
        let path = "/collections/\(QdrantRequestBody.pathSegment(collection.name))/points/search"
        // Qdrant breaks ties between equal scores its own way; the gateway orders them by id. So
        // ask for one more than needed, and when the last two tie, for more, until the whole tie
        // is in hand, then cut.
        var fetch = request.limit + 1
        while true {
            let body = QdrantRequestBody.search(vector: request.vector, limit: fetch, filter: request.filter,
                                                scoreThreshold: request.scoreThreshold)
            var hits: [ScoredPoint] = try await exchange(
                "POST", path, body: body, collection.name, deadline,
                expected: { (status: Int, message: String?) -> [ScoredPoint]? in status == 404 && message != nil ? [] : nil },
                read: { (result: JSONValue) throws(GatewayError) -> [ScoredPoint] in try QdrantResult.hits(result) })
            hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
            let limit = request.limit
            guard hits.count == fetch, hits[limit - 1].score == hits[fetch - 1].score, fetch < 16 * (limit + 1) else {
                return Array(hits.prefix(limit))
            }
            fetch *= 2
        }
    }

    public func count(collection: String) async throws(GatewayError) -> Int {
        let info = try await describe(collection, startDeadline())
        return info?.pointsCount ?? 0
    }

    public func delete(ids: [String], from collection: VectorCollection) async throws(GatewayError) {
        guard !ids.isEmpty else { return }
        let deadline = startDeadline()
        let path = "/collections/\(QdrantRequestBody.pathSegment(collection.name))/points/delete?wait=true"
        let uuids = ids.map(QdrantPointID.uuid(for:))
        for start in stride(from: 0, to: uuids.count, by: Self.maxIDsPerDelete) {
            let chunk = uuids[start..<min(start + Self.maxIDsPerDelete, uuids.count)]
            _ = try await exchange("POST", path, body: QdrantRequestBody.delete(uuids: chunk), collection.name, deadline,
                                   expected: { status, message in status == 404 && message != nil ? () : nil },
                                   read: { _ in () })
        }
    }

    public func dropCollection(_ name: String) async throws(GatewayError) {
        forget(name)
        _ = try await exchange("DELETE", "/collections/\(QdrantRequestBody.pathSegment(name))", name, startDeadline(),
                               expected: { status, message in status == 404 && message != nil ? () : nil },
                               read: { _ in () })
        forget(name)
    }

    public func memoryBytes(collection: String) -> Int? { nil }

    /// Outside the breaker (a readiness poll must not trip it) but false while it is open:
    /// calls would fail fast then, whatever Qdrant says.
    public func isReachable() async -> Bool {
        guard let endpoint = group.endpoints.first else { return false }
        let snapshot = endpoint.breaker.snapshot()
        if snapshot.state == .open, (snapshot.secondsUntilProbe ?? 0) > 0 { return false }
        return await pool.probe(UpstreamRequest(method: "GET", url: endpoint.url + "/collections", headers: headers,
                                                timeout: .seconds(2)))
    }

    // MARK: collections

    /// Makes sure the collection exists with the model's vector size: looked up once per process,
    /// created when missing. An existing collection of another size or distance is an error,
    /// never silently used.
    private func ensureCollection(_ c: VectorCollection, _ deadline: Deadline) async throws(GatewayError) {
        if let size = known.withLock({ $0[c.name] }) {
            guard size == c.dimensions else { throw Self.sizeMismatch(c, size) }
            return
        }
        var info = try await describe(c.name, deadline)
        if info == nil {
            let path = "/collections/\(QdrantRequestBody.pathSegment(c.name))"
            // 409 (or a 400 saying so, from older versions): another instance created it first.
            let created: Bool = try await exchange(
                "PUT", path, body: QdrantRequestBody.createCollection(c), c.name, deadline,
                expected: { (status: Int, message: String?) -> Bool? in
                    let exists = status == 409 || (status == 400 && message?.contains("already exists") == true)
                    return exists ? false : nil
                },
                read: { (_: JSONValue) -> Bool in true })
            if created {
                known.withLock { $0[c.name] = c.dimensions }
                return
            }
            info = try await describe(c.name, deadline)
        }
        guard let info else {
            throw GatewayError(.upstreamError, "qdrant collection \(c.name) could not be created", details: [("collection", c.name)])
        }
        guard let size = info.size, info.distance == "Cosine" else {
            throw GatewayError(.invalidArgument,
                               "qdrant collection \(c.name) is not a single vector with Cosine distance; the gateway cannot use it",
                               details: [("collection", c.name)])
        }
        guard size == c.dimensions else { throw Self.sizeMismatch(c, size) }
        known.withLock { $0[c.name] = size }
    }

    /// `GET /collections/{c}`; nil when it does not exist.
    private func describe(_ name: String, _ deadline: Deadline) async throws(GatewayError) -> QdrantResult.CollectionInfo? {
        try await exchange(
            "GET", "/collections/\(QdrantRequestBody.pathSegment(name))", name, deadline,
            expected: { (status: Int, message: String?) -> QdrantResult.CollectionInfo?? in
                status == 404 && message != nil ? .some(nil) : nil
            },
            read: { (result: JSONValue) throws(GatewayError) -> QdrantResult.CollectionInfo? in
                try QdrantResult.collectionInfo(result)
            })
    }

    /// One upsert body; false when the collection does not exist.
    private func put(_ body: [UInt8], _ path: String, _ c: VectorCollection, _ deadline: Deadline) async throws(GatewayError) -> Bool {
        try await exchange("PUT", path, body: body, c.name, deadline,
                           expected: { status, message in status == 404 && message != nil ? false : nil },
                           read: { _ in true })
    }

    private func forget(_ name: String) {
        _ = known.withLock { $0.removeValue(forKey: name) }
    }

    // MARK: calls

    struct Deadline {
        var started: GatewayInstant
        var end: GatewayInstant
    }

    private func startDeadline() -> Deadline {
        let now = pool.clock.now()
        return Deadline(started: now, end: now + timeout)
    }

    private func exchange<Value: Sendable>(
        _ method: String, _ path: String, body: [UInt8] = [], _ collection: String, _ deadline: Deadline,
        expected: (Int, String?) -> Value?, read: (JSONValue) throws(GatewayError) -> Value
    ) async throws(GatewayError) -> Value {
        let headers = body.isEmpty ? self.headers.filter { $0.0 != "Content-Type" } : self.headers
        let trace = CallTrace.current
        let answer = try await pool.call(group, started: deadline.started, deadline: deadline.end, request: { endpoint, timeLeft in
            UpstreamRequest(method: method, url: endpoint.url + path, headers: headers + UpstreamCallHeaders.traced(trace),
                            body: body, timeout: timeLeft)
        }, decode: { response, endpoint in
            QdrantReply.verdict(response, endpoint: endpoint.url, collection: collection, expected: expected, read: read)
        })
        return answer.value
    }

    /// Ids in a delete body are 38 bytes each: this keeps one body near 400 KB.
    private static let maxIDsPerDelete = 10_000

    /// The last point of each id, in the order of those last occurrences: equal UUIDs in one
    /// upsert (or split over two chunks) would otherwise leave the winner to Qdrant.
    static func lastOfEachID(_ points: [VectorPoint]) -> [VectorPoint] {
        var last: [String: Int] = [:]
        for (i, p) in points.enumerated() { last[p.id] = i }
        guard last.count < points.count else { return points }
        return points.enumerated().filter { last[$0.element.id] == $0.offset }.map(\.element)
    }

    private static func sizeMismatch(_ c: VectorCollection, _ size: Int) -> GatewayError {
        GatewayError(.invalidArgument, "collection \(c.name) holds vectors of size \(size), not \(c.dimensions)",
                     details: [("collection", c.name), ("expected_size", String(size))])
    }
}
