/// Snapshots and shutdown: folding the log into one file.
extension EmbeddedVectorStore {
    /// Writes every collection to a new snapshot now and starts a fresh log; the logs it covers
    /// are deleted. Nothing happens for a memory-only store or when the log holds nothing new.
    /// The store does this by itself when the log passes `snapshotThreshold`, and in `close`.
    ///
    /// Runs on: the caller (tests, tools, `close`); the store's own snapshots run on the pool.
    public func snapshot() throws(GatewayError) {
        try snapshotting.withLock { (_) throws(GatewayError) in try takeSnapshot() }
    }

    /// Takes a last snapshot (so the next start reads one file), fsyncs and closes the log, and
    /// frees the directory for another store. Later changes throw `unavailable`; searches still
    /// answer from memory. A failed snapshot loses nothing: the next start replays the log.
    ///
    /// Runs on: the caller, snapshot and fsync included — the gateway calls it at shutdown,
    /// after the loops have stopped.
    public func close() {
        snapshotting.withLock { _ in
            try? takeSnapshot()
            state.withLock { s in
                s.log?.writer.close()
                s.log?.lock = nil
            }
        }
    }

    /// On a pool thread, when the log has passed `snapshotThreshold`.
    func snapshotInBackground() {
        try? snapshot()
        state.withLock { $0.log?.snapshotPending = false }
    }

    /// Rotates the log under the lock (an fsync and a new file: a few milliseconds of disk,
    /// during which loop calls that need the lock wait — once per `snapshotThreshold` bytes of
    /// log), then writes the image of that moment outside it, while changes go on into the new
    /// log. The old log must be whole before the next one exists: replay calls a torn tail
    /// anywhere but in the last log corruption.
    private func takeSnapshot() throws(GatewayError) {
        let taken = try state.withLock {
            (s) throws(GatewayError) -> (EmbeddedCollections, UInt64, VectorStoreFiles, [String: CollectionGraph])? in
            guard s.log != nil, !s.log!.isFolded else { return nil }
            let next = try s.log!.rotate()
            return (s.collections, next, s.log!.files, s.graphs)
        }
        guard let (image, next, files, graphs) = taken else { return }
        do throws(GatewayError) {
            try VectorSnapshotWriter.write(image, nextGeneration: next, files: files)
        } catch {
            state.withLock { $0.log?.snapshotFailed(threshold: snapshotThreshold) }
            throw error
        }
        state.withLock { $0.log?.snapshotWritten(next) }
        // After the points: a graph that fails to save costs a rebuild at the next start, nothing more.
        try? VectorGraphFiles.write(graphs, files: files)
    }
}
