/// Request ids for `X-Request-Id`: 16 hex digits, random enough to correlate logs across
/// instances.
public enum RequestID {
    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        let v = rng.next() as UInt64
        let s = String(v, radix: 16)
        return s.count == 16 ? s : String(repeating: "0", count: 16 - s.count) + s
    }

    /// The client's id when it sent a sane one, else a new one.
    public static func from(_ headers: HTTPHeaders) -> String {
        if let given = headers["x-request-id"], !given.isEmpty, given.utf8.count <= 200,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return make()
    }
}
