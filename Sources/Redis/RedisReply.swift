/// One RESP2 reply, copied out of hiredis so it can cross threads.
///
/// hiredis 0.14 reports a nil multi-bulk (`*-1`) as a nil reply, so a nil array arrives as
/// `.bulk(nil)`; `.array(nil)` exists for callers that build replies themselves.
public indirect enum RedisReply: Sendable, Equatable {
    case status(String)
    /// An error reply. Only seen inside arrays and pipelines: `command` throws `.server` instead.
    case error(String)
    case integer(Int64)
    /// A bulk string; nil is the nil reply (a missing key).
    case bulk([UInt8]?)
    case array([RedisReply]?)

    /// Status text, or a bulk string that is valid UTF-8.
    public var string: String? {
        switch self {
        case .status(let text): text
        case .bulk(let bytes?): String(validating: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// An integer reply, or a bulk or status string holding a decimal integer (GET of a counter).
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk, .status: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The bytes of a bulk string.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    public var array: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The nil bulk string or nil array.
    public var isNil: Bool {
        switch self {
        case .bulk(nil), .array(nil): true
        default: false
        }
    }
}
