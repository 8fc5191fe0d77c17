/// A growable run of plain values at one address, for the index's hot arrays: the search loop
/// reads it through a raw pointer, with no copy-on-write check, retain or bounds check per access
/// (a Swift array costs all three there). Noncopyable, so exactly one owner frees it.
///
/// Runs on: whatever thread owns it; the index only touches it under its lock.
struct FlatBuffer<Element: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var bytes: Int { capacity * MemoryLayout<Element>.stride }

    subscript(_ i: Int) -> Element {
        @inline(__always) get {
            assert(i >= 0 && i < count, "index out of range")
            return base[i]
        }
        @inline(__always) set {
            assert(i >= 0 && i < count, "index out of range")
            base[i] = newValue
        }
    }

    /// Room for `n` elements; growing by half, so appends stay amortised O(1) and a big matrix
    /// overshoots by at most a half. Moves `base`: callers
    /// holding the old pointer must not exist (the index grows only under its write lock).
    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        let grown = max(n, capacity + capacity / 2)
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: grown)
        fresh.initialize(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = grown
    }

    mutating func append(_ e: Element) {
        if count == capacity { reserve(count + 1) }
        base[count] = e
        count += 1
    }

    mutating func append(repeating e: Element, count n: Int) {
        reserve(count + n)
        (base + count).initialize(repeating: e, count: n)
        count += n
    }

    mutating func append(contentsOf source: UnsafeBufferPointer<Element>) {
        guard let from = source.baseAddress, !source.isEmpty else { return }
        reserve(count + source.count)
        (base + count).initialize(from: from, count: source.count)
        count += source.count
    }

    /// Appends values from bytes laid out as `Element`s (a serialized graph), copied, so the
    /// source needs no alignment.
    mutating func append(bytesOf source: UnsafeRawBufferPointer) {
        let n = source.count / MemoryLayout<Element>.stride
        guard n > 0, let from = source.baseAddress else { return }
        reserve(count + n)
        UnsafeMutableRawPointer(base + count).copyMemory(from: from, byteCount: n * MemoryLayout<Element>.stride)
        count += n
    }

    mutating func removeAll() { count = 0 }

    mutating func truncate(to n: Int) {
        assert(n <= count)
        count = n
    }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}
