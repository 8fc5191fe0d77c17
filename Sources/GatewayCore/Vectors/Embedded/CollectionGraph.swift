import Synchronization
import VectorIndex

/// How one collection's graph is built and searched: the model's `index` settings.
struct GraphSettings: Sendable, Equatable {
    var m: Int
    var efConstruction: Int
    /// The graph exists from this many points on; below, the exact scan answers.
    var threshold: Int
    /// Candidates a search keeps when the request names none.
    var ef: Int

    init?(_ collection: VectorCollection) {
        guard let threshold = collection.indexThreshold else { return nil }
        m = min(max(collection.indexM, 2), 255)
        efConstruction = collection.indexEfConstruct
        self.threshold = threshold
        ef = collection.searchEf
    }
}

/// The HNSW side of one embedded collection: the graph, which point each node stands for, and the
/// points not in it yet. The collection (a value under the store's lock) stays the truth; the
/// graph is an accelerator that may lag it: a point is searchable the moment its upsert returns,
/// through the exact scan of `pending` until the indexer has linked it in.
///
/// Nodes are never reused: a re-ingested point gets a new node and its old one a tombstone, so a
/// search through an older snapshot can only find nodes whose ids it then looks up itself.
///
/// Runs on: the store's callers (event loops) for `changed`/`removed`/lookups, which take this
/// lock for memory work only (tombstones are set after it is released: a search holds the
/// index's read lock while its filter asks for ids here, so the order is always index, then
/// this lock); the indexer task (Swift's global executor) for `take`/`record`.
final class CollectionGraph: Sendable {
    let settings: GraphSettings
    let index: HNSWIndex

    private struct State {
        /// Node → point id, "" once the node is stale (its point deleted or re-ingested). Filled
        /// in insertion order by the one indexer, so its count trails `index.count` at most by
        /// the batch in flight.
        var idOfNode: [String] = []
        var nodeOfID: [String: Int32] = [:]
        /// The ids the graph was created with (a copy-on-write copy of the collection's), taken
        /// from `backlogNext` on: a whole collection becomes pending without a dictionary of it.
        var backlog: [String] = []
        var backlogNext = 0
        /// Changed since: id → ticket. Searches score these exactly.
        var pending: [String: UInt64] = [:]
        /// Taken by the indexer and not recorded yet; a change or delete meanwhile drops the entry,
        /// and the node then inserted is retired at once.
        var inFlight: [String: UInt64] = [:]
        var nextTicket: UInt64 = 1
        var indexerRunning = false
        /// Why the graph was built from scratch, for `optimizations/status` (nil: loaded or grown).
        var rebuildReason: String?
    }

    private let state: Mutex<State>

    /// A graph for `ids`, all pending: the indexer links them in the background.
    init(settings: GraphSettings, dimensions: Int, backlog ids: [String], rebuildReason: String? = nil) {
        self.settings = settings
        index = HNSWIndex(HNSWParameters(dimensions: dimensions, m: settings.m, efConstruction: settings.efConstruction))
        var s = State()
        s.backlog = ids
        s.rebuildReason = rebuildReason
        state = Mutex(s)
    }

    /// A graph loaded from disk: `idOfNode` as saved (stale nodes ""), `pending` what the loader
    /// found missing from it.
    init(settings: GraphSettings, index: HNSWIndex, idOfNode: [String], pending: [String]) {
        self.settings = settings
        self.index = index
        var s = State()
        s.idOfNode = idOfNode
        for (node, id) in idOfNode.enumerated() where !id.isEmpty { s.nodeOfID[id] = Int32(node) }
        for id in pending {
            s.pending[id] = s.nextTicket
            s.nextTicket += 1
        }
        state = Mutex(s)
    }

    // MARK: changes (under the store's lock)

    /// Points upserted: their old nodes retire, the points wait for the indexer. Returns true when
    /// the caller must start the indexer.
    func changed(_ ids: some Sequence<String>) -> Bool {
        let (retired, start) = state.withLock { s -> ([Int32], Bool) in
            var retired: [Int32] = []
            for id in ids {
                if let node = s.nodeOfID.removeValue(forKey: id) {
                    s.idOfNode[Int(node)] = ""
                    retired.append(node)
                }
                s.inFlight.removeValue(forKey: id)
                s.pending[id] = s.nextTicket
                s.nextTicket += 1
            }
            return (retired, Self.claimIndexer(&s))
        }
        for node in retired { index.delete(node) }
        return start
    }

    /// Points deleted: their nodes retire and nothing of them stays pending.
    func removed(_ ids: some Sequence<String>) {
        let retired = state.withLock { s -> [Int32] in
            var retired: [Int32] = []
            for id in ids {
                if let node = s.nodeOfID.removeValue(forKey: id) {
                    s.idOfNode[Int(node)] = ""
                    retired.append(node)
                }
                s.inFlight.removeValue(forKey: id)
                s.pending.removeValue(forKey: id)
            }
            return retired
        }
        for node in retired { index.delete(node) }
    }

