import GatewayProto

/// What json_format.MessageToDict(preserving_proto_field_name=True) would print for a message,
/// built from the Swift struct: defaults omitted, 64-bit integers as strings, maps as objects
/// (the last duplicate key winning, as on the wire). Numbers keep their declared type so that a
/// float is compared at Float precision and a double exactly.
indirect enum Canon: Equatable {
    case object([String: Canon])
    case array([Canon])
    case string(String)
    case bool(Bool)
    case int(Int64)
    case float(Float)
    case double(Double)

    static func of(_ message: any GatewayMessage) -> Canon {
        var o = CanonObject()
        switch message {
        case let m as EmbedRequest:
            o["model"] = m.model; o["texts"] = m.texts; o["urgent"] = m.urgent; o.int("priority", m.priority)
        case let m as Embedding:
            o["values"] = m.values
        case let m as EmbedResponse:
            o["model"] = m.model; o["pattern"] = m.pattern; o["processing_mode"] = m.processingMode
            o["status"] = m.status; o["embeddings"] = m.embeddings; o["batch_id"] = m.batchId
            o.int("queue_position", m.queuePosition); o["estimated_completion"] = m.estimatedCompletion
            o["processing_time_ms"] = m.processingTimeMs; o["cached"] = m.cached; o["endpoint"] = m.endpoint
            o["degraded"] = m.degraded
        case let m as SearchRequest:
            o["model"] = m.model; o["query_vector"] = m.queryVector; o["query"] = m.query; o.int("limit", m.limit)
            o.map("filter", m.filter); o["score_threshold"] = m.scoreThreshold
        case let m as ScoredPoint:
            o["id"] = m.id; o["score"] = m.score; o.map("payload", m.payload)
        case let m as SearchResponse:
            o["model"] = m.model; o["results"] = m.results; o["cached"] = m.cached; o["took_ms"] = m.tookMs
        case let m as Point:
            o["id"] = m.id; o["vector"] = m.vector; o.map("payload", m.payload)
        case let m as IngestRequest:
            o["model"] = m.model; o["points"] = m.points
        case let m as IngestResponse:
            o["model"] = m.model; o.int("ingested", m.ingested); o["ids"] = m.ids
        case let m as GetBatchRequest:
            o["batch_id"] = m.batchId
        case let m as BatchStatus:
            o["batch_id"] = m.batchId; o["model"] = m.model; o["status"] = m.status
            o.int("items_count", m.itemsCount); o.int("completed_items", m.completedItems)
            o["embeddings"] = m.embeddings; o["error"] = m.error; o.int("attempts", m.attempts)
            o["queued_at"] = m.queuedAt; o["completed_at"] = m.completedAt; o["outputs"] = m.outputs
        case is PatternStatusRequest:
            break
        case let m as ModelStatus:
            o["name"] = m.name; o["pattern"] = m.pattern; o["breaker_state"] = m.breakerState
            o.int("failure_count", m.failureCount)
            if m.requests != 0 { o.fields["requests"] = .string(String(m.requests)) }
            o["success_rate"] = m.successRate; o["avg_response_time_ms"] = m.avgResponseTimeMs
            o.int("queue_depth", m.queueDepth); o["cache_hit_ratio"] = m.cacheHitRatio
        case let m as PatternStatus:
            o["models"] = m.models
        case let m as GatewayProto.ChatMessage:
            o["role"] = m.role; o["content"] = m.content
        case let m as GenerateRequest:
            o["model"] = m.model; o["prompt"] = m.prompt; o["messages"] = m.messages; o.int("max_tokens", m.maxTokens)
            o["temperature"] = m.temperature; o["top_p"] = m.topP; o["stop"] = m.stop; o["urgent"] = m.urgent
            o.int("priority", m.priority)
            if m.seed != 0 { o.fields["seed"] = .string(String(m.seed)) }
        case let m as Usage:
            o.int("prompt_tokens", m.promptTokens); o.int("completion_tokens", m.completionTokens)
            o.int("total_tokens", m.totalTokens)
        case let m as GenerateResponse:
            o["model"] = m.model; o["pattern"] = m.pattern; o["processing_mode"] = m.processingMode
            o["status"] = m.status; o["text"] = m.text; o["finish_reason"] = m.finishReason
            if let u = m.usage { o.fields["usage"] = Canon.of(u) }
            o["batch_id"] = m.batchId; o["processing_time_ms"] = m.processingTimeMs; o["endpoint"] = m.endpoint
            o["cached"] = m.cached
        case let m as GenerateChunk:
            o["text"] = m.text; o["finish_reason"] = m.finishReason
            if let u = m.usage { o.fields["usage"] = Canon.of(u) }
        default:
            preconditionFailure("no canonical form for \(type(of: message))")
        }
        return .object(o.fields)
    }

    /// Where `json` differs from this value, or nil when it matches.
    func mismatch(_ json: JSON, at path: String = "$") -> String? {
        switch (self, json) {
        case (.object(let a), .object(let b)):
            if Set(a.keys) != Set(b.keys) { return "\(path): keys \(a.keys.sorted()) vs \(b.keys.sorted())" }
            for (k, v) in a.sorted(by: { $0.key < $1.key }) {
                if let m = v.mismatch(b[k]!, at: "\(path).\(k)") { return m }
            }
            return nil
        case (.array(let a), .array(let b)):
            if a.count != b.count { return "\(path): \(a.count) elements vs \(b.count)" }
            for (i, (x, y)) in zip(a, b).enumerated() {
                if let m = x.mismatch(y, at: "\(path)[\(i)]") { return m }
            }
            return nil
        case (.string(let a), .string(let b)) where a == b: return nil
        case (.bool(let a), .bool(let b)) where a == b: return nil
        case (.int(let a), .number(let b)) where Int64(b) == a: return nil
        // MessageToDict prints a float as the shortest decimal that reads back as the same float.
        case (.float(let a), .number(let b)) where Float(b) == a: return nil
        case (.double(let a), .number(let b)) where Double(b) == a: return nil
        default: return "\(path): expected \(self), got \(json)"
        }
    }
}

