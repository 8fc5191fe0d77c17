import GatewayCore
import GatewayHTTP

/// `/metrics` (Prometheus text 0.0.4) and `/ready`.
/// Runs on: the request's handler task (see `RESTRouter`); upstream and disk work where the core puts it.
struct OperationsRoutes: Sendable {
    let core: PatternCore
    /// Checks of what is configured beyond the process itself (Redis, the vector store);
    /// each returns nil when healthy, or why not.
    let readinessChecks: [@Sendable () async -> (name: String, problem: String?)]

    func metrics(_ request: Request, _ context: RequestContext) async -> Reply {
        Reply(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
              body: Array(core.renderMetrics().utf8))
    }

    func ready(_ request: Request, _ context: RequestContext) async -> Reply {
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
    }
}

func JSONStringQuote(_ s: String) -> String { JSONString.quote(s) }
