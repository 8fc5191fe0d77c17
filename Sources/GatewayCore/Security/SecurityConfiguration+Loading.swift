/// The `security:` section, checked whole at start: a bad key entry stops the gateway naming
/// the entry and the field (never the hash's value, which is as good as a password hint).
extension SecurityConfiguration {
    public static func load(_ section: ModelsFileSection.Security, file: String) throws(ConfigurationError) -> SecurityConfiguration {
        var c = SecurityConfiguration()
        if let r = section.rateLimit {
            if let v = r.rate { c.defaultRate = try rate(v, file, "security.rate_limit.rate") }
            if let v = r.burst { c.defaultBurst = try burst(v, file, "security.rate_limit.burst") }
            if let v = r.tokensPerMinute {
                c.defaultTokensPerMinute = try tokensPerMinute(v, file, "security.rate_limit.tokens_per_minute")
            }
        }
        var names: Set<String> = []
        var hashes: Set<String> = []
        for (i, k) in (section.apiKeys ?? []).enumerated() {
            let at = "security.api_keys[\(i)]"
            guard let name = k.name, !name.isEmpty, name.utf8.count <= 64,
                  name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw ConfigurationError(file: file, key: "\(at).name", reason: "required: 1–64 printable characters, no spaces")
            }
            guard names.insert(name).inserted else {
                throw ConfigurationError(file: file, key: "\(at).name", reason: "\(name) is used by another key")
            }
            guard let raw = k.sha256 else {
                throw ConfigurationError(file: file, key: "\(at).sha256",
                                         reason: "required: the key's SHA-256 in hex (printf %s \"$KEY\" | sha256sum)")
            }
            let hash = raw.lowercased()
            guard hash.utf8.count == 64, hash.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
                throw ConfigurationError(file: file, key: "\(at).sha256", reason: "must be 64 hexadecimal digits")
            }
            guard hashes.insert(hash).inserted else {
                throw ConfigurationError(file: file, key: "\(at).sha256", reason: "the same key is configured twice")
            }
            guard let roleName = k.role, let role = APIKeyRole(rawValue: roleName) else {
                throw ConfigurationError(file: file, key: "\(at).role", reason: "must be read, write or admin")
            }
            var key = APIKey(name: name, sha256: hash, role: role)
            if let v = k.rate { key.rate = try rate(v, file, "\(at).rate") }
            if let v = k.burst { key.burst = try burst(v, file, "\(at).burst") }
            if let v = k.tokensPerMinute { key.tokensPerMinute = try tokensPerMinute(v, file, "\(at).tokens_per_minute") }
            c.keys.append(key)
        }
        return c
    }

    private static func rate(_ v: Double, _ file: String, _ key: String) throws(ConfigurationError) -> Double {
        guard v.isFinite, v > 0, v <= 1_000_000 else {
            throw ConfigurationError(file: file, key: key, reason: "must be a number of requests per second above 0")
        }
        return v
    }

    private static func tokensPerMinute(_ v: Int, _ file: String, _ key: String) throws(ConfigurationError) -> Int {
        guard (1...1_000_000_000).contains(v) else {
            throw ConfigurationError(file: file, key: key, reason: "must be an integer from 1 to 1000000000")
        }
        return v
    }

    private static func burst(_ v: Int, _ file: String, _ key: String) throws(ConfigurationError) -> Int {
        guard (1...1_000_000).contains(v) else {
            throw ConfigurationError(file: file, key: key, reason: "must be an integer from 1 to 1000000")
        }
        return v
    }
}
