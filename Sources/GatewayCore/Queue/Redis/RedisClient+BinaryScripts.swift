import Redis

/// EVALSHA with binary arguments, alone or many in one round trip. `RedisClient.evalScript`
/// takes `String` arguments, and an embeddings blob is not UTF-8.
extension RedisClient {
    /// One script call. An error reply (from the script or the server) throws `.server`.
    func runScript(_ script: RedisScript, keys: [String], args: [[UInt8]]) async throws(RedisError) -> RedisReply {
        let reply = try await runScripts(script, calls: [(keys, args)])[0]
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// The script once per call, pipelined on one connection; replies in order, error replies in
    /// place. Calls answered NOSCRIPT (a restarted server, SCRIPT FLUSH) did not run: they go
    /// again behind a SCRIPT LOAD in a second pipeline, so both reach the same connection.
    func runScripts(_ script: RedisScript, calls: [(keys: [String], args: [[UInt8]])]) async throws(RedisError) -> [RedisReply] {
        let commands = calls.map { call in
            [Array("EVALSHA".utf8), Array(script.sha1.utf8), Array(String(call.keys.count).utf8)]
                + call.keys.map { Array($0.utf8) } + call.args
        }
        var replies = try await pipeline(commands)
        let missing = replies.indices.filter { replies[$0].isNoScript }
        if missing.isEmpty { return replies }
        let load = ["SCRIPT", "LOAD", script.source].map { Array($0.utf8) }
        let retried = try await pipeline([load] + missing.map { commands[$0] })
        if case .error(let message) = retried[0] { throw .server(message) }
        for (slot, index) in missing.enumerated() { replies[index] = retried[slot + 1] }
        return replies
    }
}

extension RedisReply {
    fileprivate var isNoScript: Bool {
        if case .error(let message) = self { return message.hasPrefix("NOSCRIPT") }
        return false
    }
}
