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
/// lock for memory work only; the indexer task (Swift's global executor) for `next`/`record`/
/// `compact`. No index call is made while this lock is held (tombstones are set after it is
/// released): a search holds the index's read lock while its filter asks for ids here, so the
/// order is always index, then this lock.
final class CollectionGraph: Sendable {
    let settings: GraphSettings

    private struct State {
        var index: HNSWIndex
        /// Bumped when a compaction swaps the index: node numbers of an older one mean nothing.
        var generation = 0
        /// While a compaction builds, the nodes retired meanwhile (live in what it copied).
        var retiredDuringCompaction: [Int32]?
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
        /// Deletes left a quarter of the nodes tombstones; the indexer compacts when it is free.
        var compactionDue = false
        var compactions = 0
        /// Why the graph was built from scratch, for `optimizations/status` (nil: loaded or grown).
        var rebuildReason: String?
    }

    private let state: Mutex<State>

    /// A graph for `ids`, all pending: the indexer links them in the background.
    init(settings: GraphSettings, dimensions: Int, backlog ids: [String], rebuildReason: String? = nil) {
        self.settings = settings
        var s = State(index: HNSWIndex(HNSWParameters(dimensions: dimensions, m: settings.m,
                                                      efConstruction: settings.efConstruction)))
        s.backlog = ids
        s.rebuildReason = rebuildReason
        state = Mutex(s)
    }

    /// A graph loaded from disk: `idOfNode` as saved (stale nodes ""), `pending` what the loader
    /// found missing from it.
    init(settings: GraphSettings, index: HNSWIndex, idOfNode: [String], pending: [String]) {
        self.settings = settings
        var s = State(index: index)
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
    func changed(_ ids: [String]) -> Bool {
        let (index, retired, start) = state.withLock { s -> (HNSWIndex, [Int32], Bool) in
            let retired = Self.retire(ids, &s)
            for id in ids {
                s.pending[id] = s.nextTicket
                s.nextTicket += 1
            }
            return (s.index, retired, Self.claimIndexer(&s))
        }
        for node in retired { index.delete(node) }
        return start
    }

    /// Points deleted: their nodes retire and nothing of them stays pending. Returns true when the
    /// caller must start the indexer (the tombstones now call for a compaction).
    func removed(_ ids: [String]) -> Bool {
        let (index, retired) = state.withLock { s -> (HNSWIndex, [Int32]) in
            for id in ids { s.pending.removeValue(forKey: id) }
            return (s.index, Self.retire(ids, &s))
        }
        for node in retired { index.delete(node) }
        guard index.compactionAdvised else { return false }
        return state.withLock { s in
            s.compactionDue = true
            return Self.claimIndexer(&s)
        }
    }

    /// Forgets the nodes of `ids` (the caller tombstones them once this lock is released) and any
    /// insert of them in flight.
    private static func retire(_ ids: [String], _ s: inout State) -> [Int32] {
        var retired: [Int32] = []
        for id in ids {
            if let node = s.nodeOfID.removeValue(forKey: id) {
                s.idOfNode[Int(node)] = ""
                retired.append(node)
            }
            s.inFlight.removeValue(forKey: id)
        }
        s.retiredDuringCompaction? += retired
        return retired
    }

    /// Whether the indexer must be started (work waits and none runs); claims it if so.
    func claimIndexer() -> Bool { state.withLock { Self.claimIndexer(&$0) } }

    private static func claimIndexer(_ s: inout State) -> Bool {
        guard !s.indexerRunning, s.backlogNext < s.backlog.count || !s.pending.isEmpty || s.compactionDue else {
            return false
        }
        s.indexerRunning = true
        return true
    }

    // MARK: the indexer

    enum Work {
        case link([String])
        /// A quarter of the nodes are tombstones: build the graph anew without them (`compact`).
        case compact
        /// Nothing waits; the indexer is released.
        case done
    }

    /// The indexer's next step: up to `limit` ids to link in (backlog first, now in flight), a
    /// compaction, or nothing.
    func next(_ limit: Int) -> Work {
        let batch = take(limit)
        if !batch.isEmpty { return .link(batch) }
        // Asked outside this lock: nothing here waits for the index's lock while holding it.
        if indexForLinking.compactionAdvised { return .compact }
        return state.withLock { s in
            guard s.pending.isEmpty else { return .link([]) }
            s.indexerRunning = false
            s.compactionDue = false
            return .done
        }
    }

    private func take(_ limit: Int) -> [String] {
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
            return batch
        }
    }

