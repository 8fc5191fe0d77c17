/// What opening the embedded queue found in its journal: for the startup log.
public struct EmbeddedQueueReplay: Sendable, Equatable {
    /// Records replayed.
    public var records = 0
    /// Jobs that were processing when the last process stopped, queued again.
    public var requeued = 0
    /// Records that did not fit the state (about an unknown job, or one in another state):
    /// skipped. Zero unless something wrote the journal that the queue did not expect.
    public var skipped = 0
    /// Where a torn last record began, if one was cut off, and why it counted as torn.
    public var truncatedAt: Int64?
    public var truncationReason: String?

    public init() {}
}
