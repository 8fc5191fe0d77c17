import GatewayCore
import GatewayHTTP

/// Which role each REST route needs (spec §6): reading status and searching is `read`,
/// embedding, ingesting and generating `write`, the drills `admin`. `/health`, `/ready`, `/metrics` and the
/// diagnostics stay open: probes and scrapers carry no keys. GraphQL (`/graphql`) is gated by
/// its own server, per field.
enum AccessRules {
    static func role(method: String, path: String) -> APIKeyRole? {
        guard path.hasPrefix("/api/") else { return nil }
        if path == "/api/v1/external/test/failover" || path == "/api/v1/patterns/test/all-models" { return .admin }
        if method == "POST" && (path.hasSuffix("/embed") || path.hasSuffix("/ingest") || path.hasSuffix("/generate")
                                || path.hasSuffix("/chat")) { return .write }
        return .read
    }
}
