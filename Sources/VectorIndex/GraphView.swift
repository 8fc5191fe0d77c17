/// The graph's arrays as raw pointers, taken under the index's lock and used only while it is
/// held: the search and insert loops read these instead of the index's stored properties, so the
/// hot path has no exclusivity check, retain or bounds check per node.
///
/// Layer 0 holds one block of `m0 + 1` ids per node (a count, then the links). Nodes above layer
/// 0 (about one in `m`) own `level` blocks of `m + 1` in `upperLinks`, starting at `upperStart`.
///
/// Runs on: the thread holding the index's lock (read for searches, write for inserts).
struct GraphView {
    let vectors: UnsafeMutablePointer<Float>
    let links0: UnsafeMutablePointer<Int32>
    let upperStart: UnsafeMutablePointer<Int32>
    let upperLinks: UnsafeMutablePointer<Int32>
    let tombstones: UnsafeMutablePointer<UInt8>
    let count: Int
    let d: Int
    let m: Int
    let m0: Int

    /// The link block of `node` on `layer`: `[0]` is the count, then the ids.
    @inline(__always)
    func links(_ node: Int32, _ layer: Int) -> UnsafeMutablePointer<Int32> {
        layer == 0
            ? links0 + Int(node) * (m0 + 1)
            : upperLinks + Int(upperStart[Int(node)]) + (layer - 1) * (m + 1)
    }

    @inline(__always)
    func row(_ node: Int32) -> UnsafeMutablePointer<Float> { vectors + Int(node) * d }

    @inline(__always)
    func score(_ q: UnsafePointer<Float>, _ node: Int32) -> Float { InnerProduct.dot(q, row(node), d) }

    @inline(__always)
    func isDeleted(_ node: Int32) -> Bool { tombstones[Int(node)] != 0 }
}

/// Which visited nodes a search may return. Every node routes; only admitted ones are results.
protocol Admission {
    /// True when every node is admitted: the search may then stop as soon as the closest
    /// unexpanded candidate is worse than the worst result, full or not.
    var admitsAll: Bool { get }
    func admits(_ node: Int32) -> Bool
}

/// No tombstones, no filter.
struct AdmitAll: Admission {
    var admitsAll: Bool { true }
    @inline(__always) func admits(_ node: Int32) -> Bool { true }
}

/// Live nodes only.
struct AdmitLive: Admission {
    let tombstones: UnsafeMutablePointer<UInt8>
    var admitsAll: Bool { false }
    @inline(__always) func admits(_ node: Int32) -> Bool { tombstones[Int(node)] == 0 }
}

/// Live nodes the caller's filter accepts.
struct AdmitMatching: Admission {
    let tombstones: UnsafeMutablePointer<UInt8>
    let filter: (Int32) -> Bool
    var admitsAll: Bool { false }
    @inline(__always) func admits(_ node: Int32) -> Bool { tombstones[Int(node)] == 0 && filter(node) }
}
