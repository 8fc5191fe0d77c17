import Synchronization

/// The L1 cache of embeddings: keyed by `CacheKey`, bounded by bytes (each entry's cost is given
/// by the caller, e.g. 4 × dimensions), least recently used out first, each entry with its own
/// TTL. O(1) get and set under one mutex; the clock is passed in (`now:`), so expiry is tested
/// with `ManualClock`.
///
/// Runs on: any task, event loops included: O(1) under the mutex, except the full passes
/// `purgeExpired` (the gateway runs it from a detached task every 30 s) and `removeAll(prefix:)`.
public final class LRUCache<Value: Sendable>: Sendable {
    public struct Statistics: Sendable, Hashable {
        public var count: Int
        public var bytes: Int
        public var hits: Int
        public var misses: Int
        public var evictions: Int
    }

    public let byteBudget: Int
    private let storage: Mutex<LRUStorage<Value>>

    public init(byteBudget: Int) {
        self.byteBudget = byteBudget
        self.storage = Mutex(LRUStorage(byteBudget: byteBudget))
    }

    /// The value if present and not expired (it becomes the most recent); counts a hit or miss.
    public func get(_ key: String, now: GatewayInstant) -> Value? {
        storage.withLock { $0.get(key, now: now) }
    }

    /// Stores `value` for `ttl`; false if not stored (cost above the whole budget, or ttl ≤ 0).
    @discardableResult
    public func set(_ key: String, _ value: Value, cost: Int, ttl: Duration, now: GatewayInstant) -> Bool {
        storage.withLock { $0.set(key, value, cost: cost, ttl: ttl, now: now) }
    }

    @discardableResult
    public func remove(_ key: String) -> Value? {
        storage.withLock { $0.remove(key) }
    }

    /// Removes the entries whose key matches; returns how many. `shouldRemove` runs under the
    /// cache's lock: it must not touch the cache.
    @discardableResult
    public func removeAll(where shouldRemove: @Sendable (String) -> Bool) -> Int {
        storage.withLock { $0.removeAll(where: shouldRemove) }
    }

    /// Per-model invalidation: `removeAll(prefix: CacheKey.modelPrefix("phi3"))`.
    @discardableResult
    public func removeAll(prefix: String) -> Int {
        removeAll { $0.hasPrefix(prefix) }
    }

    public func removeAll() {
        storage.withLock { $0.removeAll() }
    }

    /// Frees the budget held by expired entries; a periodic sweep may call it.
    @discardableResult
    public func purgeExpired(now: GatewayInstant) -> Int {
        storage.withLock { $0.purgeExpired(now: now) }
    }

    public var count: Int { storage.withLock { $0.count } }
    public var bytes: Int { storage.withLock { $0.bytes } }
    public var hits: Int { storage.withLock { $0.hits } }
    public var misses: Int { storage.withLock { $0.misses } }

    /// All counters read at one instant.
    public func statistics() -> Statistics {
        storage.withLock {
            Statistics(count: $0.count, bytes: $0.bytes, hits: $0.hits, misses: $0.misses, evictions: $0.evictions)
        }
    }

    /// Keys from most to least recently used.
    var keysByRecency: [String] { storage.withLock { $0.keysByRecency } }
}
