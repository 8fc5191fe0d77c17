/// What a key may do (spec §6): `read` (status, search), `write` (+ embed, ingest), `admin`
/// (+ the failover drill and the all-models self-test). Each role includes the ones before it.
public enum APIKeyRole: String, Sendable, Comparable, CaseIterable {
    case read, write, admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .admin: 2
        }
    }

    public static func < (a: APIKeyRole, b: APIKeyRole) -> Bool { a.rank < b.rank }
}

/// One configured key. Only the SHA-256 of the key is kept, so the configuration file can be
/// shared and logs can name the key without holding it.
public struct APIKey: Sendable, Equatable {
    /// For logs and metrics: never the key itself.
    public var name: String
    /// Lower-case hex SHA-256 of the key's bytes.
    public var sha256: String
    public var role: APIKeyRole
    /// Tokens per second and bucket size; nil takes the configuration's defaults.
    public var rate: Double?
    public var burst: Int?
    /// Generation tokens (prompt and completion) per minute; nil takes the configuration's
    /// default, which is no limit unless set.
    public var tokensPerMinute: Int?

    public init(name: String, sha256: String, role: APIKeyRole, rate: Double? = nil, burst: Int? = nil,
                tokensPerMinute: Int? = nil) {
        self.name = name
        self.sha256 = sha256
        self.role = role
        self.rate = rate
        self.burst = burst
        self.tokensPerMinute = tokensPerMinute
    }
}

/// API keys and their rate limits. No keys: every call is allowed and nothing is limited.
public struct SecurityConfiguration: Sendable, Equatable {
    public var keys: [APIKey] = []
    /// Per-key token bucket: refill per second, and capacity.
    public var defaultRate: Double = 50
    public var defaultBurst: Int = 100
    /// Generation tokens per minute for keys that set none; nil: no token limit.
    public var defaultTokensPerMinute: Int?

    public init(keys: [APIKey] = [], defaultRate: Double = 50, defaultBurst: Int = 100) {
        self.keys = keys
        self.defaultRate = defaultRate
        self.defaultBurst = defaultBurst
    }

    public var enabled: Bool { !keys.isEmpty }
}
