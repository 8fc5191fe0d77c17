/// A node id with its score against the query (higher is closer).
struct Scored: BitwiseCopyable {
    var score: Float
    var id: Int32
}

/// Which end of a heap is its root.
protocol HeapOrder {
    /// Whether `a` belongs nearer the root than `b`.
    static func above(_ a: Scored, _ b: Scored) -> Bool
}

/// The closest on top: the candidates a search expands next.
enum ClosestFirst: HeapOrder {
    @inline(__always)
    static func above(_ a: Scored, _ b: Scored) -> Bool { a.score != b.score ? a.score > b.score : a.id < b.id }
}

/// The farthest on top: the bounded set of results, whose root is the one to drop.
enum FarthestFirst: HeapOrder {
    @inline(__always)
    static func above(_ a: Scored, _ b: Scored) -> Bool { a.score != b.score ? a.score < b.score : a.id > b.id }
}

/// A binary heap over a reused buffer, so a search allocates nothing once its scratch has grown
/// to the largest `ef` seen. Ties are broken by id, so equal scores come out the same every run.
///
/// Runs on: the one search that owns its scratch.
struct ScoreHeap<Order: HeapOrder>: ~Copyable {
    private var items = FlatBuffer<Scored>(capacity: 64)

    var count: Int { items.count }
    var isEmpty: Bool { items.count == 0 }
    var top: Scored { items[0] }
    var bytes: Int { items.bytes }
    /// The items in heap order (not sorted).
    var unordered: UnsafeBufferPointer<Scored> { items.buffer }

    mutating func removeAll() { items.removeAll() }

    @inline(__always)
    mutating func push(_ e: Scored) {
        items.append(e)
        let b = items.base
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            guard Order.above(e, b[parent]) else { break }
            b[i] = b[parent]
            i = parent
        }
        b[i] = e
    }

    @inline(__always)
    @discardableResult
    mutating func pop() -> Scored {
        let b = items.base
        let root = b[0]
        let n = items.count - 1
        let last = b[n]
        items.truncate(to: n)
        guard n > 0 else { return root }
        var i = 0
        while true {
            var child = 2 * i + 1
            guard child < n else { break }
            if child + 1 < n, Order.above(b[child + 1], b[child]) { child += 1 }
            guard Order.above(b[child], last) else { break }
            b[i] = b[child]
            i = child
        }
        b[i] = last
        return root
    }
}
