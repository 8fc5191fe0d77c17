#if canImport(Glibc)
import Glibc
#endif
@testable import GatewayCore
import Synchronization
import Testing
@testable import Transport

/// Issue 13, point 4: a request handler runs as a task that prefers its connection's event loop,
/// and the journal's fsync must not run there — every connection on that loop would wait for
/// the disk. Each test calls the embedded queue or vector store from such a task and watches
/// which thread runs every fsync under its directory.
///
/// Serialized: `JournalIO.fsyncWatcher` is one process-wide hook.
@Suite("Nothing blocks a loop: fsyncs run on the blocking pool", .serialized)
struct LoopNeverFsyncsTests {
    @Test func anEnqueueFromALoopFsyncsOnThePool() async throws {
        try await withLoopAndPool { dir, loop, pool, fsyncs in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, pool: pool)
            defer { queue.close() }
            _ = fsyncs.taken()  // opening's, on the test's thread: startup may block
            let ranOnLoop = try await Task(executorPreference: loop) {
                _ = try await queue.enqueue(EmbeddedQueueFixture.job(1))
                _ = try await queue.enqueue(EmbeddedQueueFixture.job(2))
                return loop.inEventLoop
            }.value
            #expect(ranOnLoop, "the enqueues were issued from the loop's thread")
            let seen = fsyncs.taken()
            #expect(!seen.isEmpty, "an enqueue is durable only after an fsync")
            #expect(seen.allSatisfy { !$0.onLoop && $0.onPool }, "\(seen)")
        }
    }

    @Test func aCompactionStartedFromALoopRewritesOnThePool() async throws {
        try await withLoopAndPool { dir, loop, pool, fsyncs in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, pool: pool)
            defer { queue.close() }
            _ = fsyncs.taken()
            try await Task(executorPreference: loop) {
                for n in 0..<20 { _ = try await queue.enqueue(EmbeddedQueueFixture.job(n)) }
                _ = try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w")
                try await queue.compact()
            }.value
            let seen = fsyncs.taken()
            #expect(seen.contains { $0.path.hasSuffix(".compacting") }, "the new file is fsynced before its rename")
            #expect(seen.allSatisfy { !$0.onLoop && $0.onPool }, "\(seen)")
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 15, processing: 5))
        }
    }

    @Test func anUpsertFromALoopFsyncsOnThePoolAndSoDoesItsSnapshot() async throws {
        try await withLoopAndPool { dir, loop, pool, fsyncs in
            // A tiny threshold: the second upsert makes a snapshot due.
            let store = try EmbeddedVectorStore(directory: dir + "/vectors", snapshotThreshold: 64, pool: pool)
            defer { store.close() }
            _ = fsyncs.taken()
            let collection = VectorCollection(name: "m3", dimensions: 3)
            try await Task(executorPreference: loop) {
                try await store.upsert([VectorPoint(id: "a", vector: [1, 0, 0])], into: collection)
                try await store.upsert([VectorPoint(id: "b", vector: [0, 1, 0])], into: collection)
                try await store.delete(ids: ["a"], from: collection)
            }.value
            // The background snapshot is pool work too: wait for it before looking.
            while store.state.withLock({ $0.log?.snapshotPending ?? false }) {
                try await Task.sleep(for: .milliseconds(5))
            }
            let seen = fsyncs.taken()
            #expect(seen.contains { $0.path.contains("log-") }, "\(seen)")
            #expect(seen.contains { $0.path.contains("snapshot") }, "\(seen)")
            #expect(seen.allSatisfy { !$0.onLoop && $0.onPool }, "\(seen)")
            #expect(store.count(collection: "m3") == 1)
        }
    }
}

/// Every fsync under one directory: where it ran.
final class FsyncLog: Sendable {
    struct Entry: Sendable, CustomStringConvertible {
        var path: String
        var onLoop: Bool
        var onPool: Bool
        var description: String { "\(path.split(separator: "/").last ?? "") on \(onLoop ? "the loop" : onPool ? "the pool" : "another thread")" }
    }

    private let entries = Mutex<[Entry]>([])

    func add(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    /// What was logged so far, emptying the log.
    func taken() -> [Entry] { entries.withLock { e in defer { e = [] }; return e } }
}

/// A running event loop, a two-thread pool and a fresh directory; every fsync under that
/// directory after opening is logged with the thread it ran on.
private func withLoopAndPool(
    _ body: (String, EventLoop, BlockingPool, FsyncLog) async throws -> Void
) async throws {
    try await withEmbeddedQueueDirectory { dir in
        let loop = try EventLoop(index: 0)
        loop.start()
        let pool = BlockingPool(threads: 2)
        let log = FsyncLog()
        JournalIO.fsyncWatcher.withLock { watcher in
            watcher = { path in
                guard path.hasPrefix(dir) else { return }
                log.add(FsyncLog.Entry(path: path, onLoop: loop.inEventLoop, onPool: pool.isPoolThread))
            }
        }
        defer {
            JournalIO.fsyncWatcher.withLock { $0 = nil }
            pool.shutdown()
            loop.stop()
            loop.join()
        }
        try await body(dir, loop, pool, log)
    }
}
