import JSON
import Synchronization

/// Embeddings by model and canonical input: an in-process LRU (byte budget, per-model TTL) in
/// front of an optional shared store, with request coalescing: concurrent misses for one key
/// make a single upstream call and all wait for it.
///
/// Runs on: the caller's task (an event loop, for REST) for the in-process lookup; the coalesced
/// load is an unstructured task of its own on the caller's event loop (`loadExecutor`; on the
/// global executor off the loops), whose upstream call then runs on that loop too; the shared
/// write and the shared store's reads wait on a Redis connection's thread. Nothing here blocks.
public final class EmbeddingCache: Sendable {
    public struct Lookup: Sendable {
        public var vectors: [[Float]]
        /// Served from a cache level without calling the loader.
        public var cached: Bool
    }

    private let local: LRUCache<[[Float]]>
    private let shared: (any SharedEmbeddingStore)?
    private let clock: any GatewayClock
    private let inFlight = Mutex<[String: Flight]>([:])
    private let flightIDs = Atomic<UInt64>(0)
    /// Where a coalesced load runs: the caller's event loop, so a miss costs no thread hop.
    private let loadExecutor: @Sendable () -> (any TaskExecutor)?

    /// One shared load and how many callers wait for it: when the last one is cancelled the load
    /// is cancelled too (its upstream transfer aborted), since nobody is left to answer.
    private struct Flight {
        let id: UInt64
        let task: Task<Lookup, any Error>
        var waiters: Int
    }

    public init(byteBudget: Int = 256 << 20, shared: (any SharedEmbeddingStore)? = nil,
                clock: any GatewayClock = SystemClock(),
                loadExecutor: @escaping @Sendable () -> (any TaskExecutor)? = { nil }) {
        self.loadExecutor = loadExecutor
        local = LRUCache(byteBudget: byteBudget)
        self.shared = shared
        self.clock = clock
    }

    /// `pattern:{model}:embed:{sha256 of ["text", ...] as JSON}`; the same texts in the same
    /// order give the same key whatever the request looked like.
    public static func key(model: String, texts: [String]) -> String {
        var w = JSONWriter()
        w.beginArray()
        for t in texts { w.string(t) }
        w.endArray()
        return CacheKey.embedKey(model: model, canonicalInput: w.bytes)
    }

    /// The vectors for `key`: from the local cache, the shared store, or — once for all
    /// concurrent callers — `load`, whose result is then stored in both for `ttlSeconds`.
    public func vectors(forKey key: String, ttlSeconds: Int,
                        load: @escaping @Sendable () async throws(GatewayError) -> [[Float]]) async throws(GatewayError) -> Lookup {
        if ttlSeconds > 0, let hit = local.get(key, now: clock.now()) {
            return Lookup(vectors: hit, cached: true)
        }
        let (id, task) = inFlight.withLock { map -> (UInt64, Task<Lookup, any Error>) in
            if var running = map[key] {
                running.waiters += 1
                map[key] = running
                return (running.id, running.task)
            }
            let id = flightIDs.wrappingAdd(1, ordering: .relaxed).newValue
            // The load stores its own result, so it lands in the cache even if every caller left.
            let task = Task<Lookup, any Error>(executorPreference: loadExecutor()) { [self] in
                defer { endFlight(key, id) }
                if ttlSeconds > 0, let shared, let found = await shared.get(key) {
                    store(key, found, ttlSeconds: ttlSeconds, shareToo: false)
                    return Lookup(vectors: found, cached: true)
                }
                let vectors = try await load()
                store(key, vectors, ttlSeconds: ttlSeconds, shareToo: true)
                return Lookup(vectors: vectors, cached: false)
            }
            map[key] = Flight(id: id, task: task, waiters: 1)
            return (id, task)
        }
        let waiter = Waiter()
        let result = await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            if waiter.leave() { self.leave(key, id) }
        }
        if waiter.leave() { leave(key, id) }
        switch result {
        case .success(let lookup): return lookup
        case .failure(let error): throw Self.gatewayError(error)
        }
    }

    /// A caller stopped waiting; the last one out cancels the load.
    private func leave(_ key: String, _ id: UInt64) {
        let orphaned = inFlight.withLock { map -> Task<Lookup, any Error>? in
            guard var f = map[key], f.id == id else { return nil }
            f.waiters -= 1
            guard f.waiters == 0 else {
                map[key] = f
                return nil
            }
            map[key] = nil
            return f.task
        }
        orphaned?.cancel()
    }

    private func endFlight(_ key: String, _ id: UInt64) {
        inFlight.withLock { map in
            if map[key]?.id == id { map[key] = nil }
        }
    }

    /// Leaves once, whether by cancellation or by the answer arriving.
    private final class Waiter: Sendable {
        private let left = Atomic<Bool>(false)
        func leave() -> Bool { !left.exchange(true, ordering: .relaxed) }
    }

    /// Drops every local entry of `model` (shared entries expire by TTL).
    public func invalidate(model: String) {
        _ = local.removeAll(prefix: CacheKey.modelPrefix(model))
    }

    /// Frees the entries past their TTL, which otherwise hold the byte budget until evicted.
    @discardableResult
    public func purgeExpired() -> Int {
        local.purgeExpired(now: clock.now())
    }

    public var sharedStoreReachable: Bool? { shared.map(\.isReachable) }
    public var entryCount: Int { local.count }

    private func store(_ key: String, _ vectors: [[Float]], ttlSeconds: Int, shareToo: Bool) {
        guard ttlSeconds > 0 else { return }
        let cost = 64 + vectors.reduce(0) { $0 + $1.count * 4 + 32 }
        _ = local.set(key, vectors, cost: cost, ttl: .seconds(ttlSeconds), now: clock.now())
        if shareToo, let shared {
            // Not awaited by the caller: the answer does not wait for the shared write.
            Task { await shared.set(key, vectors, ttlSeconds: ttlSeconds) }
        }
    }

    private static func gatewayError(_ error: any Error) -> GatewayError {
        if let e = error as? GatewayError { return e }
        if error is CancellationError { return GatewayError(.unavailable, "the request was cancelled") }
        return GatewayError(.internalError, "embedding load failed: \(error)")
    }
}
