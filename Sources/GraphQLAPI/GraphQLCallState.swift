import GatewayCore
import GraphQL
import JSON
import Synchronization

/// What one GraphQL request's resolvers share: who is calling (for the core), and what the
/// answer reports besides `data` — the cache status of each cacheable field (`extensions.cache`)
/// and the time spent upstream (`Server-Timing`).
final class GraphQLCallState: Sendable {
    let call: CallContext
    private let state = Mutex(Recorded())

    private struct Recorded: Sendable {
        var cache: [(path: String, hit: Bool)] = []
        var upstreamMilliseconds: Double = 0
    }

    init(call: CallContext) {
        self.call = call
    }

    func recordCache(_ path: [PathComponent], hit: Bool) {
        let key = path.map(\.description).joined(separator: ".")
        state.withLock { $0.cache.append((key, hit)) }
    }

    func addUpstream(milliseconds: Double) {
        state.withLock { $0.upstreamMilliseconds += milliseconds }
    }

    var upstreamMilliseconds: Double { state.withLock { $0.upstreamMilliseconds } }

    /// `{"<response path>": "HIT" | "MISS", ...}`, nil when no cacheable field ran.
    var cacheExtension: JSONValue? {
        let entries = state.withLock { $0.cache }
        guard !entries.isEmpty else { return nil }
        return .object(JSONObject(entries.map { (key: $0.path, value: .string($0.hit ? "HIT" : "MISS")) }))
    }
}