struct CanonObject {
    var fields: [String: Canon] = [:]

    subscript(name: String) -> String {
        get { "" }
        set { if !newValue.isEmpty { fields[name] = .string(newValue) } }
    }

    subscript(name: String) -> Bool {
        get { false }
        set { if newValue { fields[name] = .bool(true) } }
    }

    /// -0.0 is present on the wire and so in MessageToDict; only +0.0 is the default.
    subscript(name: String) -> Float {
        get { 0 }
        set { if newValue.bitPattern != 0 { fields[name] = .float(newValue) } }
    }

    subscript(name: String) -> Double {
        get { 0 }
        set { if newValue.bitPattern != 0 { fields[name] = .double(newValue) } }
    }

    subscript(name: String) -> [String] {
        get { [] }
        set { if !newValue.isEmpty { fields[name] = .array(newValue.map { .string($0) }) } }
    }

    subscript(name: String) -> [Float] {
        get { [] }
        set { if !newValue.isEmpty { fields[name] = .array(newValue.map { .float($0) }) } }
    }

    subscript<M: GatewayMessage>(name: String) -> [M] {
        get { [] }
        set { if !newValue.isEmpty { fields[name] = .array(newValue.map { Canon.of($0) }) } }
    }

    mutating func int(_ name: String, _ value: some FixedWidthInteger) {
        if value != 0 { fields[name] = .int(Int64(value)) }
    }

    mutating func map(_ name: String, _ pairs: [(key: String, value: String)]) {
        guard !pairs.isEmpty else { return }
        var object: [String: Canon] = [:]
        for (k, v) in pairs { object[k] = .string(v) }
        fields[name] = .object(object)
    }
}

/// A JSON value as Python printed it; numbers keep their text so each is read at its field's
/// precision.
indirect enum JSON: CustomStringConvertible {
    case object([String: JSON])
    case array([JSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    var description: String {
        switch self {
        case .object(let o): "{" + o.map { "\($0): \($1)" }.sorted().joined(separator: ", ") + "}"
        case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .string(let s): s.debugDescription
        case .number(let n): n
        case .bool(let b): "\(b)"
        case .null: "null"
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let o) = self { o[key] } else { nil }
    }

    var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    struct ParseError: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "invalid JSON at byte \(offset)" }
    }

    /// Enough of RFC 8259 for what Python's json module prints, \u surrogate pairs included.
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSON {
        var p = JSONParser(bytes: bytes)
        let value = try p.value()
        p.skipSpace()
        guard p.i == bytes.count else { throw ParseError(offset: p.i) }
        return value
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var i = 0

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
    }

    mutating func expect(_ c: UInt8) throws(JSON.ParseError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw JSON.ParseError(offset: i) }
        i += 1
    }

    mutating func literal(_ word: String) throws(JSON.ParseError) {
        for c in word.utf8 { try expect(c) }
    }

    mutating func value() throws(JSON.ParseError) -> JSON {
        skipSpace()
        guard i < bytes.count else { throw JSON.ParseError(offset: i) }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o: [String: JSON] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            repeat {
                skipSpace()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                o[key] = try value()
                skipSpace()
            } while try comma()
            try expect(UInt8(ascii: "}"))
            return .object(o)
        case UInt8(ascii: "["):
            i += 1
            var a: [JSON] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            repeat { a.append(try value()); skipSpace() } while try comma()
            try expect(UInt8(ascii: "]"))
            return .array(a)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            let start = i
            while i < bytes.count, Array("+-.eE0123456789".utf8).contains(bytes[i]) { i += 1 }
            guard i > start else { throw JSON.ParseError(offset: i) }
            return .number(String(decoding: bytes[start..<i], as: UTF8.self))
        }
    }

    mutating func comma() throws(JSON.ParseError) -> Bool {
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; return true }
        return false
    }

    mutating func string() throws(JSON.ParseError) -> String {
        try expect(UInt8(ascii: "\""))
        var utf8: [UInt8] = []
        var pendingHigh: UInt32?
        while true {
            guard i < bytes.count else { throw JSON.ParseError(offset: i) }
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "\"") { break }
            guard c == UInt8(ascii: "\\") else { utf8.append(c); continue }
            guard i < bytes.count else { throw JSON.ParseError(offset: i) }
            let e = bytes[i]
            i += 1
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
                UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
            ]
            if let s = simple[e] { utf8.append(s); continue }
            guard e == UInt8(ascii: "u"), bytes.count - i >= 4,
                let unit = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
            else { throw JSON.ParseError(offset: i) }
            i += 4
            var scalar = unit
            if (0xD800...0xDBFF).contains(unit) { pendingHigh = unit; continue }
            if (0xDC00...0xDFFF).contains(unit) {
                guard let high = pendingHigh else { throw JSON.ParseError(offset: i) }
                scalar = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                pendingHigh = nil
            }
            guard let u = Unicode.Scalar(scalar) else { throw JSON.ParseError(offset: i) }
            utf8.append(contentsOf: Array(String(Character(u)).utf8))
        }
        guard let s = String(validating: utf8, as: UTF8.self) else { throw JSON.ParseError(offset: i) }
        return s
    }
}
