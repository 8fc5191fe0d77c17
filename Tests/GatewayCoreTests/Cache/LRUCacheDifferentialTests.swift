import Testing

@testable import GatewayCore
import GatewayTestSupport

/// The cache against an obviously-correct model: an array ordered most recent first, searched
/// linearly. Same seeded operations, same answers, same order after every step.
@Suite("LRU cache vs reference model")
struct LRUCacheDifferentialTests {
    struct Entry {
        var key: String
        var value: Int
        var cost: Int
        var expiresAt: GatewayInstant
    }

    struct Reference {
        let budget: Int
        var entries: [Entry] = []  // most recent first
        var hits = 0
        var misses = 0
        var bytes: Int { entries.reduce(0) { $0 + $1.cost } }

        mutating func get(_ key: String, now: GatewayInstant) -> Int? {
            guard let i = entries.firstIndex(where: { $0.key == key }) else { misses += 1; return nil }
            let entry = entries.remove(at: i)
            if entry.expiresAt <= now { misses += 1; return nil }
            entries.insert(entry, at: 0)
            hits += 1
            return entry.value
        }

        mutating func set(_ key: String, _ value: Int, cost: Int, ttl: Duration, now: GatewayInstant) -> Bool {
            entries.removeAll { $0.key == key }
            guard cost <= budget, ttl > .zero else { return false }
            while bytes + cost > budget { entries.removeLast() }
            entries.insert(Entry(key: key, value: value, cost: cost, expiresAt: now + ttl), at: 0)
            return true
        }

        mutating func remove(_ key: String) -> Int? {
            guard let i = entries.firstIndex(where: { $0.key == key }) else { return nil }
            return entries.remove(at: i).value
        }
    }

    @Test("10,000 seeded operations agree", arguments: [1, 2, 3] as [UInt64])
    func differential(_ seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let budget = 200
        let cache = LRUCache<Int>(byteBudget: budget)
        var model = Reference(budget: budget)
        let clock = ManualClock()
        let keys = (0..<40).map { "pattern:m\($0 % 4):embed:\($0)" }

        for step in 0..<10_000 {
            let key = keys[Int.random(in: 0..<keys.count, using: &rng)]
            let now = clock.now()
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<45:
                #expect(cache.get(key, now: now) == model.get(key, now: now), "step \(step): get \(key)")
            case 45..<85:
                // Mostly small, sometimes larger than the budget; TTLs from already-expired to long.
                let cost = Int.random(in: 0..<100, using: &rng) < 3 ? budget + 1 : Int.random(in: 0...60, using: &rng)
                let ttl = Duration.milliseconds(Int64.random(in: -10...5_000, using: &rng))
                let value = step
                #expect(cache.set(key, value, cost: cost, ttl: ttl, now: now) == model.set(key, value, cost: cost, ttl: ttl, now: now),
                        "step \(step): set \(key)")
            case 85..<92:
                #expect(cache.remove(key) == model.remove(key), "step \(step): remove \(key)")
            case 92..<94:
                let prefix = "pattern:m\(Int.random(in: 0..<4, using: &rng)):"
                let expected = model.entries.filter { $0.key.hasPrefix(prefix) }.count
                model.entries.removeAll { $0.key.hasPrefix(prefix) }
                #expect(cache.removeAll(prefix: prefix) == expected, "step \(step): removeAll(prefix:)")
            default:
                clock.advance(by: .milliseconds(Int64.random(in: 0...500, using: &rng)))
            }
            #expect(cache.keysByRecency == model.entries.map(\.key), "step \(step): order")
            #expect(cache.bytes == model.bytes, "step \(step): bytes")
            if cache.keysByRecency != model.entries.map(\.key) { break }
        }
        #expect(cache.hits == model.hits)
        #expect(cache.misses == model.misses)
        #expect(cache.hits > 100 && model.entries.count > 0)
    }
}
