import JSON
import Synchronization

/// Embeddings by model and canonical input: an in-process LRU (byte budget, per-model TTL) in
/// front of an optional shared store, with request coalescing: concurrent misses for one key
/// make a single upstream call and all wait for it.
public final class EmbeddingCache: Sendable {
    public struct Lookup: Sendable {
        public var vectors: [[Float]]
        /// Served from a cache level without calling the loader.
        public var cached: Bool
    }

    private let local: LRUCache<[[Float]]>
    private let shared: (any SharedEmbeddingStore)?
    private let clock: any GatewayClock
    private let inFlight = Mutex<[String: Task<[[Float]], any Error>]>([:])

    public init(byteBudget: Int = 256 << 20, shared: (any SharedEmbeddingStore)? = nil,
                clock: any GatewayClock = SystemClock()) {
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
        enum Role { case leader(Task<[[Float]], any Error>), follower(Task<[[Float]], any Error>) }
        let role: Role = inFlight.withLock { map in
            if let running = map[key] { return .follower(running) }
            let task = Task<[[Float]], any Error> { [shared] in
                if ttlSeconds > 0, let shared, let found = await shared.get(key) {
                    throw SharedHit(vectors: found)
                }
                return try await load()
            }
            map[key] = task
            return .leader(task)
        }
        switch role {
        case .follower(let task):
            do {
                return Lookup(vectors: try await task.value, cached: false)
            } catch let hit as SharedHit {
                return Lookup(vectors: hit.vectors, cached: true)
            } catch {
                throw Self.gatewayError(error)
            }
        case .leader(let task):
            defer { _ = inFlight.withLock { $0.removeValue(forKey: key) } }
            do {
                let vectors = try await task.value
                store(key, vectors, ttlSeconds: ttlSeconds, shareToo: true)
                return Lookup(vectors: vectors, cached: false)
            } catch let hit as SharedHit {
                store(key, hit.vectors, ttlSeconds: ttlSeconds, shareToo: false)
                return Lookup(vectors: hit.vectors, cached: true)
            } catch {
                throw Self.gatewayError(error)
            }
        }
    }

    /// Drops every local entry of `model` (shared entries expire by TTL).
    public func invalidate(model: String) {
        _ = local.removeAll(prefix: CacheKey.modelPrefix(model))
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

    private struct SharedHit: Error {
        let vectors: [[Float]]
    }

    private static func gatewayError(_ error: any Error) -> GatewayError {
        if let e = error as? GatewayError { return e }
        if error is CancellationError { return GatewayError(.unavailable, "the request was cancelled") }
        return GatewayError(.internalError, "embedding load failed: \(error)")
    }
}
