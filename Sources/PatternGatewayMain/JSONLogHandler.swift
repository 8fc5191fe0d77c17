#if canImport(Glibc)
import Glibc
#endif
import GatewayHTTP
import Logging

/// Structured logs: one JSON object per line on stderr, so that log shippers need no parsing
/// rules. Metadata keys become top-level fields.
/// Runs on: the logging thread formats; `LogWriter` writes on a thread of its own.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "{\"ts\":\(JSONString.quote(Self.timestamp())),\"level\":\"\(event.level)\",\"logger\":\(JSONString.quote(label)),\"message\":\(JSONString.quote(event.message.description))"
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() {
            line += ",\(JSONString.quote(key)):\(Self.encode(merged[key]!))"
        }
        line += "}\n"
        LogWriter.standardError.append(Array(line.utf8))
        if event.level >= .error { LogWriter.standardError.flush() }
    }

    private static func encode(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s):
            // Numbers logged as strings stay numbers for the reader.
            if let i = Int(s) { return String(i) }
            return JSONString.quote(s)
        case .stringConvertible(let c): return JSONString.quote(c.description)
        case .array(let a): return "[" + a.map(encode).joined(separator: ",") + "]"
        case .dictionary(let d):
            return "{" + d.keys.sorted().map { "\(JSONString.quote($0)):\(encode(d[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(tmv.tm_year + 1900, 4))-\(pad(tmv.tm_mon + 1, 2))-\(pad(tmv.tm_mday, 2))T\(pad(tmv.tm_hour, 2)):\(pad(tmv.tm_min, 2)):\(pad(tmv.tm_sec, 2)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}
