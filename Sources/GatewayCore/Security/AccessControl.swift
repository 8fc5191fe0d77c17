/// Who may call what (spec §6), the same on every protocol: a front-end hands over the key the
/// caller presented (`CallContext.credential`) and the role the operation needs; the answer is a
/// grant (with the rate-limit state for the `RateLimit-*` headers) or the spec's error:
/// `unauthenticated` (no key, or an unknown one), `permission_denied` (role too low) or
/// `rate_limited` (with Retry-After). With no keys configured everything is allowed.
public final class AccessControl: Sendable {
    public struct Grant: Sendable {
        public var keyName: String
        public var role: APIKeyRole
        public var rateLimit: RateLimitDecision
    }

    public let configuration: SecurityConfiguration
    private let byHash: [String: APIKey]
    private let limiter: any RateLimiter

    public init(configuration: SecurityConfiguration = SecurityConfiguration(),
                limiter: any RateLimiter = LocalRateLimiter()) {
        self.configuration = configuration
        self.byHash = Dictionary(configuration.keys.map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
        self.limiter = limiter
    }

    public var enabled: Bool { configuration.enabled }

    /// Lower-case hex SHA-256, the form the configuration stores keys in.
    public static func hash(_ key: String) -> String {
        CacheKey.sha256Hex(Array(key.utf8))
    }

    /// The key behind `credential`, without taking a token (for checks inside one call, such
    /// as a GraphQL mutation field). Nil when keys are off.
    public func key(for credential: String?) throws(GatewayError) -> APIKey? {
        guard enabled else { return nil }
        guard let credential, !credential.isEmpty else {
            throw GatewayError(.unauthenticated,
                               "an API key is required: send Authorization: Bearer <key> or x-api-key: <key>")
        }
        guard let key = byHash[Self.hash(credential)] else {
            throw GatewayError(.unauthenticated, "the API key is not valid")
        }
        return key
    }

    /// Checks the role only (no token): for a second check inside a call already admitted.
    public func require(_ role: APIKeyRole, credential: String?, operation: String) throws(GatewayError) {
        guard let key = try key(for: credential) else { return }
        try Self.check(key, role, operation)
    }

    /// Authenticates, checks the role and takes one token. Nil when keys are off.
    public func admit(credential: String?, needs role: APIKeyRole, operation: String) async throws(GatewayError) -> Grant? {
        guard let key = try key(for: credential) else { return nil }
        try Self.check(key, role, operation)
        let decision = await limiter.take(bucket: key.name, rate: key.rate ?? configuration.defaultRate,
                                          burst: key.burst ?? configuration.defaultBurst)
        guard decision.allowed else {
            throw GatewayError(.rateLimited,
                               "the rate limit of API key \(key.name) is used up; retry after \(decision.retryAfterSeconds) s",
                               details: [("limit", String(decision.limit)), ("remaining", "0"),
                                         ("reset", String(decision.resetSeconds))],
                               retryAfter: decision.retryAfterSeconds)
        }
        return Grant(keyName: key.name, role: key.role, rateLimit: decision)
    }

    /// Generation tokens held for one call until it settles.
    public struct TokenReservation: Sendable {
        let bucket: String
        let amount: Int
        let perMinute: Int
    }

    /// Reserves `amount` generation tokens (a call's `max_tokens`) from the caller's per-minute
    /// budget, or refuses with `rate_limited`. Nil when keys are off or the key has no budget.
    /// A call may not reserve more than the whole budget: it reserves the budget then.
    public func reserveTokens(credential: String?, amount: Int) async throws(GatewayError) -> TokenReservation? {
        guard let key = try key(for: credential),
              let perMinute = key.tokensPerMinute ?? configuration.defaultTokensPerMinute else { return nil }
        let reservation = TokenReservation(bucket: "tokens:" + key.name, amount: min(amount, perMinute), perMinute: perMinute)
        let decision = await limiter.take(bucket: reservation.bucket, cost: Double(reservation.amount),
                                          rate: Double(perMinute) / 60, burst: perMinute, force: false)
        guard decision.allowed else {
            throw GatewayError(.rateLimited,
                               "the token budget of API key \(key.name) (\(perMinute) per minute) cannot hold "
                               + "\(reservation.amount) more now; retry after \(decision.retryAfterSeconds) s",
                               details: [("limit", String(perMinute)), ("remaining", String(decision.remaining)),
                                         ("reset", String(decision.resetSeconds))],
                               retryAfter: decision.retryAfterSeconds)
        }
        return reservation
    }

    /// Settles a reservation with the tokens the call really used (the upstream's count; 0 when
    /// it failed): the difference goes back to the budget, or is taken on top of it.
    public func settle(_ reservation: TokenReservation, used: Int) async {
        let difference = Double(used - reservation.amount)
        guard difference != 0 else { return }
        _ = await limiter.take(bucket: reservation.bucket, cost: difference, rate: Double(reservation.perMinute) / 60,
                               burst: reservation.perMinute, force: true)
    }

    private static func check(_ key: APIKey, _ role: APIKeyRole, _ operation: String) throws(GatewayError) {
        guard key.role >= role else {
            throw GatewayError(.permissionDenied,
                               "API key \(key.name) has role \(key.role.rawValue); \(operation) needs \(role.rawValue)",
                               details: [("required_role", role.rawValue)])
        }
    }
}
