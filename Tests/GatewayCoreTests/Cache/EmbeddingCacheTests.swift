import Synchronization
import Testing
@testable import GatewayCore

/// Counts loads; optionally slow, optionally failing.
final class CountingLoader: Sendable {
    let calls = Atomic<Int>(0)
    let delay: Duration
    let fail: Bool

    init(delay: Duration = .zero, fail: Bool = false) {
        self.delay = delay
        self.fail = fail
    }

    func load() async throws(GatewayError) -> [[Float]] {
        let n = calls.wrappingAdd(1, ordering: .relaxed).newValue
        if delay > .zero { try? await Task.sleep(for: delay) }
        if fail { throw GatewayError(.upstreamError, "boom") }
        return [[Float(n), 0.5]]
    }
}

/// An in-memory shared store that can be switched off.
final class MemoryStore: SharedEmbeddingStore {
    let entries = Mutex<[String: [[Float]]]>([:])
    let up = Atomic<Bool>(true)

    var isReachable: Bool { up.load(ordering: .relaxed) }

    func get(_ key: String) async -> [[Float]]? {
        guard isReachable else { return nil }
        return entries.withLock { $0[key] }
    }

    func set(_ key: String, _ vectors: [[Float]], ttlSeconds: Int) async {
        guard isReachable else { return }
        entries.withLock { $0[key] = vectors }
    }
}

@Suite("Embedding cache")
struct EmbeddingCacheTests {
    @Test func keysDependOnModelAndTextsOnly() {
        let a = EmbeddingCache.key(model: "phi3", texts: ["a", "b"])
        #expect(a == EmbeddingCache.key(model: "phi3", texts: ["a", "b"]))
        #expect(a != EmbeddingCache.key(model: "phi3", texts: ["b", "a"]))
        #expect(a != EmbeddingCache.key(model: "general", texts: ["a", "b"]))
        #expect(a != EmbeddingCache.key(model: "phi3", texts: ["a,b"]))
        #expect(a.hasPrefix("pattern:phi3:embed:") && a.count == "pattern:phi3:embed:".count + 64)
    }

    @Test func missThenHitThenExpiry() async throws {
        let clock = ManualClock()
        let cache = EmbeddingCache(clock: clock)
        let loader = CountingLoader()
        let key = EmbeddingCache.key(model: "phi3", texts: ["x"])
        let first = try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        let second = try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        #expect(!first.cached && second.cached)
        #expect(first.vectors == second.vectors)
        clock.advance(by: .seconds(61))
        let third = try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        #expect(!third.cached)
        #expect(loader.calls.load(ordering: .relaxed) == 2)
    }

