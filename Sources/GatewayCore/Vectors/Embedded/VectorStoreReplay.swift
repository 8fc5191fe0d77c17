/// What opening the embedded vector store found on disk: for the startup log and for tests.
public struct VectorStoreReplay: Sendable, Equatable {
    /// Points loaded from the snapshot (0 when there was none).
    public var snapshotPoints = 0
    /// Log records replayed on top of it, over every log file.
    public var logRecords = 0
    /// Log files read.
    public var logFiles = 0
    /// A torn last record that was cut off: the file, where it began, and why it counted as torn.
    public var truncatedFile: String?
    public var truncatedAt: Int64?
    public var truncationReason: String?

    public init() {}
}
