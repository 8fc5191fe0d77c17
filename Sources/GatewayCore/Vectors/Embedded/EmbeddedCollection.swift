/// One model's points, as plain values: a row-major matrix of unit vectors (normalised once at
/// ingest, so a search is one dot product per row), parallel id and payload arrays, and the
/// slot of each id. A value type, so a search can scan a snapshot while an ingest builds the
/// next version.
///
/// Runs on: any task, under the store's lock, for changes; a search scans on its caller below
/// `EmbeddedVectorStore.offloadWork` multiply-adds and on Swift's global executor above.
struct EmbeddedCollection: Sendable {
    let dimensions: Int
    private(set) var ids: [String] = []
    private(set) var payloads: [[String: String]] = []
    private(set) var rows: [Float] = []
    private var slots: [String: Int] = [:]
    /// Heap blocks of the ids and payloads (what their inline parts do not hold), kept up to
    /// date as points come and go so `memoryBytes` costs nothing.
    private var heapBytes = 0

    init(dimensions: Int) {
        self.dimensions = dimensions
    }

    var count: Int { ids.count }

    func contains(_ id: String) -> Bool { slots[id] != nil }

    func slot(of id: String) -> Int? { slots[id] }

    /// The unit vector stored for `slot`.
    func vector(at slot: Int) -> ArraySlice<Float> { rows[(slot * dimensions)..<((slot + 1) * dimensions)] }

    /// Replaces a known id's row in place, so a re-ingest never duplicates; the last of equal
    /// ids wins.
    mutating func upsert(_ batch: VectorRows) {
        precondition(batch.dimensions == dimensions, "the store checks dimensions before upserting")
        let d = dimensions
        batch.vectors.withUnsafeBufferPointer { source in
            for k in 0..<batch.count {
                let id = batch.ids[k]
                let vector = UnsafeBufferPointer(rebasing: source[(k * d)..<((k + 1) * d)])
                let payload = batch.payloads[k]
                if let slot = slots[id] {
                    heapBytes += Self.heapBytes(payload) - Self.heapBytes(payloads[slot])
                    payloads[slot] = payload
                    rows.withUnsafeMutableBufferPointer { target in
                        _ = UnsafeMutableBufferPointer(rebasing: target[(slot * d)..<((slot + 1) * d)]).initialize(from: vector)
                    }
                } else {
                    heapBytes += Self.heapBytes(id) + Self.heapBytes(payload)
                    slots[id] = ids.count
                    ids.append(id)
                    payloads.append(payload)
                    rows.append(contentsOf: vector)
                }
            }
        }
    }

    /// Removes the points, moving the last row into each hole so the matrix stays contiguous.
    /// Returns how many were there.
    @discardableResult
    mutating func delete(_ victims: [String]) -> Int {
        var removed = 0
        let d = dimensions
        for id in victims {
            guard let slot = slots.removeValue(forKey: id) else { continue }
            removed += 1
            heapBytes -= Self.heapBytes(id) + Self.heapBytes(payloads[slot])
            let last = ids.count - 1
            if slot != last {
                let moved = ids[last]
                ids[slot] = moved
                payloads[slot] = payloads[last]
                slots[moved] = slot
                rows.withUnsafeMutableBufferPointer { m in
                    (m.baseAddress! + slot * d).update(from: m.baseAddress! + last * d, count: d)
                }
            }
            ids.removeLast()
            payloads.removeLast()
            rows.removeLast(d)
        }
        if removed > 0 { shrinkIfSparse() }
        return removed
    }

    /// After big deletes, gives the memory back: arrays never shrink by themselves.
    private mutating func shrinkIfSparse() {
        guard rows.capacity >= 2 * rows.count + 4096 else { return }
        rows = Self.tight(rows)
        ids = Self.tight(ids)
        payloads = Self.tight(payloads)
        var fresh = [String: Int](minimumCapacity: slots.count)
        for (id, slot) in slots { fresh[id] = slot }
        slots = fresh
    }

    private static func tight<T>(_ a: [T]) -> [T] {
        var copy: [T] = []
        copy.reserveCapacity(a.count)
        copy.append(contentsOf: a)
        return copy
    }

    /// Points `range` as rows of `name`, for a snapshot.
    func rows(_ range: Range<Int>, name: String) -> VectorRows {
        VectorRows(collection: name, dimensions: dimensions, ids: Array(ids[range]), payloads: Array(payloads[range]),
                   vectors: Array(rows[(range.lowerBound * dimensions)..<(range.upperBound * dimensions)]))
    }

    // MARK: memory

    /// What this collection holds on the heap: the matrix, the id and payload arrays with their
    /// strings and dictionaries, and the slot table, each by its allocated capacity. An estimate
    /// of Swift's layouts (16-byte strings, inline up to 15 UTF-8 bytes; hash tables at most
    /// three quarters full), within a few percent for typical points.
    var memoryBytes: Int {
        rows.capacity * MemoryLayout<Float>.stride
            + ids.capacity * MemoryLayout<String>.stride
            + payloads.capacity * MemoryLayout<[String: String]>.stride
            + Self.tableBytes(capacity: slots.capacity, entryBytes: MemoryLayout<String>.stride + MemoryLayout<Int>.stride)
            + heapBytes
    }

    static func heapBytes(_ s: String) -> Int {
        let n = s.utf8.count
        return n <= 15 ? 0 : 32 + (n + 15) & ~15
    }

    static func heapBytes(_ payload: [String: String]) -> Int {
        guard !payload.isEmpty else { return 0 }
        var n = tableBytes(capacity: payload.capacity, entryBytes: 2 * MemoryLayout<String>.stride)
        for (key, value) in payload { n += heapBytes(key) + heapBytes(value) }
        return n
    }

    /// A native hash table: a header, then buckets (a power of two, at most 3/4 used) of
    /// `entryBytes` each plus an occupancy bit.
    private static func tableBytes(capacity: Int, entryBytes: Int) -> Int {
        guard capacity > 0 else { return 0 }
        var buckets = 1
        while buckets * 3 / 4 < capacity { buckets <<= 1 }
        return 64 + buckets * entryBytes + buckets / 8
    }
}
