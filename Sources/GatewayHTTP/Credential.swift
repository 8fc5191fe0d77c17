/// The API key a request carries: `Authorization: Bearer <key>` or `x-api-key: <key>` (spec §6),
/// read the same way for REST headers, GraphQL requests and gRPC metadata. Header values arrive
/// trimmed from both transports, so only the scheme needs splitting off.
public enum Credential {
    public static func from(_ headers: HTTPHeaders) -> String? {
        if let auth = headers["authorization"] {
            let parts = auth.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            let token = parts.count == 2 ? parts[1].drop { $0 == " " || $0 == "\t" } : ""
            if parts.count == 2, parts[0].lowercased() == "bearer", !token.isEmpty {
                return String(token)
            }
        }
        if let key = headers["x-api-key"], !key.isEmpty { return key }
        return nil
    }
}
