/// The best `k` of a stream of (score, slot) pairs without sorting the whole collection: a heap
/// whose root is the worst one kept. "Better" is a higher score, then the smaller id, so equal
/// scores come out in the same order on every run and every replica.
struct TopK {
    struct Entry {
        var score: Float
        var slot: Int
    }

    let k: Int
    private let ids: [String]
    private var heap: [Entry] = []

    init(k: Int, ids: [String]) {
        self.k = k
        self.ids = ids
        heap.reserveCapacity(min(max(k, 0), 1024))
    }

    func better(_ a: Entry, _ b: Entry) -> Bool {
        a.score != b.score ? a.score > b.score : ids[a.slot] < ids[b.slot]
    }

    /// Whether `offer` could keep a point with this score: the cheap test the scan makes for
    /// every row, before it looks at payloads or ids. Equal to the root passes (the id decides).
    @inline(__always)
    func admits(_ score: Float) -> Bool {
        heap.count < k || (k > 0 && score >= heap[0].score)
    }

    mutating func offer(score: Float, slot: Int) {
        let e = Entry(score: score, slot: slot)
        if heap.count < k {
            heap.append(e)
            siftUp(heap.count - 1)
        } else if k > 0, better(e, heap[0]) {
            heap[0] = e
            siftDown(0)
        }
    }

    /// Best first.
    func sorted() -> [Entry] { heap.sorted(by: better) }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard better(heap[parent], heap[i]) else { return }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            var worst = i
            let left = 2 * i + 1
            if left < heap.count, better(heap[worst], heap[left]) { worst = left }
            if left + 1 < heap.count, better(heap[worst], heap[left + 1]) { worst = left + 1 }
            guard worst != i else { return }
            heap.swapAt(worst, i)
            i = worst
        }
    }
}