    /// The index the indexer inserts into (only it swaps the index, so this stays current for it).
    var indexForLinking: HNSWIndex { state.withLock { $0.index } }

    /// Rebuilds the index without its tombstones and swaps it in: the old one serves searches and
    /// takes deletes meanwhile (those are replayed on the new one); only the indexer inserts, and
    /// it is here, so nothing is inserted meanwhile.
    ///
    /// Runs on: the indexer task; as long as building the live nodes' graph takes.
    func compact() {
        let old = state.withLock { s -> HNSWIndex in
            s.retiredDuringCompaction = []
            return s.index
        }
        let (fresh, newIDs) = old.compacted()
        state.withLock { s in
            var idOfNode = [String](repeating: "", count: fresh.count)
            for (node, id) in s.idOfNode.enumerated() where !id.isEmpty && node < newIDs.count && newIDs[node] >= 0 {
                idOfNode[Int(newIDs[node])] = id
            }
            for node in s.retiredDuringCompaction ?? [] where Int(node) < newIDs.count && newIDs[Int(node)] >= 0 {
                fresh.delete(newIDs[Int(node)])
                idOfNode[Int(newIDs[Int(node)])] = ""
            }
            s.nodeOfID = [:]
            for (node, id) in idOfNode.enumerated() where !id.isEmpty { s.nodeOfID[id] = Int32(node) }
            s.idOfNode = idOfNode
            s.index = fresh
            s.generation += 1
            s.retiredDuringCompaction = nil
            s.compactions += 1
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
            // One indexer inserts and records in order, so the new node is the next row.
            assert(s.idOfNode.count == Int(node), "graph nodes recorded out of order")
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
        let index = indexForLinking
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

    /// The index to search and its generation, for `ids(of:generation:)`.
    func current() -> (index: HNSWIndex, generation: Int) { state.withLock { ($0.index, $0.generation) } }

    /// The point ids of `nodes` ("" for a stale or not yet recorded node); nil when a compaction
    /// replaced the index since `generation` (search again).
    func ids(of nodes: [Int32], generation: Int) -> [String]? {
        state.withLock { s in
            guard s.generation == generation else { return nil }
            return nodes.map { Int($0) < s.idOfNode.count ? s.idOfNode[Int($0)] : "" }
        }
    }

    func id(of node: Int32, generation: Int) -> String {
        state.withLock { s in
            s.generation == generation && Int(node) < s.idOfNode.count ? s.idOfNode[Int(node)] : ""
        }
    }

    // MARK: status and persistence

    struct Status: Sendable, Equatable {
        /// "building" while the backlog lasts, else "ready".
        var state: String
        var indexed: Int
        var pending: Int
        var nodes: Int
        var tombstones: Int
        var compactions: Int
        var memoryBytes: Int
        var rebuildReason: String?
    }

    var status: Status {
        let (building, live, waiting, reason, compactions, index) = state.withLock { s in
            (s.backlogNext < s.backlog.count, s.nodeOfID.count,
             s.backlog.count - s.backlogNext + s.pending.count + s.inFlight.count, s.rebuildReason, s.compactions, s.index)
        }
        return Status(state: building ? "building" : "ready", indexed: live, pending: waiting, nodes: index.count,
                      tombstones: index.deletedCount, compactions: compactions, memoryBytes: memoryBytes,
                      rebuildReason: reason)
    }

    /// The graph's memory: the index and the node table.
    var memoryBytes: Int {
        let (table, index) = state.withLock { s in
            (s.idOfNode.capacity * MemoryLayout<String>.stride + s.nodeOfID.capacity * (MemoryLayout<String>.stride + 8) * 2,
             s.index)
        }
        return index.memoryBytes + table
    }

    /// What a snapshot saves: the node table as of now and the index bytes (read after, so every
    /// node the table names is in them; a node inserted in between is unnamed, i.e. stale).
    func persistable() -> (idOfNode: [String], index: [UInt8])? {
        let taken = state.withLock { s -> ([String], HNSWIndex)? in s.backlogNext < s.backlog.count ? nil : (s.idOfNode, s.index) }
        guard let (table, index) = taken else { return nil }  // half built: rebuilt at the next start instead
        return (table, index.serialized(includingVectors: true))
    }
}
