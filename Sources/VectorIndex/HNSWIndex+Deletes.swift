/// Deletes as tombstones, and the rebuild that drops them.
extension HNSWIndex {
    /// Marks `id` deleted: never returned or linked to again, still walked through. Returns
    /// whether it was live.
    ///
    /// Runs on: the caller's thread, under the write lock; O(1).
    @discardableResult
    public func delete(_ id: Int32) -> Bool {
        lock.withWriteLock {
            guard id >= 0, Int(id) < levels.count, tombstones[Int(id)] == 0 else { return false }
            tombstones[Int(id)] = 1
            deleted += 1
            return true
        }
    }

    /// A new index of the live nodes only, built afresh with the same parameters, and for each
    /// old id its new one (-1 for a deleted node). Live nodes keep their order, so new ids are
    /// the old ones with the deleted ones squeezed out.
    ///
    /// Runs on: a background worker (the store's blocking pool): the vectors are copied under the
    /// read lock, then the build (all of an index's insert time) holds no lock of this index.
    /// Inserts and deletes made here meanwhile are not in the result: the caller replays them.
    public func compacted() -> (index: HNSWIndex, newIDs: [Int32]) {
        var rows: [Float] = []
        var newIDs: [Int32] = []
        lock.withReadLock {
            newIDs.reserveCapacity(levels.count)
            rows.reserveCapacity((levels.count - deleted) * d)
            var next: Int32 = 0
            for id in 0..<levels.count {
                if tombstones[id] != 0 {
                    newIDs.append(-1)
                } else {
                    newIDs.append(next)
                    next += 1
                    rows.append(contentsOf: UnsafeBufferPointer(start: vectors.base + id * d, count: d))
                }
            }
        }
        let fresh = HNSWIndex(parameters)
        rows.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: all.count, by: d) {
                fresh.insert(UnsafeBufferPointer(rebasing: all[start..<(start + d)]))
            }
        }
        return (fresh, newIDs)
    }
}
