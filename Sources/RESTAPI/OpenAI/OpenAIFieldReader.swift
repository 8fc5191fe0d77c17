import GatewayCore
import JSON

/// Reads one member's value of an OpenAI request body with the pull reader, naming the field when
/// it has the wrong type. OpenAI's optional fields may be sent as `null`, which means "not given".
enum OpenAIFieldReader {
    static func string(_ r: inout JSONReader, _ field: String) throws -> String {
        guard case .string(let s) = try r.next() else { throw GatewayError.invalid("\(field) must be a string", field: field) }
        return s
    }

    static func optionalInt(_ r: inout JSONReader, _ field: String) throws -> Int? {
        switch try r.next() {
        case .null: return nil
        case .number(let n) where n.int != nil: return n.int
        default: throw GatewayError.invalid("\(field) must be an integer", field: field)
        }
    }

    static func optionalNumber(_ r: inout JSONReader, _ field: String) throws -> Double? {
        switch try r.next() {
        case .null: return nil
        case .number(let n): return n.double
        default: throw GatewayError.invalid("\(field) must be a number", field: field)
        }
    }

    static func optionalBool(_ r: inout JSONReader, _ field: String) throws -> Bool? {
        switch try r.next() {
        case .null: return nil
        case .bool(let b): return b
        default: throw GatewayError.invalid("\(field) must be true or false", field: field)
        }
    }

    /// `seed`: OpenAI's is any integer; the upstream dialects take it unsigned.
    static func seed(_ r: inout JSONReader) throws -> UInt64? {
        switch try r.next() {
        case .null: return nil
        case .number(let n) where UInt64(n.text) != nil: return UInt64(n.text)
        default: throw GatewayError.invalid("seed must be a non-negative integer", field: "seed")
        }
    }

    /// `n` (and `best_of`): one choice per request is all the core makes.
    static func one(_ r: inout JSONReader, _ field: String) throws {
        guard let n = try optionalInt(&r, field), n != 1 else { return }
        throw GatewayError.unsupported("\(field) is \(n); this gateway returns one choice per request, so \(field) must be 1",
                                       field: field)
    }

    /// `stop`: a string, an array of strings, or null.
    static func stop(_ r: inout JSONReader) throws -> [String] {
        switch try r.next() {
        case .null: return []
        case .string(let s): return [s]
        case .beginArray:
            var list: [String] = []
            while true {
                let t = try r.next()
                if t == .endArray { return list }
                guard case .string(let s) = t else {
                    throw GatewayError.invalid("stop[\(list.count)] must be a string", field: "stop[\(list.count)]")
                }
                list.append(s)
            }
        default:
            throw GatewayError.invalid("stop must be a string or an array of strings", field: "stop")
        }
    }

    /// `stream_options`: `{"include_usage": bool}`; other members are skipped.
    static func includeUsage(_ r: inout JSONReader) throws -> Bool {
        switch try r.next() {
        case .null: return false
        case .beginObject:
            var include = false
            while case .key(let key) = try r.next() {
                if key == "include_usage" {
                    include = try optionalBool(&r, "stream_options.include_usage") ?? false
                } else {
                    try r.skipValue()
                }
            }
            return include
        default:
            throw GatewayError.invalid("stream_options must be an object", field: "stream_options")
        }
    }
}