    /// Whether the indexer must be started (work waits and none runs); claims it if so.
    func claimIndexer() -> Bool { state.withLock { Self.claimIndexer(&$0) } }

    private static func claimIndexer(_ s: inout State) -> Bool {
        guard !s.indexerRunning, s.backlogNext < s.backlog.count || !s.pending.isEmpty else { return false }
        s.indexerRunning = true
        return true
    }

    // MARK: the indexer

    /// Up to `limit` ids to link in, backlog first, now in flight; empty (and the indexer
    /// released) when nothing waits.
    func take(_ limit: Int) -> [String] {
        state.withLock { s in
            var batch: [String] = []
            while batch.count < limit, s.backlogNext < s.backlog.count {
                let id = s.backlog[s.backlogNext]
                s.backlogNext += 1
                // Changed since the graph was made: its pending entry covers it.
                guard s.pending[id] == nil, s.nodeOfID[id] == nil else { continue }
                s.inFlight[id] = 0
                batch.append(id)
            }
            if s.backlogNext == s.backlog.count, !s.backlog.isEmpty {
                s.backlog = []
                s.backlogNext = 0
            }
            while batch.count < limit, let (id, ticket) = s.pending.first {
                s.pending.removeValue(forKey: id)
                s.inFlight[id] = ticket
                batch.append(id)
            }
            if batch.isEmpty { s.indexerRunning = false }
            return batch
        }
    }

    /// The node the indexer inserted for `id` (nil: the point was gone when its vector was read).
    /// A node whose point changed or left meanwhile is retired at once.
    func record(_ id: String, node: Int32?) {
        let retire = state.withLock { s -> [Int32] in
            guard let node else {
                s.inFlight.removeValue(forKey: id)
                return []
            }
            while s.idOfNode.count < Int(node) { s.idOfNode.append("") }  // nodes are never skipped; defensive
            let current = s.inFlight.removeValue(forKey: id) != nil
            s.idOfNode.append(current ? id : "")
            guard current else { return [node] }
            var retire: [Int32] = []
            if let older = s.nodeOfID.updateValue(node, forKey: id) {
                s.idOfNode[Int(older)] = ""
                retire.append(older)
            }
            return retire
        }
        for node in retire { index.delete(node) }
    }

    // MARK: searches

    /// The points the graph does not answer for yet: nil while the backlog of a new or rebuilt
    /// graph lasts (search by the scan then), else the pending and in-flight ids.
    func unindexed() -> [String]? {
        state.withLock { s in
            guard s.backlogNext >= s.backlog.count else { return nil }
            return Array(s.pending.keys) + Array(s.inFlight.keys)
        }
    }

    /// The point ids of `nodes` ("" for a stale or not yet recorded node).
    func ids(of nodes: [Int32]) -> [String] {
        state.withLock { s in nodes.map { Int($0) < s.idOfNode.count ? s.idOfNode[Int($0)] : "" } }
    }

    func id(of node: Int32) -> String {
        state.withLock { s in Int(node) < s.idOfNode.count ? s.idOfNode[Int(node)] : "" }
    }

    // MARK: status and persistence

    struct Status: Sendable, Equatable {
        /// "building" while the backlog lasts, else "ready".
        var state: String
        var indexed: Int
        var pending: Int
        var nodes: Int
        var tombstones: Int
        var memoryBytes: Int
        var rebuildReason: String?
    }

    var status: Status {
        let (building, live, waiting, reason) = state.withLock { s in
            (s.backlogNext < s.backlog.count, s.nodeOfID.count,
             s.backlog.count - s.backlogNext + s.pending.count + s.inFlight.count, s.rebuildReason)
        }
        return Status(state: building ? "building" : "ready", indexed: live, pending: waiting, nodes: index.count,
                      tombstones: index.deletedCount, memoryBytes: memoryBytes, rebuildReason: reason)
    }

    /// The graph's memory: the index and the node table.
    var memoryBytes: Int {
        let table = state.withLock { s in
            s.idOfNode.capacity * MemoryLayout<String>.stride + s.nodeOfID.capacity * (MemoryLayout<String>.stride + 8) * 2
        }
        return index.memoryBytes + table
    }

    /// What a snapshot saves: the node table as of now and the index bytes (read after, so every
    /// node the table names is in them; a node inserted in between is unnamed, i.e. stale).
    func persistable() -> (idOfNode: [String], index: [UInt8])? {
        let table = state.withLock { s -> [String]? in s.backlogNext < s.backlog.count ? nil : s.idOfNode }
        guard let table else { return nil }  // half built: rebuilt at the next start instead
        return (table, index.serialized(includingVectors: true))
    }
}
