import GatewayCore
import Synchronization

/// Batches under `<data dir>/batches`: `<id>.json` (the object) and `<id>.lines` (its lines),
/// each replaced whole — temporary name, fsync, rename — on the blocking pool. All of it is also
/// in memory, read once at start; one process owns the directory, so every lease is granted.
/// Runs on: the blocking pool for writes; the memory under a short lock from any task.
public final class EmbeddedBatchStore: BatchStore {
    private let directory: String
    private let pool: BlockingPool
    private let state: Mutex<(batches: [String: BatchObject], lines: [String: [BatchLineState]])>
    /// Held on a pool thread across a change and its write; never by a reader.
    private let writing = Mutex(())

    /// Reads the directory synchronously: it runs at start, before any loop serves.
    public init(directory: String, pool: BlockingPool = .shared) throws(GatewayError) {
        self.directory = directory
        self.pool = pool
        try EmbeddedFileStore.makeDirectory(directory)
        var batches: [String: BatchObject] = [:]
        var lines: [String: [BatchLineState]] = [:]
        for name in Self.names(in: directory) {
            if name.hasSuffix(".json"), let bytes = WholeFile.read(directory + "/" + name),
               let b = BatchObject.decode(bytes) {
                batches[b.id] = b
            } else if name.hasSuffix(".lines"), let bytes = WholeFile.read(directory + "/" + name),
                      let l = BatchLineState.decode(bytes) {
                lines[String(name.dropLast(".lines".count))] = l
            }
        }
        state = Mutex((batches, lines))
    }

    public func save(_ batch: BatchObject) async throws(GatewayError) {
        _ = try await change(batch.id) { (b: inout BatchObject?) throws(GatewayError) in b = batch }
    }

    public func update(id: String, _ change: @escaping @Sendable (inout BatchObject) throws(GatewayError) -> Void)
        async throws(GatewayError) -> BatchObject?
    {
        try await self.change(id) { (b: inout BatchObject?) throws(GatewayError) in
            guard var current = b else { return }
            try change(&current)
            b = current
        }
    }

    /// The change and the write as one step on the pool: `writing` keeps the files in the order
    /// the memory changed, while readers only ever take the short memory lock.
    private func change(_ id: String, _ body: @escaping @Sendable (inout BatchObject?) throws(GatewayError) -> Void)
        async throws(GatewayError) -> BatchObject?
    {
        let directory = self.directory
        return try await pool.run(.short) { [self] () throws(GatewayError) -> BatchObject? in
            try writing.withLock { _ throws(GatewayError) -> BatchObject? in
                var b = state.withLock { $0.batches[id] }
                let before = b
                try body(&b)
                guard let after = b else { return nil }
                if after != before {
                    try EmbeddedFileStore.writeDurably(directory + "/" + id + ".json", after.json())
                    if before == nil { try EmbeddedFileStore.syncDirectory(directory) }
                    state.withLock { $0.batches[id] = after }
                }
                return after
            }
        }
    }

    public func batch(id: String) async throws(GatewayError) -> BatchObject? {
        state.withLock { $0.batches[id] }
    }

    public func list(after: String?, limit: Int) async throws(GatewayError) -> (batches: [BatchObject], hasMore: Bool) {
        let all = state.withLock { Array($0.batches.values) }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        var start = 0
        if let after, let i = all.firstIndex(where: { $0.id == after }) { start = i + 1 }
        let page = Array(all[start...].prefix(limit))
        return (page, start + page.count < all.count)
    }

    public func unfinished() async throws(GatewayError) -> [String] {
        state.withLock { $0.batches.values.filter { !$0.status.isFinal }.map(\.id) }
    }

    public func saveLines(_ lines: [BatchLineState], batchID: String) async throws(GatewayError) {
        try await write(batchID + ".lines", BatchLineState.encode(lines))
        state.withLock { $0.lines[batchID] = lines }
    }

    public func lines(batchID: String) async throws(GatewayError) -> [BatchLineState]? {
        state.withLock { $0.lines[batchID] }
    }

    public func lease(batchID: String, owner: String, for lease: Duration) async -> Bool { true }

    private func write(_ name: String, _ bytes: [UInt8]) async throws(GatewayError) {
        let directory = self.directory
        try await pool.run(.long) { () throws(GatewayError) in
            try EmbeddedFileStore.writeDurably(directory + "/" + name, bytes)
            try EmbeddedFileStore.syncDirectory(directory)
        }
    }

    private static func names(in directory: String) -> [String] {
        EmbeddedFileStore.names(in: directory)
    }
}
