import GatewayHTTP

/// The REST front-end's entry point: picks the route, stamps every answer with
/// `X-Request-Id` and `Server-Timing`, and answers unknown paths with the spec's 404.
public struct RESTRouter: Sendable {
    private let diagnostics: DiagnosticRoutes?

    /// `diagnostics` turns on the `/debug/...` routes the live tests use.
    public init(diagnostics: Bool = false) {
        self.diagnostics = diagnostics ? DiagnosticRoutes() : nil
    }

    public func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let started = ContinuousClock.now
        let context = RequestContext(requestID: RequestID.from(request.head.headers), started: started)
        let reply = await route(request, context)
        var headers = reply.headers
        headers.add("X-Request-Id", context.requestID)
        headers.add("Server-Timing", context.serverTiming())
        writer.respond(status: reply.status, headers: headers, body: reply.body, trailers: nil)
    }

    private func route(_ request: Request, _ context: RequestContext) async -> Reply {
        let head = request.head
        switch head.path {
        case "/health":
            guard head.method == "GET" || head.method == "HEAD" else {
                return .error(.methodNotAllowed(allowed: "GET, HEAD"), context)
            }
            return .json(200, HealthRoute.body)
        default:
            if let diagnostics, let reply = await diagnostics.route(request, context) {
                return reply
            }
            return .error(.notFound("no route for \(head.method) \(head.path)"), context)
        }
    }
}

/// Per-request facts the routes share.
struct RequestContext: Sendable {
    let requestID: String
    let started: ContinuousClock.Instant
    var upstreamMilliseconds: Double = 0

    func serverTiming() -> String {
        let d = ContinuousClock.now - started
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return "gateway;dur=\(Self.format(ms)), upstream;dur=\(Self.format(upstreamMilliseconds))"
    }

    static func format(_ v: Double) -> String {
        let scaled = (v * 1000).rounded() / 1000
        return String(scaled)
    }
}

enum HealthRoute {
    static let body: [UInt8] = Array("{\"status\":\"ok\"}".utf8)
}
