/// Query-string lookups without Foundation; values are returned as sent (not percent-decoded).
public enum QueryString {
    public static func value(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first.map(String.init) == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }

    public static func int(_ name: String, in query: String) -> Int? {
        value(name, in: query).flatMap { Int($0) }
    }
}
