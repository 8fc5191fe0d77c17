import GatewayCore
import GatewayHTTP

/// `/metrics` (Prometheus text 0.0.4) and `/ready`.
struct OperationsRoutes: Sendable {
    let core: PatternCore
    /// Checks of what is configured beyond the process itself (Redis, the vector store);
    /// each returns nil when healthy, or why not.
    let readinessChecks: [@Sendable () async -> (name: String, problem: String?)]

    func route(_ request: Request, _ context: RequestContext) async -> Reply? {
        guard request.head.method == "GET" || request.head.method == "HEAD" else { return nil }
        switch request.head.path {
        case "/metrics":
            return Reply(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                         body: Array(core.renderMetrics().utf8))
        case "/ready":
            var parts: [String] = []
            var ok = true
            for check in readinessChecks {
                let (name, problem) = await check()
                if let problem {
                    ok = false
                    parts.append("\(JSONStringQuote(name)):{\"status\":\"down\",\"error\":\(JSONStringQuote(problem))}")
                } else {
                    parts.append("\(JSONStringQuote(name)):{\"status\":\"ok\"}")
                }
            }
            let body = "{\"status\":\"\(ok ? "ready" : "degraded")\",\"checks\":{\(parts.joined(separator: ","))}}"
            return .json(ok ? 200 : 503, body)
        default:
            return nil
        }
    }
}

func JSONStringQuote(_ s: String) -> String { JSONString.quote(s) }
