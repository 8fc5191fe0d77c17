/// Every collection of the embedded store by name, and the three changes the log records.
/// Replay and live calls apply changes through the same methods, so a restart rebuilds exactly
/// what the running store held.
struct EmbeddedCollections: Sendable {
    private(set) var byName: [String: EmbeddedCollection] = [:]

    subscript(name: String) -> EmbeddedCollection? { byName[name] }

    var points: Int { byName.values.reduce(0) { $0 + $1.count } }

    /// The size the collection already holds when it is not `dimensions` (nil: the upsert fits).
    func conflictingDimensions(_ name: String, _ dimensions: Int) -> Int? {
        guard let c = byName[name], c.dimensions != dimensions else { return nil }
        return c.dimensions
    }

    /// Creates the collection on first use. The caller has checked the dimensions.
    mutating func upsert(_ rows: VectorRows) {
        // Taken out and put back so the arrays stay uniquely referenced: no copy unless a
        // search is scanning the previous version right now.
        var c = byName.removeValue(forKey: rows.collection) ?? EmbeddedCollection(dimensions: rows.dimensions)
        c.upsert(rows)
        byName[rows.collection] = c
    }

    mutating func delete(_ ids: [String], from name: String) {
        guard var c = byName.removeValue(forKey: name) else { return }
        c.delete(ids)
        byName[name] = c
    }

    mutating func drop(_ name: String) {
        byName.removeValue(forKey: name)
    }

    /// A replayed record; false when it cannot have come from a live store (an upsert of another
    /// size than its collection's, a snapshot's closing record in a log).
    mutating func apply(_ record: VectorLogRecord) -> Bool {
        switch record {
        case .upsert(let rows):
            guard conflictingDimensions(rows.collection, rows.dimensions) == nil else { return false }
            upsert(rows)
        case .delete(let collection, let ids):
            delete(ids, from: collection)
        case .drop(let collection):
            drop(collection)
        case .snapshotEnd:
            return false
        }
        return true
    }
}
