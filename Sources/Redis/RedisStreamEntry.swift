/// One stream entry: its ID and its field-value pairs, in the order they were added.
public struct RedisStreamEntry: Sendable, Equatable {
    public var id: String
    public var fields: [(String, [UInt8])]

    public init(id: String, fields: [(String, [UInt8])]) {
        self.id = id
        self.fields = fields
    }

    /// The first value of the named field.
    public subscript(field name: String) -> [UInt8]? {
        fields.first { $0.0 == name }?.1
    }

    // By hand: tuples are not Equatable, so it cannot be synthesized.
    public static func == (lhs: RedisStreamEntry, rhs: RedisStreamEntry) -> Bool {
        lhs.id == rhs.id && lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// Reads `[id, [field, value, ...]]`. Returns nil for an entry deleted while pending, which
    /// XCLAIM and Redis 6.2's XAUTOCLAIM report with nil fields.
    static func parse(_ reply: RedisReply) throws(RedisError) -> RedisStreamEntry? {
        guard let pair = reply.array, pair.count == 2, let id = pair[0].string else {
            if reply.isNil { return nil }
            throw .unexpected(reply, to: "a stream read")
        }
        if pair[1].isNil { return nil }
        guard let flat = pair[1].array, flat.count % 2 == 0 else { throw .unexpected(pair[1], to: "a stream read") }
        var fields: [(String, [UInt8])] = []
        fields.reserveCapacity(flat.count / 2)
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard let name = flat[index].bytes, let value = flat[index + 1].bytes else {
                throw .unexpected(reply, to: "a stream read")
            }
            fields.append((String(decoding: name, as: UTF8.self), value))
        }
        return RedisStreamEntry(id: id, fields: fields)
    }

    static func parseList(_ reply: RedisReply) throws(RedisError) -> [RedisStreamEntry] {
        guard let entries = reply.array else { throw .unexpected(reply, to: "a stream read") }
        var parsed: [RedisStreamEntry] = []
        for entry in entries {
            if let entry = try parse(entry) { parsed.append(entry) }
        }
        return parsed
    }
}

/// XPENDING's summary form: how many entries a group has delivered but not acknowledged.
public struct RedisPendingSummary: Sendable, Equatable {
    public var count: Int
    public var smallestID: String?
    public var greatestID: String?
    /// Pending entries per consumer.
    public var consumers: [String: Int]

    public init(count: Int, smallestID: String? = nil, greatestID: String? = nil, consumers: [String: Int] = [:]) {
        self.count = count
        self.smallestID = smallestID
        self.greatestID = greatestID
        self.consumers = consumers
    }
}
