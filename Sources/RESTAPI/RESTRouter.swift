import GatewayCore
import GatewayHTTP

/// The REST front-end's entry point: picks the route, stamps every answer with
/// `X-Request-Id` and `Server-Timing`, and answers unknown paths with the spec's 404.
public struct RESTRouter: Sendable {
    private let diagnostics: DiagnosticRoutes?
    private let external: ExternalRoutes?
    private let generation: GenerationRoutes?
    private let operations: OperationsRoutes?
    private let vectors: VectorRoutes?
    private let patterns: PatternRoutes?
    private let access: (any CallAdmission)?

    /// `diagnostics` turns on the `/debug/...` routes the live tests use. Without a core only
    /// `/health` (and the diagnostics) answer.
    public init(core: PatternCore? = nil, diagnostics: Bool = false,
                readinessChecks: [@Sendable () async -> (name: String, problem: String?)] = []) {
        self.diagnostics = diagnostics ? DiagnosticRoutes() : nil
        self.external = core.map { ExternalRoutes(core: $0) }
        self.generation = core.map { GenerationRoutes(core: $0) }
        self.operations = core.map { OperationsRoutes(core: $0, readinessChecks: readinessChecks) }
        self.vectors = core.map { VectorRoutes(core: $0) }
        self.patterns = core.map { PatternRoutes(core: $0) }
        self.access = core
    }

    public func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let started = ContinuousClock.now
        let context = RequestContext(requestID: RequestID.from(request.head.headers), started: started,
                                     credential: Credential.from(request.head.headers))
        let reply = await admitted(request, context)
        var headers = reply.headers
        headers.reserveCapacity(headers.count + 2)
        var timing = context
        timing.upstreamMilliseconds = reply.upstreamMilliseconds
        headers.add("X-Request-Id", context.requestID)
        headers.add("Server-Timing", timing.serverTiming())
        if let stream = reply.stream {
            writer.writeHead(status: reply.status, headers: headers)
            await stream(writer)
            return
        }
        writer.respond(status: reply.status, headers: headers, body: reply.body, trailers: nil)
    }

    /// The route's answer once the caller's key may call it; the key's rate-limit state rides on
    /// every answer (`RateLimit-*`), a refusal is the spec's 401, 403 or 429.
    private func admitted(_ request: Request, _ context: RequestContext) async -> Reply {
        guard let access, access.requiresKeys,
              let role = AccessRules.role(method: request.head.method, path: request.head.path) else {
            return await route(request, context)
        }
        do throws(GatewayError) {
            let grant = try await access.admit(credential: context.credential, needs: role,
                                               operation: "\(request.head.method) \(request.head.path)")
            var reply = await route(request, context)
            if let grant { for (name, value) in grant.rateLimit.headers { reply.headers.add(name, value) } }
            return reply
        } catch {
            var reply = Reply.error(APIError(error), context)
            for (name, value) in error.accessHeaders { reply.headers.add(name, value) }
            return reply
        }
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
            if let external, let reply = await external.route(request, context) {
                return reply
            }
            if let generation, let reply = await generation.route(request, context) {
                return reply
            }
            if let operations, let reply = await operations.route(request, context) {
                return reply
            }
            if let patterns, let reply = await patterns.route(request, context) {
                return reply
            }
            if let vectors, let reply = await vectors.route(request, context) {
                return reply
            }
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
    var credential: String?
    var upstreamMilliseconds: Double = 0

    func serverTiming() -> String {
        ServerTiming.header(since: started, upstreamMilliseconds: upstreamMilliseconds)
    }
}

enum HealthRoute {
    static let body: [UInt8] = Array("{\"status\":\"ok\"}".utf8)
}
