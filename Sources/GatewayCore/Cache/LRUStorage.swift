/// The LRU list and index behind `LRUCache`, without the lock. Nodes live in one array and link
/// to each other by index (a free list recycles slots), so moving an entry to the front touches
/// two integers instead of retaining and releasing class nodes.
struct LRUStorage<Value> {
    private struct Node {
        var key: String
        var value: Value?
        var cost: Int
        var expiresAt: GatewayInstant
        var prev: Int
        var next: Int
    }

    private static var none: Int { -1 }

    let byteBudget: Int
    private var index: [String: Int] = [:]
    private var nodes: [Node] = []
    private var free: [Int] = []
    /// Most recently used.
    private var head = LRUStorage.none
    /// Least recently used: the next to go.
    private var tail = LRUStorage.none

    private(set) var bytes = 0
    private(set) var hits = 0
    private(set) var misses = 0
    private(set) var evictions = 0

    init(byteBudget: Int) {
        precondition(byteBudget >= 0, "byte budget must not be negative")
        self.byteBudget = byteBudget
    }

    var count: Int { index.count }

    /// A hit moves the entry to the front; an expired entry is dropped and counts as a miss.
    mutating func get(_ key: String, now: GatewayInstant) -> Value? {
        guard let i = index[key] else {
            misses += 1
            return nil
        }
        if nodes[i].expiresAt <= now {
            delete(i)
            misses += 1
            return nil
        }
        moveToFront(i)
        hits += 1
        return nodes[i].value
    }

    /// Stores (or replaces) an entry, evicting from the back until it fits. Returns false when
    /// it is not stored: larger than the whole budget, or a TTL that has already run out. Any
    /// older value for the key is gone either way, so a stale entry never outlives a refusal.
    @discardableResult
    mutating func set(_ key: String, _ value: Value, cost: Int, ttl: Duration, now: GatewayInstant) -> Bool {
        precondition(cost >= 0, "cost must not be negative")
        if let i = index[key] { delete(i) }
        guard cost <= byteBudget, ttl > .zero else { return false }
        while bytes + cost > byteBudget, tail != Self.none {
            delete(tail)
            evictions += 1
        }
        let node = Node(key: key, value: value, cost: cost, expiresAt: now + ttl, prev: Self.none, next: head)
        let i: Int
        if let reused = free.popLast() {
            i = reused
            nodes[i] = node
        } else {
            i = nodes.count
            nodes.append(node)
        }
        if head != Self.none { nodes[head].prev = i }
        head = i
        if tail == Self.none { tail = i }
        index[key] = i
        bytes += cost
        return true
    }

    mutating func remove(_ key: String) -> Value? {
        guard let i = index[key] else { return nil }
        let value = nodes[i].value
        delete(i)
        return value
    }

    /// O(n): for invalidating one model's entries, not for the request path.
    mutating func removeAll(where shouldRemove: (String) throws -> Bool) rethrows -> Int {
        let doomed = try index.filter { try shouldRemove($0.key) }
        for (_, i) in doomed { delete(i) }
        return doomed.count
    }

    /// Drops every expired entry (they otherwise hold budget until evicted or looked up).
    mutating func purgeExpired(now: GatewayInstant) -> Int {
        let doomed = index.values.filter { nodes[$0].expiresAt <= now }
        for i in doomed { delete(i) }
        return doomed.count
    }

    mutating func removeAll() {
        index.removeAll()
        nodes.removeAll()
        free.removeAll()
        head = Self.none
        tail = Self.none
        bytes = 0
    }

    /// Keys from most to least recently used (tests and debugging).
    var keysByRecency: [String] {
        var keys: [String] = []
        var i = head
        while i != Self.none {
            keys.append(nodes[i].key)
            i = nodes[i].next
        }
        return keys
    }

    private mutating func moveToFront(_ i: Int) {
        guard i != head else { return }
        unlink(i)
        nodes[i].prev = Self.none
        nodes[i].next = head
        if head != Self.none { nodes[head].prev = i }
        head = i
        if tail == Self.none { tail = i }
    }

    private mutating func unlink(_ i: Int) {
        let (prev, next) = (nodes[i].prev, nodes[i].next)
        if prev != Self.none { nodes[prev].next = next } else { head = next }
        if next != Self.none { nodes[next].prev = prev } else { tail = prev }
    }

    private mutating func delete(_ i: Int) {
        unlink(i)
        index[nodes[i].key] = nil
        bytes -= nodes[i].cost
        // Release the value and key now; the slot itself waits in the free list.
        nodes[i].value = nil
        nodes[i].key = ""
        nodes[i].cost = 0
        free.append(i)
    }
}
