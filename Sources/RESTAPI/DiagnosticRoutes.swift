import GatewayHTTP

/// Routes for the live tests, off unless `--diagnostics` is given: a slow answer (to have
/// requests in flight during a shutdown) and an echo (to move bodies both ways).
struct DiagnosticRoutes: Sendable {
    static let maxSleepMilliseconds = 60_000

    func route(_ request: Request, _ context: RequestContext) async -> Reply? {
        switch (request.head.method, request.head.path) {
        case ("GET", "/debug/sleep"):
            let ms = QueryString.int("ms", in: request.head.query) ?? 100
            guard ms >= 0, ms <= Self.maxSleepMilliseconds else {
                return .error(.invalidArgument("ms must be between 0 and \(Self.maxSleepMilliseconds)", field: "ms"), context)
            }
            do {
                try await Task.sleep(for: .milliseconds(ms))
            } catch {
                return .error(APIError(code: "unavailable", message: "cancelled"), context)
            }
            return .json(200, "{\"slept_ms\":\(ms)}")
        case ("POST", "/debug/echo"):
            do {
                let body = try await request.body.collect(upTo: 64 << 20)
                var r = Reply(status: 200, headers: [:], body: body)
                r.headers.add("Content-Type", request.head.headers["content-type"] ?? "application/octet-stream")
                return r
            } catch {
                return .error(APIError(code: "invalid_argument", message: "request body could not be read"), context)
            }
        default:
            return nil
        }
    }
}

/// Query-string lookups without Foundation.
enum QueryString {
    static func value(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first.map(String.init) == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }

    static func int(_ name: String, in query: String) -> Int? {
        value(name, in: query).flatMap { Int($0) }
    }
}