    @Test func purgeFreesOnlyExpiredEntries() async throws {
        let clock = ManualClock()
        let cache = EmbeddingCache(clock: clock)
        let loader = CountingLoader()
        _ = try await cache.vectors(forKey: "short", ttlSeconds: 2) { () async throws(GatewayError) in try await loader.load() }
        _ = try await cache.vectors(forKey: "long", ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        #expect(cache.purgeExpired() == 0 && cache.entryCount == 2)
        clock.advance(by: .seconds(3))
        #expect(cache.purgeExpired() == 1)
        #expect(cache.entryCount == 1)
        let kept = try await cache.vectors(forKey: "long", ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        #expect(kept.cached && loader.calls.load(ordering: .relaxed) == 2)
    }

    @Test func twentyConcurrentIdenticalMissesMakeOneLoad() async throws {
        let cache = EmbeddingCache()
        let loader = CountingLoader(delay: .milliseconds(100))
        let key = EmbeddingCache.key(model: "general", texts: ["same"])
        let results = try await withThrowingTaskGroup(of: EmbeddingCache.Lookup.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(loader.calls.load(ordering: .relaxed) == 1)
        #expect(results.count == 20 && Set(results.map { $0.vectors[0][0] }).count == 1)
    }

    @Test func aFailedLoadReachesEveryWaiterAndIsNotCached() async throws {
        let cache = EmbeddingCache()
        let failing = CountingLoader(delay: .milliseconds(50), fail: true)
        let key = EmbeddingCache.key(model: "general", texts: ["bad"])
        let errors = await withTaskGroup(of: GatewayError?.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    do {
                        _ = try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await failing.load() }
                        return nil
                    } catch { return error as? GatewayError }
                }
            }
            return await group.reduce(into: [GatewayError?]()) { $0.append($1) }
        }
        #expect(errors.allSatisfy { $0?.code == .upstreamError })
        #expect(failing.calls.load(ordering: .relaxed) == 1)
        let ok = CountingLoader()
        let after = try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await ok.load() }
        #expect(!after.cached)
    }

    /// A load that waits until cancelled and records that it was.
    final class HangingLoader: Sendable {
        let started = Atomic<Int>(0)
        let cancelled = Atomic<Int>(0)

        func load() async throws(GatewayError) -> [[Float]] {
            started.add(1, ordering: .relaxed)
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                cancelled.add(1, ordering: .relaxed)
                throw GatewayError(.unavailable, "cancelled")
            }
            return [[1]]
        }
    }

    static func waitUntil(_ condition: () -> Bool) async {
        for _ in 0..<400 where !condition() { try? await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func theLastWaiterLeavingCancelsTheLoadButOneLeavingDoesNot() async throws {
        let cache = EmbeddingCache()
        let loader = HangingLoader()
        let key = EmbeddingCache.key(model: "general", texts: ["hang"])
        let first = Task { try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() } }
        await Self.waitUntil { loader.started.load(ordering: .relaxed) == 1 }
        let second = Task { try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() } }
        try await Task.sleep(for: .milliseconds(50))
        first.cancel()
        try await Task.sleep(for: .milliseconds(100))
        #expect(loader.cancelled.load(ordering: .relaxed) == 0, "the second caller still waits")
        second.cancel()
        await Self.waitUntil { loader.cancelled.load(ordering: .relaxed) == 1 }
        #expect(loader.cancelled.load(ordering: .relaxed) == 1)
        #expect(loader.started.load(ordering: .relaxed) == 1)
        await #expect(throws: GatewayError.self) { _ = try await first.value }
        // The next caller starts a fresh load rather than joining the cancelled one.
        let ok = CountingLoader()
        let after = try await cache.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await ok.load() }
        #expect(!after.cached && ok.calls.load(ordering: .relaxed) == 1)
    }

    @Test func invalidationDropsOnlyThatModel() async throws {
        let cache = EmbeddingCache()
        let loader = CountingLoader()
        let k1 = EmbeddingCache.key(model: "phi3", texts: ["x"])
        let k2 = EmbeddingCache.key(model: "general", texts: ["x"])
        for k in [k1, k2] { _ = try await cache.vectors(forKey: k, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() } }
        cache.invalidate(model: "phi3")
        #expect(try await !cache.vectors(forKey: k1, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }.cached)
        #expect(try await cache.vectors(forKey: k2, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }.cached)
    }

    @Test func sharedStoreServesOtherInstancesAndAnOutageIsJustAMiss() async throws {
        let store = MemoryStore()
        let a = EmbeddingCache(shared: store)
        let b = EmbeddingCache(shared: store)
        let loader = CountingLoader()
        let key = EmbeddingCache.key(model: "phi3", texts: ["shared"])
        _ = try await a.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        // The shared write is not awaited by the caller; give it a moment.
        for _ in 0..<100 where store.entries.withLock({ $0[key] == nil }) { try await Task.sleep(for: .milliseconds(5)) }
        let fromB = try await b.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        #expect(fromB.cached)
        #expect(loader.calls.load(ordering: .relaxed) == 1)

        store.up.store(false, ordering: .relaxed)
        let c = EmbeddingCache(shared: store)
        let down = try await c.vectors(forKey: key, ttlSeconds: 60) { () async throws(GatewayError) in try await loader.load() }
        #expect(!down.cached)
        #expect(c.sharedStoreReachable == false)
    }

    @Test func redisBinaryFormatRoundTrips() {
        let v: [[Float]] = [[1, -0.5, .leastNonzeroMagnitude], [3.25, 0, -0]]
        #expect(RedisEmbeddingStore.decode(RedisEmbeddingStore.encode(v)) == v)
        #expect(RedisEmbeddingStore.decode([1, 2, 3]) == nil)
        #expect(RedisEmbeddingStore.decode(RedisEmbeddingStore.encode(v).dropLast()) == nil)
    }
}
