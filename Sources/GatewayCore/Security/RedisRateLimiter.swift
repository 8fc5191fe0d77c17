import Redis

/// Buckets in Redis, `pattern:ratelimit:{key name}`, refilled and taken by one Lua script on
/// Redis's own clock (`TIME`): atomic, so instances sharing a key share one budget exactly, and
/// no instance's clock skew matters. While Redis cannot be reached each instance falls back to
/// its own buckets (so a Redis outage degrades the limit instead of refusing every call).
public struct RedisRateLimiter: RateLimiter {
    let client: RedisClient
    let fallback: LocalRateLimiter

    public init(client: RedisClient, fallback: LocalRateLimiter = LocalRateLimiter()) {
        self.client = client
        self.fallback = fallback
    }

    static func key(_ name: String) -> String { "pattern:ratelimit:\(name)" }

    /// ARGV: rate (tokens/s), burst, cost, force (1: take whatever the level; a negative cost gives
    /// back, capped at burst). Returns {allowed 0|1, tokens after as a string}.
    static let script = RedisScript("""
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local force = ARGV[4] == '1'
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(b[1])
        local at = tonumber(b[2])
        if tokens == nil or at == nil then
          tokens = burst
          at = now
        end
        local elapsed = math.max(0, now - at) / 1000000
        tokens = math.min(burst, tokens + elapsed * rate)
        local allowed = 0
        if force or tokens >= cost then
          tokens = math.min(burst, tokens - cost)
          allowed = 1
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
        return {allowed, tostring(tokens)}
        """)

    public func take(bucket name: String, cost: Double, rate: Double, burst: Int, force: Bool) async -> RateLimitDecision {
        do {
            let reply = try await client.evalScript(Self.script, keys: [Self.key(name)],
                                                    args: [String(rate), String(burst), String(cost), force ? "1" : "0"])
            guard let parts = reply.array, parts.count == 2, let allowed = parts[0].int,
                  let tokens = parts[1].string.flatMap(Double.init) else {
                return await fallback.take(bucket: name, cost: cost, rate: rate, burst: burst, force: force)
            }
            return .from(allowed: allowed == 1, tokens: tokens, rate: rate, burst: burst, cost: cost)
        } catch {
            return await fallback.take(bucket: name, cost: cost, rate: rate, burst: burst, force: force)
        }
    }
}
