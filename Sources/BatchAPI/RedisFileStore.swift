import GatewayCore
import JSON
import Redis

/// Files in Redis, so every instance sharing it serves the same ones: `pattern:file:{id}`, a hash
/// of the metadata fields and `content`.
/// Runs on: the calling task; the commands run on the Redis client's threads.
public struct RedisFileStore: FileStore {
    let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    static func key(_ id: String) -> String { "pattern:file:\(id)" }

    public func create(filename: String, purpose: String, content: [UInt8], now: UnixTime) async throws(GatewayError) -> StoredFile {
        let file = StoredFile(id: StoredFile.newID(prefix: "file-"), bytes: content.count,
                              createdAt: now.nanosecondsSinceEpoch / 1_000_000_000, filename: filename, purpose: purpose)
        let fields: [[UInt8]] = ["HSET", Self.key(file.id), "filename", filename, "purpose", purpose,
                                 "bytes", String(file.bytes), "created_at", String(file.createdAt), "content"].map { Array($0.utf8) }
        do {
            _ = try await client.command(fields + [content])
        } catch {
            throw Self.unavailable(error, "store file \(file.id)")
        }
        return file
    }

    public func file(id: String) async throws(GatewayError) -> StoredFile? {
        let reply: RedisReply
        do {
            reply = try await client.command(["HMGET", Self.key(id), "filename", "purpose", "bytes", "created_at"])
        } catch {
            throw Self.unavailable(error, "read file \(id)")
        }
        guard let parts = reply.array, parts.count == 4, let name = parts[0].string, let purpose = parts[1].string,
              let size = parts[2].string.flatMap(Int.init), let created = parts[3].string.flatMap(Int64.init) else { return nil }
        return StoredFile(id: id, bytes: size, createdAt: created, filename: name, purpose: purpose)
    }

    public func content(id: String) async throws(GatewayError) -> [UInt8]? {
        do {
            return try await client.command(["HGET", Self.key(id), "content"]).bytes
        } catch {
            throw Self.unavailable(error, "read file \(id)")
        }
    }

    public func delete(id: String) async throws(GatewayError) -> Bool {
        do {
            return try await client.del(Self.key(id)) == 1
        } catch {
            throw Self.unavailable(error, "delete file \(id)")
        }
    }

    static func unavailable(_ error: RedisError, _ doing: String) -> GatewayError {
        GatewayError(.unavailable, "could not \(doing): Redis is not answering", retryAfter: 5)
    }
}
