/// Typed wrappers for the commands the gateway uses most; anything else goes through `command`.
extension RedisClient {
    /// True when the server answers PING; never throws, for health checks.
    public func ping() async -> Bool {
        (try? await command(["PING"])) == .status("PONG")
    }

    /// The value, or nil for a missing key.
    public func get(_ key: String) async throws(RedisError) -> [UInt8]? {
        let reply = try await command(["GET", key])
        guard case .bulk(let value) = reply else { throw .unexpected(reply, to: "GET") }
        return value
    }

    /// Sets the value, with a time to live in seconds when `ex` is given.
    public func set(_ key: String, _ value: [UInt8], ex seconds: Int? = nil) async throws(RedisError) {
        var arguments = [Array("SET".utf8), Array(key.utf8), value]
        if let seconds { arguments += [Array("EX".utf8), Array(String(seconds).utf8)] }
        let reply = try await command(arguments)
        guard reply == .status("OK") else { throw .unexpected(reply, to: "SET") }
    }

    public func set(_ key: String, _ value: String, ex seconds: Int? = nil) async throws(RedisError) {
        try await set(key, Array(value.utf8), ex: seconds)
    }

    /// Deletes the keys and returns how many existed.
    @discardableResult
    public func del(_ keys: [String]) async throws(RedisError) -> Int {
        if keys.isEmpty { return 0 }
        return try await integer(["DEL"] + keys)
    }

    @discardableResult
    public func del(_ keys: String...) async throws(RedisError) -> Int {
        try await del(keys)
    }

    /// Increments the counter (a missing key counts from 0) and returns the new value.
    @discardableResult
    public func incr(_ key: String) async throws(RedisError) -> Int64 {
        let reply = try await command(["INCR", key])
        guard case .integer(let value) = reply else { throw .unexpected(reply, to: "INCR") }
        return value
    }

    func integer(_ arguments: [String]) async throws(RedisError) -> Int {
        let reply = try await command(arguments)
        guard case .integer(let value) = reply else { throw .unexpected(reply, to: arguments[0]) }
        return Int(value)
    }
}

extension RedisError {
    /// A well-formed reply of the wrong shape for the command: a server bug or a version mismatch.
    static func unexpected(_ reply: RedisReply, to command: String) -> RedisError {
        .protocol("unexpected reply to \(command): \(reply.summary)")
    }
}

extension RedisReply {
    /// The reply's kind and size, without its possibly long or binary content.
    var summary: String {
        switch self {
        case .status(let text): "status \(text.prefix(40))"
        case .error(let text): "error \(text.prefix(80))"
        case .integer(let value): "integer \(value)"
        case .bulk(nil), .array(nil): "nil"
        case .bulk(let bytes?): "bulk string of \(bytes.count) bytes"
        case .array(let elements?): "array of \(elements.count)"
        }
    }
}
