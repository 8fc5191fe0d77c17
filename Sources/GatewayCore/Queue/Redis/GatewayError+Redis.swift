import Redis

extension GatewayError {
    /// Seconds a client is told to wait when the queue's Redis is unreachable: the pool
    /// reconnects within about 2 s of the server's return.
    static let redisRetryAfter = 5

    /// A Redis failure as the gateway reports it: unreachable, timed out, or refusing writes
    /// for a while (out of memory, loading, a read-only replica) is `unavailable` (503, retry
    /// later); anything else means this code and the server disagree, which is `internal`.
    static func redis(_ error: RedisError, while doing: String) -> GatewayError {
        let transient: Set<Substring> = ["OOM", "LOADING", "READONLY", "BUSY", "MASTERDOWN", "NOREPLICAS", "TRYAGAIN"]
        if error.kind == .unavailable || error.kind == .timeout || error.serverCode.map(transient.contains) == true {
            return GatewayError(.unavailable, "the batch queue cannot \(doing): \(error)", retryAfter: redisRetryAfter)
        }
        return GatewayError(.internalError, "the batch queue failed to \(doing): \(error)")
    }
}
