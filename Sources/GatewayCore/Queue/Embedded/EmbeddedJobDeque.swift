/// A ring buffer of job ids: a model's queue. `claim` takes from the front, `enqueue` adds at
/// the back, and a retried job goes back to the front — all O(1), where an Array would shift
/// every queued id on each claim.
struct EmbeddedJobDeque: Sequence {
    private var slots: [String?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    var first: String? { isEmpty ? nil : slots[head] }

    /// The `i`-th id from the front.
    subscript(i: Int) -> String {
        precondition(i >= 0 && i < count, "EmbeddedJobDeque index \(i) out of 0..<\(count)")
        return slots[(head + i) % slots.count]!
    }

    mutating func append(_ id: String) {
        growIfFull()
        slots[(head + count) % slots.count] = id
        count += 1
    }

    mutating func prepend(_ id: String) {
        growIfFull()
        head = (head - 1 + slots.count) % slots.count
        slots[head] = id
        count += 1
    }

    @discardableResult
    mutating func popFirst() -> String? {
        guard let id = first else { return nil }
        slots[head] = nil
        head = (head + 1) % slots.count
        count -= 1
        return id
    }

    /// Removes `id` wherever it is: O(n), for replaying a journal whose order surprises us.
    @discardableResult
    mutating func remove(_ id: String) -> Bool {
        guard let index = (0..<count).first(where: { self[$0] == id }) else { return false }
        let rest = ((index + 1)..<count).map { self[$0] }
        for _ in index..<count {
            slots[(head + count - 1) % slots.count] = nil
            count -= 1
        }
        for other in rest { append(other) }
        return true
    }

    func makeIterator() -> AnyIterator<String> {
        var i = 0
        return AnyIterator {
            guard i < count else { return nil }
            defer { i += 1 }
            return self[i]
        }
    }

    /// Doubles the ring, laying the ids out from slot 0 again.
    private mutating func growIfFull() {
        guard count == slots.count else { return }
        var grown = [String?](repeating: nil, count: Swift.max(8, slots.count * 2))
        for i in 0..<count { grown[i] = self[i] }
        slots = grown
        head = 0
    }
}
