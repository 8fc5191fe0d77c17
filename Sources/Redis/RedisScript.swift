import ByteCodecs

/// A Lua script named by its SHA-1, computed here so EVALSHA can be tried without sending the
/// source; the source goes to the server only when it answers NOSCRIPT.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lower-case hex SHA-1 of the source: the name Redis caches the script under.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(Array(source.utf8))
    }
}

extension RedisClient {
    /// Runs the script by its SHA-1. After NOSCRIPT (a restarted server, SCRIPT FLUSH, another
    /// replica) it loads the source and runs it again in one pipeline, so both reach the same
    /// connection and cost one more round trip. An error inside the script throws `.server`.
    public func evalScript(_ script: RedisScript, keys: [String], args: [String]) async throws(RedisError) -> RedisReply {
        let evalsha = ["EVALSHA", script.sha1, String(keys.count)] + keys + args
        do throws(RedisError) {
            return try await command(evalsha)
        } catch {
            guard error.serverCode == "NOSCRIPT" else { throw error }
        }
        let replies = try await pipeline([["SCRIPT", "LOAD", script.source], evalsha])
        if case .error(let message) = replies[0] { throw .server(message) }
        guard replies[0].string == script.sha1 else {
            throw .protocol("SCRIPT LOAD named the script \(replies[0].summary), expected \(script.sha1)")
        }
        if case .error(let message) = replies[1] { throw .server(message) }
        return replies[1]
    }
}
