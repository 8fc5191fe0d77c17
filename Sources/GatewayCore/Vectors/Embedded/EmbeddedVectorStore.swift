import Synchronization

/// The vector store used when no Qdrant URL is configured: one collection per model in memory,
/// exact cosine search by brute force, persisted under the data directory (`<data dir>/vectors`,
/// see `VectorStoreFiles`).
///
/// Durability: every upsert, delete and drop is appended to the log and returns only once that
/// record is fsynced (group commit: concurrent calls share fsyncs), so an accepted point
/// survives kill -9 and a power cut. The `wait` flag of `upsert` changes nothing here: the
/// points are searchable and durable on return either way. When the log passes
/// `snapshotThreshold` bytes a snapshot is written in the background; `close` writes one too,
/// so a clean restart reads one file.
///
/// Concurrency: searches scan a snapshot of their collection taken under the lock (a value:
/// arrays shared copy-on-write), so they never wait for each other or for the disk; an ingest
/// holds the lock for its append to the page cache and its copy-in, never for an fsync.
///
/// Runs on: any task, event loops included, for the calls themselves (lock, memory, a `pwrite`
/// to the page cache). The fsyncs and snapshots run on `pool`; a scan too big for a loop runs
/// on Swift's global executor (CPU work, split over the cores — not the pool, where it would
/// hold up fsyncs). Opening (replay) runs on the caller, before the loops serve.
public final class EmbeddedVectorStore: VectorStore {
    public let kind = "embedded"
    /// Above this many multiply-adds a scan leaves the caller's executor (an event loop, for
    /// REST), so a big brute-force search does not stall the connections that loop serves.
    static let offloadWork = 1 << 20
    /// Above this many (16 MiB of vectors) the scan is split over the CPUs the process may use.
    static let splitWork = 1 << 22
    /// The largest upsert record: a bigger call is logged as several.
    static let recordBytes = 32 << 20

    struct State {
        var collections = EmbeddedCollections()
        /// nil for a memory-only store.
        var log: VectorLog?
        /// HNSW graphs of the collections past their threshold (see EmbeddedVectorStore+Graph).
        var graphs: [String: CollectionGraph] = [:]
        /// Each model collection's index settings, from the configuration and every call.
        var graphSettings: [String: GraphSettings] = [:]
    }

    /// What opening found on disk (all zero for a memory-only store).
    public let replay: VectorStoreReplay
    let snapshotThreshold: Int64
    let state: Mutex<State>
    let commit: JournalGroupCommit
    /// Runs the fsyncs and background snapshots.
    let pool: BlockingPool
    /// One snapshot at a time; `close` waits for a running one.
    let snapshotting = Mutex(())
    private let persistent: Bool

    /// A memory-only store (tests, tools).
    public convenience init() {
        self.init(opened: nil, snapshotThreshold: 0, pool: .shared)
    }

    /// Opens (creating if needed) the store in `directory` and replays it; nil keeps everything
    /// in memory only. Throws `unavailable` naming the file (and offset) when the files cannot
    /// be read or trusted, or when another open store holds the directory. `pool` runs what
    /// waits on the disk. `collections` (the models') carry the index settings: the saved graph
    /// of each collection past its threshold is loaded and checked, or rebuilt in the background.
    public convenience init(directory: String?, snapshotThreshold: Int = 64 << 20, pool: BlockingPool = .shared,
                            collections: [VectorCollection] = []) throws(GatewayError)
    {
        var opened: VectorStoreOpener.Opened?
        // Replay stays on the caller: it runs once, before any loop serves a request.
        if let directory { opened = try VectorStoreOpener.open(directory: directory) }
        self.init(opened: opened, snapshotThreshold: snapshotThreshold, pool: pool)
        openGraphs(collections)
    }

    private init(opened: VectorStoreOpener.Opened?, snapshotThreshold: Int, pool: BlockingPool) {
        replay = opened?.replay ?? VectorStoreReplay()
        persistent = opened != nil
        self.snapshotThreshold = Int64(snapshotThreshold)
        self.pool = pool
        commit = JournalGroupCommit(durable: opened?.log.writer.appended ?? 0, pool: pool)
        state = Mutex(State(collections: opened?.collections ?? EmbeddedCollections(), log: opened?.log))
    }

    // MARK: VectorStore

    public func upsert(_ points: [VectorPoint], into collection: VectorCollection, wait: Bool = true)
        async throws(GatewayError)
    {
        let rows = try VectorRows.validated(points, into: collection)
        let chunks = persistent ? rows.chunked(maxBytes: Self.recordBytes) : [rows]
        // Encoded and checksummed before taking the lock.
        let frames = persistent ? chunks.map { VectorLogRecord.upsert($0).frame } : []
        var startIndexer = false
        let end = try change { (s) throws(GatewayError) in
            if let holds = s.collections.conflictingDimensions(collection.name, collection.dimensions) {
                throw Self.sizeConflict(collection, holds: holds, field: "points")
            }
            // Each piece is in memory only once it is in the log: memory never holds what a
            // restart would not.
            for (k, chunk) in chunks.enumerated() {
                if persistent { _ = try s.log!.writer.append(frame: frames[k]) }
                s.collections.upsert(chunk)
            }
            startIndexer = Self.graphAfterUpsert(&s, collection, ids: rows.ids)
        }
        if startIndexer, let graph = state.withLock({ $0.graphs[collection.name] }) {
            self.startIndexer(collection.name, graph)
        }
        try await makeDurable(end)
    }

