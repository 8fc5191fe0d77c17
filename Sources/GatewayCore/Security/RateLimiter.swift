import Synchronization

/// One token taken (or not) from a key's bucket, with what the `RateLimit-*` headers show.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    /// The bucket's capacity (`RateLimit-Limit`).
    public var limit: Int
    /// Whole tokens left after this call (`RateLimit-Remaining`).
    public var remaining: Int
    /// Seconds until the bucket is full again (`RateLimit-Reset`).
    public var resetSeconds: Int
    /// When refused: seconds until one token is there (`Retry-After`), at least 1.
    public var retryAfterSeconds: Int

    public init(allowed: Bool, limit: Int, remaining: Int, resetSeconds: Int, retryAfterSeconds: Int) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// From a bucket's level after the take of `cost`.
    static func from(allowed: Bool, tokens: Double, rate: Double, burst: Int, cost: Double = 1) -> RateLimitDecision {
        let reset = Int(((Double(burst) - tokens) / rate).rounded(.up))
        let retry = allowed ? 0 : max(1, Int(((cost - tokens) / rate).rounded(.up)))
        return RateLimitDecision(allowed: allowed, limit: burst, remaining: max(0, Int(tokens.rounded(.down))),
                                 resetSeconds: max(0, reset), retryAfterSeconds: retry)
    }
}

/// Token buckets by key name.
public protocol RateLimiter: Sendable {
    /// Takes `cost` tokens if the bucket holds them. `force` takes them whatever the level (the
    /// bucket may go below zero, so later calls wait) and a negative cost gives tokens back, up to
    /// the bucket's size: how a generation settles what it reserved.
    func take(bucket: String, cost: Double, rate: Double, burst: Int, force: Bool) async -> RateLimitDecision
}

extension RateLimiter {
    /// One request's token.
    public func take(bucket: String, rate: Double, burst: Int) async -> RateLimitDecision {
        await take(bucket: bucket, cost: 1, rate: rate, burst: burst, force: false)
    }
}

/// Buckets in this process: exact for one instance; several instances each keep their own.
public final class LocalRateLimiter: RateLimiter {
    private struct Bucket {
        var tokens: Double
        var at: GatewayInstant
    }

    private let clock: any GatewayClock
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(clock: any GatewayClock = SystemClock()) {
        self.clock = clock
    }

    public func take(bucket name: String, cost: Double, rate: Double, burst: Int, force: Bool) async -> RateLimitDecision {
        let now = clock.now()
        return buckets.withLock { all in
            var b = all[name] ?? Bucket(tokens: Double(burst), at: now)
            let elapsed = max(0, PatternCore.seconds(now - b.at))
            b.tokens = min(Double(burst), b.tokens + elapsed * rate)
            b.at = now
            let allowed = force || b.tokens >= cost
            if allowed { b.tokens = min(Double(burst), b.tokens - cost) }
            all[name] = b
            return .from(allowed: allowed, tokens: b.tokens, rate: rate, burst: burst, cost: cost)
        }
    }
}

extension RateLimitDecision {
    /// `RateLimit-Limit`, `-Remaining`, `-Reset` (IETF draft "RateLimit header fields for HTTP"),
    /// for every HTTP front-end.
    public var headers: [(String, String)] {
        [("RateLimit-Limit", String(limit)), ("RateLimit-Remaining", String(remaining)),
         ("RateLimit-Reset", String(resetSeconds))]
    }
}

extension GatewayError {
    /// The headers of a refusal by `AccessControl`: the rate-limit state on a 429 (read back from
    /// the details), the challenge on a 401. `Retry-After` comes with `retryAfter` as for any error.
    public var accessHeaders: [(String, String)] {
        switch code {
        case .rateLimited:
            let d = Dictionary(details, uniquingKeysWith: { a, _ in a })
            return [("RateLimit-Limit", d["limit"] ?? "0"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", d["reset"] ?? "1")]
        case .unauthenticated:
            return [("WWW-Authenticate", "Bearer")]
        default:
            return []
        }
    }
}
