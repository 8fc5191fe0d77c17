import Testing

@testable import GatewayCore
import GatewayTestSupport

@Suite("LRU cache")
struct LRUCacheTests {
    static let hour = Duration.seconds(3_600)

    @Test("evicts least recently used entries until the new one fits")
    func evictionByBytes() {
        let cache = LRUCache<Int>(byteBudget: 100)
        let now = instant(0)
        cache.set("a", 1, cost: 40, ttl: Self.hour, now: now)
        cache.set("b", 2, cost: 40, ttl: Self.hour, now: now)
        cache.set("c", 3, cost: 20, ttl: Self.hour, now: now)
        #expect(cache.bytes == 100)
        cache.set("d", 4, cost: 50, ttl: Self.hour, now: now)  // a and b must go (40 + 40)
        #expect(cache.keysByRecency == ["d", "c"])
        #expect(cache.bytes == 70)
        #expect(cache.statistics().evictions == 2)
    }

    @Test("get refreshes recency")
    func getRefreshes() {
        let cache = LRUCache<Int>(byteBudget: 3)
        for (i, key) in ["a", "b", "c"].enumerated() { cache.set(key, i, cost: 1, ttl: Self.hour, now: instant(0)) }
        #expect(cache.get("a", now: instant(0)) == 0)
        cache.set("d", 3, cost: 1, ttl: Self.hour, now: instant(0))
        #expect(cache.keysByRecency == ["d", "a", "c"])
        #expect(cache.get("b", now: instant(0)) == nil)
    }

    @Test("replacing a key updates value, cost and recency")
    func replace() {
        let cache = LRUCache<String>(byteBudget: 10)
        cache.set("a", "old", cost: 4, ttl: Self.hour, now: instant(0))
        cache.set("b", "b", cost: 4, ttl: Self.hour, now: instant(0))
        cache.set("a", "new", cost: 6, ttl: Self.hour, now: instant(0))
        #expect(cache.keysByRecency == ["a", "b"])
        #expect(cache.bytes == 10)
        #expect(cache.get("a", now: instant(0)) == "new")
    }

    @Test("entries expire after their own TTL (driven by a manual clock)")
    func ttl() {
        let clock = ManualClock()
        let cache = LRUCache<Int>(byteBudget: 100)
        cache.set("short", 1, cost: 10, ttl: .seconds(5), now: clock.now())
        cache.set("long", 2, cost: 10, ttl: .seconds(60), now: clock.now())
        clock.advance(by: .milliseconds(4_999))
        #expect(cache.get("short", now: clock.now()) == 1)
        clock.advance(by: .milliseconds(1))
        #expect(cache.get("short", now: clock.now()) == nil)  // expired at exactly the TTL
        #expect(cache.count == 1)
        #expect(cache.bytes == 10)
        #expect(cache.get("long", now: clock.now()) == 2)
        clock.advance(by: .seconds(55))
        #expect(cache.purgeExpired(now: clock.now()) == 1)
        #expect(cache.count == 0)
    }

    @Test("an entry larger than the whole budget, or with no TTL left, is not stored", arguments: [
        (101, Duration.seconds(1)), (50, .zero), (50, .seconds(-1)),
    ])
    func notStored(_ cost: Int, _ ttl: Duration) {
        let cache = LRUCache<Int>(byteBudget: 100)
        cache.set("x", 0, cost: 10, ttl: Self.hour, now: instant(0))
        cache.set("k", 1, cost: 10, ttl: Self.hour, now: instant(0))
        #expect(!cache.set("k", 2, cost: cost, ttl: ttl, now: instant(0)))
        // The refused write must not leave the old value behind, nor evict anything else.
        #expect(cache.get("k", now: instant(0)) == nil)
        #expect(cache.keysByRecency == ["x"])
        #expect(cache.bytes == 10)
    }

    @Test("an entry exactly the budget's size is stored alone")
    func exactFit() {
        let cache = LRUCache<Int>(byteBudget: 100)
        cache.set("a", 1, cost: 1, ttl: Self.hour, now: instant(0))
        #expect(cache.set("big", 2, cost: 100, ttl: Self.hour, now: instant(0)))
        #expect(cache.keysByRecency == ["big"])
    }

    @Test("per-model invalidation by prefix")
    func prefixRemoval() {
        let cache = LRUCache<Int>(byteBudget: 1_000)
        for model in ["phi3", "phi3x", "general"] {
            for i in 0..<3 {
                cache.set(CacheKey.embedKey(model: model, canonicalInput: [UInt8(i)]), i, cost: 1, ttl: Self.hour, now: instant(0))
            }
        }
        #expect(cache.removeAll(prefix: CacheKey.modelPrefix("phi3")) == 3)
        #expect(cache.count == 6)
        #expect(cache.keysByRecency.allSatisfy { !$0.hasPrefix("pattern:phi3:") })
        #expect(cache.bytes == 6)
        #expect(cache.remove(CacheKey.embedKey(model: "general", canonicalInput: [0])) == 0)
        #expect(cache.count == 5)
        cache.removeAll()
        #expect(cache.count == 0 && cache.bytes == 0)
    }

    @Test("hits and misses are counted")
    func counters() {
        let cache = LRUCache<Int>(byteBudget: 10)
        cache.set("a", 1, cost: 1, ttl: .seconds(1), now: instant(0))
        _ = cache.get("a", now: instant(0))
        _ = cache.get("a", now: instant(0.5))
        _ = cache.get("b", now: instant(0.5))
        _ = cache.get("a", now: instant(1))  // expired: a miss
        #expect(cache.statistics() == .init(count: 0, bytes: 0, hits: 2, misses: 2, evictions: 0))
        #expect(cache.hits == 2 && cache.misses == 2)
    }

    @Test("concurrent readers and writers keep the accounting consistent")
    func concurrent() async {
        let cache = LRUCache<Int>(byteBudget: 64)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var rng = SplitMix64(seed: UInt64(task))
                    for _ in 0..<2_000 {
                        let key = "k\(Int.random(in: 0..<100, using: &rng))"
                        if Bool.random(using: &rng) {
                            cache.set(key, task, cost: Int.random(in: 1...8, using: &rng), ttl: Self.hour, now: instant(0))
                        } else {
                            _ = cache.get(key, now: instant(0))
                        }
                    }
                }
            }
        }
        let stats = cache.statistics()
        #expect(stats.bytes <= 64)
        #expect(stats.count == cache.keysByRecency.count)
    }
}
