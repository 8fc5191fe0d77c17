/// Redis Streams with consumer groups, as a durable job queue: producers XADD, workers
/// XREADGROUP new entries and XACK them when done, and a worker that finds entries left pending
/// by a dead one takes them over with XAUTOCLAIM.
extension RedisClient {
    /// Appends an entry and returns its ID. `maxLen` trims approximately (`MAXLEN ~`), which
    /// Redis does cheaply in whole nodes; the stream may keep somewhat more entries.
    @discardableResult
    public func xadd(stream: String, id: String = "*", fields: [(String, [UInt8])], maxLen: Int? = nil) async throws(RedisError) -> String {
        var arguments = [bytes("XADD"), bytes(stream)]
        if let maxLen { arguments += [bytes("MAXLEN"), bytes("~"), bytes(String(maxLen))] }
        arguments.append(bytes(id))
        for (name, value) in fields { arguments += [bytes(name), value] }
        let reply = try await command(arguments)
        guard let added = reply.string else { throw .unexpected(reply, to: "XADD") }
        return added
    }

    /// Creates the group (and with `mkstream` the stream). Returns false when the group already
    /// existed (BUSYGROUP), which is how every instance but the first finds it at startup.
    @discardableResult
    public func xgroupCreate(stream: String, group: String, startID: String = "0", mkstream: Bool = true) async throws(RedisError) -> Bool {
        do throws(RedisError) {
            _ = try await command(["XGROUP", "CREATE", stream, group, startID] + (mkstream ? ["MKSTREAM"] : []))
            return true
        } catch {
            guard error.serverCode == "BUSYGROUP" else { throw error }
            return false
        }
    }

    /// Reads up to `count` entries never delivered to the group (ID `>`), waiting up to
    /// `blockMilliseconds` for one when given. The wait holds a pool connection, whose timeout is
    /// stretched by the block time for this call only. Returns [] when nothing arrived.
    public func xreadgroup(
        group: String, consumer: String, stream: String, count: Int, blockMilliseconds: Int? = nil
    ) async throws(RedisError) -> [RedisStreamEntry] {
        var arguments = ["XREADGROUP", "GROUP", group, consumer, "COUNT", String(count)]
        var timeout = configuration.commandTimeout
        if let blockMilliseconds {
            // BLOCK 0 waits forever, and a caller must never hang.
            precondition(blockMilliseconds > 0, "XREADGROUP BLOCK needs a positive wait")
            arguments += ["BLOCK", String(blockMilliseconds)]
            timeout += Double(blockMilliseconds) / 1000
        }
        arguments += ["STREAMS", stream, ">"]
        let reply = try await command(arguments.map { Array($0.utf8) }, timeout: timeout)
        if reply.isNil { return [] }
        // [[stream, [entry, ...]]]: one stream was asked for.
        guard let streams = reply.array, let first = streams.first?.array, first.count == 2 else {
            throw .unexpected(reply, to: "XREADGROUP")
        }
        return try RedisStreamEntry.parseList(first[1])
    }

    /// Acknowledges entries as done; returns how many were pending.
    @discardableResult
    public func xack(stream: String, group: String, ids: [String]) async throws(RedisError) -> Int {
        if ids.isEmpty { return 0 }
        return try await integer(["XACK", stream, group] + ids)
    }

    /// Takes over up to `count` entries pending longer than `minIdleMilliseconds`, scanning from
    /// `start`. Pass the returned `next` as `start` to continue; "0-0" means the scan is complete.
    /// Entries deleted while pending are left out.
    public func xautoclaim(
        stream: String, group: String, consumer: String, minIdleMilliseconds: Int, start: String = "0-0", count: Int
    ) async throws(RedisError) -> (next: String, entries: [RedisStreamEntry]) {
        let reply = try await command([
            "XAUTOCLAIM", stream, group, consumer, String(minIdleMilliseconds), start, "COUNT", String(count),
        ])
        // Redis 7 adds a third element, the IDs of deleted entries it dropped from the list.
        guard let parts = reply.array, parts.count >= 2, let next = parts[0].string else {
            throw .unexpected(reply, to: "XAUTOCLAIM")
        }
        return (next, try RedisStreamEntry.parseList(parts[1]))
    }

    /// How many entries the group has delivered but not acknowledged, and to whom.
    public func xpending(stream: String, group: String) async throws(RedisError) -> RedisPendingSummary {
        let reply = try await command(["XPENDING", stream, group])
        guard let parts = reply.array, parts.count == 4, case .integer(let count) = parts[0] else {
            throw .unexpected(reply, to: "XPENDING")
        }
        var consumers: [String: Int] = [:]
        for consumer in parts[3].array ?? [] {
            guard let pair = consumer.array, pair.count == 2, let name = pair[0].string, let pending = pair[1].int else {
                throw .unexpected(reply, to: "XPENDING")
            }
            consumers[name] = Int(pending)
        }
        return RedisPendingSummary(count: Int(count), smallestID: parts[1].string, greatestID: parts[2].string, consumers: consumers)
    }
}

private func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
