import Redis

/// The second cache level, shared by every gateway instance. Its methods never throw: an
/// outage is a miss (or a skipped write), so no request fails because the shared store is down.
///
/// Runs on: any task; the Redis implementation's commands run on a Redis connection's thread.
public protocol SharedEmbeddingStore: Sendable {
    func get(_ key: String) async -> [[Float]]?
    func set(_ key: String, _ vectors: [[Float]], ttlSeconds: Int) async
    /// Whether the last call reached the store (for `/ready`).
    var isReachable: Bool { get }
}

/// Embeddings in Redis under `pattern:{model}:embed:{sha256}`, as little-endian binary: count,
/// dimension, then the floats. Binary keeps a 4096-float vector at 16 KiB instead of ~70 KiB of JSON.
public struct RedisEmbeddingStore: SharedEmbeddingStore {
    let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    public var isReachable: Bool { client.isConnected }

    public func get(_ key: String) async -> [[Float]]? {
        guard let bytes = try? await client.get(key) else { return nil }
        return Self.decode(bytes)
    }

    public func set(_ key: String, _ vectors: [[Float]], ttlSeconds: Int) async {
        guard ttlSeconds > 0 else { return }
        try? await client.set(key, Self.encode(vectors), ex: ttlSeconds)
    }

    static func encode(_ vectors: [[Float]]) -> [UInt8] {
        let dim = vectors.first?.count ?? 0
        var out: [UInt8] = []
        out.reserveCapacity(8 + vectors.count * dim * 4)
        appendUInt32(UInt32(vectors.count), to: &out)
        appendUInt32(UInt32(dim), to: &out)
        for v in vectors {
            for x in v { appendUInt32(x.bitPattern, to: &out) }
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> [[Float]]? {
        guard bytes.count >= 8 else { return nil }
        let count = Int(readUInt32(bytes, 0))
        let dim = Int(readUInt32(bytes, 4))
        guard count <= 100_000, dim <= 65536, bytes.count == 8 + count * dim * 4 else { return nil }
        var out: [[Float]] = []
        out.reserveCapacity(count)
        var offset = 8
        for _ in 0..<count {
            var v = [Float](repeating: 0, count: dim)
            for j in 0..<dim {
                v[j] = Float(bitPattern: readUInt32(bytes, offset))
                offset += 4
            }
            out.append(v)
        }
        return out
    }

    private static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    private static func readUInt32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
