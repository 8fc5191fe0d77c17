import Redis

/// Search-result generations shared by every gateway instance on one vector store: an ingest
/// through any instance bumps the model's number, and each instance's cached results carry the
/// number they were computed under, so none serves results older than the newest ingest.
/// Without it an instance would serve its own cached results until their TTL, blind to the
/// points another instance just wrote into the shared Qdrant collection.
///
/// Runs on: any task; the Redis implementation's commands run on a Redis connection's thread.
public protocol SharedSearchGenerations: Sendable {
    /// The model's current generation, or nil when the shared store cannot be asked (the
    /// search then skips the cache rather than risk a stale answer).
    func current(_ model: String) async -> UInt64?
    func bump(_ model: String) async
}

/// `pattern:{model}:search_generation`, an INCR counter (a missing key reads as 0).
public struct RedisSearchGenerations: SharedSearchGenerations {
    let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    static func key(_ model: String) -> String { "pattern:\(model):search_generation" }

    public func current(_ model: String) async -> UInt64? {
        do {
            guard let bytes = try await client.get(Self.key(model)) else { return 0 }
            return UInt64(String(decoding: bytes, as: UTF8.self))
        } catch {
            return nil
        }
    }

    public func bump(_ model: String) async {
        _ = try? await client.incr(Self.key(model))
    }
}
