/// One search's working memory: the visited marks, the two heaps and the neighbour batch.
/// Reused across searches (the index keeps a pool), so a search allocates nothing per node
/// visited, and nothing at all once the pool's scratch has grown to the index.
///
/// Visited marks are stamped with an epoch instead of cleared: a node counts as visited when its
/// mark equals the current epoch, so starting a search is one increment, not a pass over every
/// node; the marks are zeroed only when the 16-bit epoch wraps.
///
/// Runs on: one search at a time (taken from the pool, given back after).
final class SearchScratch: @unchecked Sendable {
    private var marks = FlatBuffer<UInt16>(capacity: 1024)
    private(set) var epoch: UInt16 = 0
    var candidates = ScoreHeap<ClosestFirst>()
    var results = ScoreHeap<FarthestFirst>()
    /// Unvisited neighbours of the node being expanded, and their scores.
    var batchIDs: FlatBuffer<Int32>
    var batchScores: FlatBuffer<Float>

    init(maxNeighbours: Int) {
        batchIDs = FlatBuffer(capacity: maxNeighbours)
        batchIDs.append(repeating: 0, count: maxNeighbours)
        batchScores = FlatBuffer(capacity: maxNeighbours)
        batchScores.append(repeating: 0, count: maxNeighbours)
    }

    /// Starts a visit over `nodes` nodes: nothing is marked afterwards.
    func begin(nodes: Int) {
        if marks.count < nodes { marks.append(repeating: 0, count: nodes - marks.count) }
        epoch &+= 1
        if epoch == 0 {
            marks.base.update(repeating: 0, count: marks.count)
            epoch = 1
        }
        candidates.removeAll()
        results.removeAll()
    }

    /// The raw marks, for the search loop; valid until the next `begin`.
    var visitedMarks: UnsafeMutablePointer<UInt16> { marks.base }

    var bytes: Int { marks.bytes + candidates.bytes + results.bytes + batchIDs.bytes + batchScores.bytes }
}