    public func search(_ request: StoreSearch, in collection: VectorCollection) async throws(GatewayError) -> [ScoredPoint] {
        try VectorChecks.vector(request.vector, dimensions: collection.dimensions, model: collection.name,
                                field: "query_vector")
        var startIndexer = false
        let taken = state.withLock { s -> (EmbeddedCollection, CollectionGraph?)? in
            // A collection replayed past its threshold gets its graph at its first call.
            if s.graphs[collection.name] == nil { startIndexer = Self.graphAfterUpsert(&s, collection, ids: []) }
            return s.collections[collection.name].map { ($0, s.graphs[collection.name]) }
        }
        guard let (snapshot, graph) = taken else { return [] }
        if startIndexer, let graph { self.startIndexer(collection.name, graph) }
        guard snapshot.dimensions == collection.dimensions else {
            throw Self.sizeConflict(collection, holds: snapshot.dimensions, field: "query_vector")
        }
        let query = VectorChecks.normalized(request.vector)
        let (limit, filter, threshold) = (request.limit, request.filter, request.scoreThreshold)
        let work = snapshot.count * snapshot.dimensions
        if work < Self.offloadWork {
            return Self.graphSearch(request, query: query, in: snapshot, graph: graph)
                ?? snapshot.search(unitQuery: query, limit: limit, filter: filter, scoreThreshold: threshold)
        }
        let parts = work >= Self.splitWork ? ScanParallelism.cpus : 1
        // Detached: off the caller's executor, and the parts' tasks inherit no executor preference.
        return await Task.detached {
            if let found = Self.graphSearch(request, query: query, in: snapshot, graph: graph) { return found }
            return await snapshot.search(unitQuery: query, limit: limit, filter: filter, scoreThreshold: threshold,
                                         parts: parts)
        }.value
    }

    public func count(collection: String) -> Int {
        state.withLock { $0.collections[collection]?.count ?? 0 }
    }

    public func delete(ids: [String], from collection: VectorCollection) async throws(GatewayError) {
        guard !ids.isEmpty else { return }
        let frame = persistent ? VectorLogRecord.delete(collection: collection.name, ids: ids).frame : []
        var startIndexer = false
        let end = try change { (s) throws(GatewayError) in
            // Nothing to remove, nothing to log.
            guard let c = s.collections[collection.name], ids.contains(where: c.contains) else { return }
            if persistent { _ = try s.log!.writer.append(frame: frame) }
            s.collections.delete(ids, from: collection.name)
            startIndexer = s.graphs[collection.name]?.removed(ids) ?? false
        }
        if startIndexer, let graph = state.withLock({ $0.graphs[collection.name] }) {
            self.startIndexer(collection.name, graph)
        }
        try await makeDurable(end)
    }

    public func dropCollection(_ name: String) async throws(GatewayError) {
        let end = try change { (s) throws(GatewayError) in
            guard s.collections[name] != nil else { return }
            if persistent { _ = try s.log!.writer.append(frame: VectorLogRecord.drop(collection: name).frame) }
            s.collections.drop(name)
            s.graphs[name] = nil
        }
        try await makeDurable(end)
    }

    /// The points and, past the threshold, the collection's graph.
    public func memoryBytes(collection: String) -> Int? {
        let (points, graph) = state.withLock { ($0.collections[collection]?.memoryBytes ?? 0, $0.graphs[collection]) }
        return points + (graph?.memoryBytes ?? 0)
    }

    /// False once the log refuses changes (a failed fsync, or `close`): searches still answer.
    public func isReachable() async -> Bool {
        state.withLock { $0.log?.writer.failure == nil }
    }

    // MARK: beyond the protocol

    /// Every collection's name and size, for status pages and tests.
    public var counts: [String: Int] {
        state.withLock { $0.collections.byName.mapValues(\.count) }
    }

    /// Why the store refuses changes, once its log cannot be trusted (or it was closed).
    public var logFailure: GatewayError? {
        state.withLock { $0.log?.writer.failure }
    }

    // MARK: shared by every change

    /// Runs one change under the lock and returns the log offset to wait for (nil: memory
    /// only); starts a background snapshot when this change made one due.
    private func change(_ body: (inout State) throws(GatewayError) -> Void) throws(GatewayError) -> Int64? {
        let threshold = snapshotThreshold
        let (end, due) = try state.withLock { (s) throws(GatewayError) -> (Int64?, Bool) in
            try body(&s)
            guard s.log != nil else { return (nil, false) }
            return (s.log!.writer.appended, s.log!.claimSnapshot(threshold: threshold))
        }
        if due { pool.submit(.long) { [self] in snapshotInBackground() } }
        return end
    }

    private func makeDurable(_ end: Int64?) async throws(GatewayError) {
        guard let end else { return }
        do throws(GatewayError) {
            // Weak, as in the queue: a dropped store must let go of its lock.
            try await commit.waitUntilDurable(end) { [weak self] in
                guard let self else { return .failed(GatewayError(.unavailable, "vector store is closed")) }
                return state.withLock { $0.log?.writer.commitTarget ?? .durable(upTo: end) }
            }
        } catch {
            // The record may or may not be on disk: stop trusting the log.
            state.withLock { $0.log?.writer.poison(error) }
            throw error
        }
    }

    static func sizeConflict(_ collection: VectorCollection, holds: Int, field: String) -> GatewayError {
        GatewayError(.invalidArgument,
                     "collection \(collection.name) holds vectors of size \(holds), not \(collection.dimensions)",
                     details: [("field", field), ("expected_size", String(holds))])
    }
}
