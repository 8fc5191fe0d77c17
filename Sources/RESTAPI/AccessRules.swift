import GatewayCore
import GatewayHTTP

/// Which role each REST route needs (spec §6): reading status and searching is `read`,
/// embedding and ingesting `write`, the drills `admin`. `/health`, `/ready`, `/metrics` and the
/// diagnostics stay open: probes and scrapers carry no keys. GraphQL (`/graphql`) is gated by
/// its own server, per field.
enum AccessRules {
    static func role(method: String, path: String) -> APIKeyRole? {
        guard path.hasPrefix("/api/") else { return nil }
        if path == "/api/v1/external/test/failover" || path == "/api/v1/patterns/test/all-models" { return .admin }
        if method == "POST" && (path.hasSuffix("/embed") || path.hasSuffix("/ingest")) { return .write }
        return .read
    }

    /// `RateLimit-Limit`, `-Remaining`, `-Reset` (IETF draft "RateLimit header fields for HTTP").
    static func headers(_ d: RateLimitDecision) -> [(String, String)] {
        [("RateLimit-Limit", String(d.limit)), ("RateLimit-Remaining", String(d.remaining)),
         ("RateLimit-Reset", String(d.resetSeconds))]
    }

    /// The same headers on a 429, read back from the error's details.
    static func headers(_ e: GatewayError) -> [(String, String)] {
        guard e.code == .rateLimited else { return [] }
        let d = Dictionary(e.details, uniquingKeysWith: { a, _ in a })
        return [("RateLimit-Limit", d["limit"] ?? "0"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", d["reset"] ?? "1")]
    }
}
