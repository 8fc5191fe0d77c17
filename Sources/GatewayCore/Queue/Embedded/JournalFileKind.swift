/// Which file an error is about, in words an operator recognises: the batch queue's journal,
/// or the vector store's log and snapshot, which share the journal's frame format and helpers.
struct JournalFileKind: Sendable {
    /// Starts every message: "batch queue journal: cannot fsync …".
    var file: String
    /// What opens the file: "… locked by another open queue", "… before the queue can start".
    var owner: String
    /// What refuses changes once the file is closed: "batch queue is closed".
    var service: String

    static let queue = JournalFileKind(file: "batch queue journal", owner: "queue", service: "batch queue")
    static let vectorLog = JournalFileKind(file: "vector store log", owner: "vector store", service: "vector store")
    static let vectorSnapshot = JournalFileKind(file: "vector store snapshot", owner: "vector store",
                                                service: "vector store")
}
