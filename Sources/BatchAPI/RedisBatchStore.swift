import GatewayCore
import Redis

/// Batches in Redis, shared by every instance: `pattern:openai:batch:{id}` (the object's JSON),
/// `pattern:openai:batch:{id}:lines`, the sorted set `pattern:openai:batches` (by creation, for
/// listing), the set `pattern:openai:unfinished`, and a lease key per batch so that one instance
/// at a time works on it.
/// Runs on: the calling task; the commands run on the Redis client's threads.
public struct RedisBatchStore: BatchStore {
    let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    static func key(_ id: String) -> String { "pattern:openai:batch:\(id)" }
    static let index = "pattern:openai:batches"
    static let unfinishedSet = "pattern:openai:unfinished"

    public func save(_ batch: BatchObject) async throws(GatewayError) {
        let membership = batch.status.isFinal ? ["SREM", Self.unfinishedSet, batch.id] : ["SADD", Self.unfinishedSet, batch.id]
        let commands: [[[UInt8]]] = [
            [Array("SET".utf8), Array(Self.key(batch.id).utf8), batch.json()],
            // Creation time in ms, then the id: a stable order for the cursor.
            ["ZADD", Self.index, String(batch.createdAt * 1000), batch.id].map { Array($0.utf8) },
            membership.map { Array($0.utf8) },
        ]
        do {
            _ = try await client.pipeline(commands)
        } catch {
            throw RedisFileStore.unavailable(error, "store batch \(batch.id)")
        }
    }

    /// SET only when the value is still what the caller read: a change based on a stale read is
    /// made again from the new value.
    static let compareAndSet = RedisScript("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """)

    public func update(id: String, _ change: @escaping @Sendable (inout BatchObject) throws(GatewayError) -> Void)
        async throws(GatewayError) -> BatchObject?
    {
        for _ in 0..<20 {
            let raw: [UInt8]?
            do { raw = try await client.get(Self.key(id)) } catch { throw RedisFileStore.unavailable(error, "read batch \(id)") }
            guard let raw, var b = BatchObject.decode(raw) else { return nil }
            try change(&b)
            let new = b.json()
            if new == raw { return b }
            let swapped: Bool
            do {
                swapped = try await client.evalScript(Self.compareAndSet, keys: [Self.key(id)],
                                                      args: [String(decoding: raw, as: UTF8.self), String(decoding: new, as: UTF8.self)]).int == 1
            } catch {
                throw RedisFileStore.unavailable(error, "update batch \(id)")
            }
            if swapped {
                if b.status.isFinal {
                    _ = try? await client.command(["SREM", Self.unfinishedSet, b.id])
                }
                return b
            }
        }
        throw GatewayError(.unavailable, "batch \(id) keeps changing under this update; retry", retryAfter: 1)
    }

    public func batch(id: String) async throws(GatewayError) -> BatchObject? {
        do {
            return try await client.get(Self.key(id)).flatMap(BatchObject.decode)
        } catch {
            throw RedisFileStore.unavailable(error, "read batch \(id)")
        }
    }

    public func list(after: String?, limit: Int) async throws(GatewayError) -> (batches: [BatchObject], hasMore: Bool) {
        do {
            var start = 0
            if let after, let rank = try await client.command(["ZREVRANK", Self.index, after]).int {
                start = Int(rank) + 1
            }
            let ids = try await client.command(["ZREVRANGE", Self.index, String(start), String(start + limit)])
                .array?.compactMap(\.string) ?? []
            var batches: [BatchObject] = []
            for id in ids.prefix(limit) {
                if let b = try await client.get(Self.key(id)).flatMap(BatchObject.decode) { batches.append(b) }
            }
            return (batches, ids.count > limit)
        } catch {
            throw RedisFileStore.unavailable(error, "list batches")
        }
    }

    public func unfinished() async throws(GatewayError) -> [String] {
        do {
            return try await client.command(["SMEMBERS", Self.unfinishedSet]).array?.compactMap(\.string) ?? []
        } catch {
            throw RedisFileStore.unavailable(error, "list unfinished batches")
        }
    }

    public func saveLines(_ lines: [BatchLineState], batchID: String) async throws(GatewayError) {
        do {
            try await client.set(Self.key(batchID) + ":lines", BatchLineState.encode(lines))
        } catch {
            throw RedisFileStore.unavailable(error, "store the lines of batch \(batchID)")
        }
    }

    public func lines(batchID: String) async throws(GatewayError) -> [BatchLineState]? {
        do {
            return try await client.get(Self.key(batchID) + ":lines").flatMap(BatchLineState.decode)
        } catch {
            throw RedisFileStore.unavailable(error, "read the lines of batch \(batchID)")
        }
    }

    /// SET NX with a TTL, or a renewal when the key already names this owner: a dead instance's
    /// lease runs out and another takes the batch over.
    static let leaseScript = RedisScript("""
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """)

    public func lease(batchID: String, owner: String, for lease: Duration) async -> Bool {
        let ms = max(1, lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000)
        guard let reply = try? await client.evalScript(Self.leaseScript, keys: [Self.key(batchID) + ":lease"],
                                                       args: [owner, String(ms)]) else { return false }
        return reply.int == 1
    }
}
