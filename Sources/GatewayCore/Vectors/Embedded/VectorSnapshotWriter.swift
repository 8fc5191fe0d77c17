/// Writes every collection to a new snapshot file: upsert records of at most `chunkBytes`
/// each (a big collection never becomes one huge record, nor one huge buffer), then the
/// closing record with the counts. Written aside, fsynced, renamed over the old snapshot and
/// the directory fsynced: a crash at any point leaves the old snapshot and its logs in place.
///
/// Runs on: the blocking pool for the store's own snapshots; the caller's thread for `snapshot()`
/// and `close()`.
enum VectorSnapshotWriter {
    static let chunkBytes = 8 << 20

    static func write(_ collections: EmbeddedCollections, nextGeneration: UInt64, files: VectorStoreFiles)
        throws(GatewayError)
    {
        let kind = JournalFileKind.vectorSnapshot
        var file = try JournalFileBuilder(temporary: files.snapshotPath + VectorStoreFiles.temporarySuffix,
                                          header: VectorStoreFiles.header(VectorStoreFiles.snapshotMagic,
                                                                          generation: nextGeneration),
                                          kind: kind)
        do throws(GatewayError) {
            var points = 0
            for (name, collection) in collections.byName.sorted(by: { $0.key < $1.key }) {
                // An emptied collection keeps its size: one record with no points.
                var start = 0
                repeat {
                    let end = chunkEnd(collection, from: start)
                    try file.append(VectorLogRecord.upsert(collection.rows(start..<end, name: name)).frame)
                    start = end
                } while start < collection.count
                points += collection.count
            }
            try file.append(VectorLogRecord.snapshotEnd(collections: collections.byName.count, points: points).frame)
            _ = try file.finish(renamingTo: files.snapshotPath)
            try JournalIO.syncDirectory(files.directory, kind: kind)
        } catch {
            file.discard()
            throw error
        }
    }

    /// Where a chunk starting at `start` ends: by the vectors' bytes (the bulk of a record),
    /// at least one point.
    private static func chunkEnd(_ c: EmbeddedCollection, from start: Int) -> Int {
        let perPoint = max(1, c.dimensions * MemoryLayout<Float>.stride + 64)
        return min(c.count, start + max(1, chunkBytes / perPoint))
    }
}
