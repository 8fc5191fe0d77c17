import Synchronization

/// A hierarchical navigable small world graph (Malkov & Yashunin) over unit vectors, scored by
/// inner product: the approximate search of the embedded store once a collection is large.
///
/// Ids are dense `Int32`s in insert order (0, 1, 2, …); the caller maps them to its own keys.
/// The index owns a copy of every vector in one row-major buffer indexed by id: the store moves
/// rows when it deletes (the last row fills the hole), so its slots are not stable ids, and the
/// graph's random reads want rows at fixed addresses it controls. The cost is one more copy of
/// the matrix (1.5 KiB a point at 384 dimensions), counted in `memoryBytes`.
///
/// Deletes are tombstones: a deleted node still routes searches but is never returned or linked
/// to. Past `compactionAdvised` the caller rebuilds with `compacted()` off the request path,
/// instead of repairing neighbours on every delete (that costs m² dot products per neighbour and
/// the store already owns a background rebuild for a damaged graph: one mechanism for both).
///
/// Runs on: any thread. Searches run concurrently with each other under a read lock; `insert`,
/// `delete` take the write lock one at a time, so a search waits for at most one insert.
public final class HNSWIndex: @unchecked Sendable {
    public let parameters: HNSWParameters
    let d: Int
    let m: Int
    let m0: Int
    let lock = ReaderWriterLock()

    // Guarded by `lock`.
    var vectors = FlatBuffer<Float>(capacity: 1024)
    var links0 = FlatBuffer<Int32>(capacity: 1024)
    var levels = FlatBuffer<UInt8>(capacity: 1024)
    var upperStart = FlatBuffer<Int32>(capacity: 1024)
    var upperLinks = FlatBuffer<Int32>(capacity: 1024)
    var tombstones = FlatBuffer<UInt8>(capacity: 1024)
    var deleted = 0
    var entryPoint: Int32 = -1
    var topLevel = -1
    var rngState: UInt64
    /// The insert path's own scratch: inserts are serialized by the write lock.
    let insertScratch: SearchScratch

    /// Scratch lent to searches, so concurrent searches never share visited marks.
    let scratchPool = Mutex<[SearchScratch]>([])

    public init(_ parameters: HNSWParameters) {
        self.parameters = parameters
        d = parameters.dimensions
        m = parameters.m
        m0 = parameters.m0
        rngState = parameters.seed
        insertScratch = SearchScratch(maxNeighbours: parameters.m0 + 1)
    }

    /// Nodes ever inserted, deleted ones included (ids run `0..<count`).
    public var count: Int { lock.withReadLock { levels.count } }

    /// Nodes deleted and not yet compacted away.
    public var deletedCount: Int { lock.withReadLock { deleted } }

    /// Whether enough of the graph is tombstones that searches pay for them (they route, and a
    /// filtered traversal walks past them): a quarter of the nodes, when `compacted()` is worth
    /// its build time.
    public var compactionAdvised: Bool { lock.withReadLock { deleted > 0 && deleted * 4 >= levels.count } }

    public func isDeleted(_ id: Int32) -> Bool {
        lock.withReadLock { id >= 0 && Int(id) < levels.count && tombstones[Int(id)] != 0 }
    }

    /// A copy of the vector stored for `id`.
    public func vector(_ id: Int32) -> [Float] {
        lock.withReadLock {
            precondition(id >= 0 && Int(id) < levels.count, "no such id")
            return Array(UnsafeBufferPointer(start: vectors.base + Int(id) * d, count: d))
        }
    }

    /// Bytes held: vectors, graph, tombstones and pooled search scratch, by allocated capacity.
    public var memoryBytes: Int {
        let graph = lock.withReadLock {
            vectors.bytes + links0.bytes + levels.bytes + upperStart.bytes + upperLinks.bytes + tombstones.bytes
        }
        let scratch = scratchPool.withLock { pool in pool.reduce(0) { $0 + $1.bytes } }
        return graph + scratch + insertScratch.bytes
    }

    /// Room for `nodes` nodes without regrowing (the store knows a collection's size when it
    /// builds a graph for it), so the buffers hold what they need instead of up to half again.
    public func reserveCapacity(_ nodes: Int) {
        lock.withWriteLock {
            vectors.reserve(nodes * d)
            links0.reserve(nodes * (m0 + 1))
            levels.reserve(nodes)
            upperStart.reserve(nodes)
            tombstones.reserve(nodes)
            upperLinks.reserve(nodes / max(m - 1, 1) * (m + 1) + 64)
        }
    }

    /// The arrays as pointers; call with the lock held, and only after any growth.
    func view() -> GraphView {
        GraphView(vectors: vectors.base, links0: links0.base, upperStart: upperStart.base, upperLinks: upperLinks.base,
                  tombstones: tombstones.base, count: levels.count, d: d, m: m, m0: m0)
    }

    func borrowScratch() -> SearchScratch {
        scratchPool.withLock { $0.popLast() } ?? SearchScratch(maxNeighbours: m0 + 1)
    }

    func giveBack(_ scratch: SearchScratch) {
        scratchPool.withLock { $0.append(scratch) }
    }
}
