import GatewayCore
import JSON

/// A batch of requests (spec §8, OpenAI's batch object): its status and timestamps, its files and
/// its request counts. Stored as its JSON, which is also what the API answers.
public struct BatchObject: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case validating, failed, inProgress = "in_progress", finalizing, completed, expired, cancelling, cancelled

        /// Nothing more will happen to it.
        public var isFinal: Bool { self == .failed || self == .completed || self == .expired || self == .cancelled }
    }

    /// A problem with the input file, named by line (1-based) when it is one line's.
    public struct LineError: Sendable, Equatable {
        public var code: String
        public var message: String
        public var line: Int?
        public var param: String?

        public init(code: String, message: String, line: Int? = nil, param: String? = nil) {
            self.code = code
            self.message = message
            self.line = line
            self.param = param
        }
    }

    public struct RequestCounts: Sendable, Equatable {
        public var total = 0
        public var completed = 0
        public var failed = 0

        public init(total: Int = 0, completed: Int = 0, failed: Int = 0) {
            self.total = total
            self.completed = completed
            self.failed = failed
        }
    }

    /// `batch_` and 24 letters and digits (no underscore after the prefix, unlike a queued job's id).
    public var id: String
    public var endpoint: String
    public var inputFileID: String
    public var completionWindow: String
    public var status: Status
    public var errors: [LineError]?
    public var outputFileID: String?
    public var errorFileID: String?
    /// Unix seconds.
    public var createdAt: Int64
    public var inProgressAt: Int64?
    public var expiresAt: Int64
    public var finalizingAt: Int64?
    public var completedAt: Int64?
    public var failedAt: Int64?
    public var expiredAt: Int64?
    public var cancellingAt: Int64?
    public var cancelledAt: Int64?
    public var requestCounts: RequestCounts
    public var metadata: [(String, String)]?

    public static func == (a: BatchObject, b: BatchObject) -> Bool {
        a.json() == b.json()
    }

    /// OpenAI's batch object, key for key.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("object"); w.string("batch")
        w.key("endpoint"); w.string(endpoint)
        w.key("errors")
        if let errors {
            w.beginObject()
            w.key("object"); w.string("list")
            w.key("data")
            w.beginArray()
            for e in errors {
                w.beginObject()
                w.key("code"); w.string(e.code)
                w.key("message"); w.string(e.message)
                w.key("param"); if let p = e.param { w.string(p) } else { w.null() }
                w.key("line"); if let l = e.line { w.number(l) } else { w.null() }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        } else {
            w.null()
        }
        w.key("input_file_id"); w.string(inputFileID)
        w.key("completion_window"); w.string(completionWindow)
        w.key("status"); w.string(status.rawValue)
        for (key, value) in [("output_file_id", outputFileID), ("error_file_id", errorFileID)] {
            w.key(key)
            if let value { w.string(value) } else { w.null() }
        }
        w.key("created_at"); w.number(Int(createdAt))
        for (key, value) in [("in_progress_at", inProgressAt), ("expires_at", expiresAt as Int64?),
                             ("finalizing_at", finalizingAt), ("completed_at", completedAt), ("failed_at", failedAt),
                             ("expired_at", expiredAt), ("cancelling_at", cancellingAt), ("cancelled_at", cancelledAt)] {
            w.key(key)
            if let value { w.number(Int(value)) } else { w.null() }
        }
        w.key("request_counts")
        w.beginObject()
        w.key("total"); w.number(requestCounts.total)
        w.key("completed"); w.number(requestCounts.completed)
        w.key("failed"); w.number(requestCounts.failed)
        w.endObject()
        w.key("metadata")
        if let metadata {
            w.beginObject()
            for (k, v) in metadata { w.key(k); w.string(v) }
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
        return w.bytes
    }

    /// Reads back what `json()` wrote; nil for anything else.
    public static func decode(_ bytes: [UInt8]) -> BatchObject? {
        guard let v = try? JSON.parse(bytes), let id = v["id"]?.stringValue, let endpoint = v["endpoint"]?.stringValue,
              let input = v["input_file_id"]?.stringValue, let window = v["completion_window"]?.stringValue,
              let status = v["status"]?.stringValue.flatMap(Status.init(rawValue:)),
              let created = v["created_at"]?.intValue, let expires = v["expires_at"]?.intValue,
              let counts = v["request_counts"] else { return nil }
        func time(_ key: String) -> Int64? { v[key]?.intValue.map(Int64.init) }
        var errors: [LineError]?
        if let list = v["errors"]?["data"]?.arrayValue {
            errors = list.map { e in
                LineError(code: e["code"]?.stringValue ?? "", message: e["message"]?.stringValue ?? "",
                          line: e["line"]?.intValue, param: e["param"]?.stringValue)
            }
        }
        var metadata: [(String, String)]?
        if let m = v["metadata"]?.objectValue {
            metadata = m.fields.map { ($0.key, $0.value.stringValue ?? "") }
        }
        return BatchObject(
            id: id, endpoint: endpoint, inputFileID: input, completionWindow: window, status: status, errors: errors,
            outputFileID: v["output_file_id"]?.stringValue, errorFileID: v["error_file_id"]?.stringValue,
            createdAt: Int64(created), inProgressAt: time("in_progress_at"), expiresAt: Int64(expires),
            finalizingAt: time("finalizing_at"), completedAt: time("completed_at"), failedAt: time("failed_at"),
            expiredAt: time("expired_at"), cancellingAt: time("cancelling_at"), cancelledAt: time("cancelled_at"),
            requestCounts: RequestCounts(total: counts["total"]?.intValue ?? 0, completed: counts["completed"]?.intValue ?? 0,
                                         failed: counts["failed"]?.intValue ?? 0),
            metadata: metadata)
    }
}
