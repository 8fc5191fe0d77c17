/// What every transfer of one client shares, fixed at init.
struct ClientSettings: Sendable {
    var maxConnectionsPerHost: Int
    /// The multi's connection cache (idle keep-alive connections) and the free list of easy
    /// handles: enough for a few upstream hosts at full concurrency.
    var maxCachedConnections: Int { max(16, maxConnectionsPerHost * 4) }
    var tls: UpstreamTLS
    var maxResponseBytes: Int
}
