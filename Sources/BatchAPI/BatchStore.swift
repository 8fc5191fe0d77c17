import GatewayCore
import JSON

/// One request line of a batch once validated: which job runs it, or why it failed alone.
public struct BatchLineState: Sendable, Equatable {
    public var number: Int
    public var customID: String
    public var jobID: String?
    /// The line's body was not a valid request: its error-file entry.
    public var error: BatchObject.LineError?

    public init(number: Int, customID: String, jobID: String? = nil, error: BatchObject.LineError? = nil) {
        self.number = number
        self.customID = customID
        self.jobID = jobID
        self.error = error
    }

    static func encode(_ lines: [BatchLineState]) -> [UInt8] {
        var w = JSONWriter(capacity: lines.count * 64)
        w.beginArray()
        for l in lines {
            w.beginObject()
            w.key("n"); w.number(l.number)
            w.key("c"); w.string(l.customID)
            if let j = l.jobID { w.key("j"); w.string(j) }
            if let e = l.error {
                w.key("e"); w.string(e.code)
                w.key("m"); w.string(e.message)
            }
            w.endObject()
        }
        w.endArray()
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) -> [BatchLineState]? {
        guard let list = (try? JSON.parse(bytes, limits: JSONLimits(maxDepth: 8, maxBytes: 1 << 30, maxStringBytes: 1 << 20)))?.arrayValue else { return nil }
        var out: [BatchLineState] = []
        out.reserveCapacity(list.count)
        for v in list {
            guard let n = v["n"]?.intValue, let c = v["c"]?.stringValue else { return nil }
            let error = v["e"]?.stringValue.map { BatchObject.LineError(code: $0, message: v["m"]?.stringValue ?? "", line: n) }
            out.append(BatchLineState(number: n, customID: c, jobID: v["j"]?.stringValue, error: error))
        }
        return out
    }
}

/// Where batch objects and their lines live: under the data directory, or in Redis so that any
/// instance can answer for, and finish, any batch.
public protocol BatchStore: Sendable {
    /// Stores a new batch.
    func save(_ batch: BatchObject) async throws(GatewayError)
    /// Changes a stored batch as one step, even against other instances (a cancel beside a
    /// coordinator's progress). `change` may throw to refuse; nil for an unknown batch.
    func update(id: String, _ change: @escaping @Sendable (inout BatchObject) throws(GatewayError) -> Void)
        async throws(GatewayError) -> BatchObject?
    func batch(id: String) async throws(GatewayError) -> BatchObject?
    /// Newest first, after the batch `after` (a cursor from an earlier page).
    func list(after: String?, limit: Int) async throws(GatewayError) -> (batches: [BatchObject], hasMore: Bool)
    /// Ids of batches not yet final.
    func unfinished() async throws(GatewayError) -> [String]
    func saveLines(_ lines: [BatchLineState], batchID: String) async throws(GatewayError)
    func lines(batchID: String) async throws(GatewayError) -> [BatchLineState]?
    /// Takes (or renews) the right to work on a batch for `lease`: false while another owner
    /// holds it. One instance works on a batch at a time.
    func lease(batchID: String, owner: String, for lease: Duration) async -> Bool
}
