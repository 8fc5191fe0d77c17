import BatchAPI
import GatewayCore
import GatewayHTTP
import Tracing

/// The REST front-end's entry point (REST, the OpenAI-compatible `/v1` API and the diagnostics):
/// finds the request's route in the one table, admits the caller as that route's role says,
/// stamps every answer with `X-Request-Id` and `Server-Timing`, and answers unknown paths with
/// `404` and known paths called with another method with `405`.
/// Runs on: the request's handler task, which prefers the connection's event loop; upstream and
/// disk work runs where the core puts it.
public struct RESTRouter: Sendable {
    let table: RouteTable
    private let access: (any CallAdmission)?

    /// `diagnostics` turns on the `/debug/...` routes the live tests use. Without a core only
    /// `/health` (and the diagnostics) answer.
    /// `batches` adds the OpenAI Batch API's routes (`/v1/files`, `/v1/batches`).
    public init(core: PatternCore? = nil, batches: BatchService? = nil, diagnostics: Bool = false,
                readinessChecks: [@Sendable () async -> (name: String, problem: String?)] = []) {
        self.table = .gateway(core: core, batches: batches, diagnostics: diagnostics ? DiagnosticRoutes() : nil,
                              readinessChecks: readinessChecks)
        self.access = core
    }

    public func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let started = ContinuousClock.now
        let incoming = request.head.headers
        let context = RequestContext(requestID: RequestID.from(incoming), started: started,
                                     credential: Credential.from(incoming), trace: TraceContext.from(incoming))
        let reply = await answer(request, context)
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

    private func answer(_ request: Request, _ context: RequestContext) async -> Reply {
        let head = request.head
        switch table.match(method: head.method, path: head.path) {
        case .found(let route, let parameters):
            var context = context
            context.parameters = parameters
            return await admitted(route, request, context)
        case .methodNotAllowed(let allowed):
            return .failure(.methodNotAllowed(allowed: allowed), context, ErrorDialect(path: head.path))
        case .notFound:
            return .failure(.notFound("no route for \(head.method) \(head.path)"), context, ErrorDialect(path: head.path))
        }
    }

    /// The route's answer once the caller's key may call it; the key's rate-limit state rides on
    /// every answer (`RateLimit-*`), a refusal is a 401, 403 or 429 in the route's error dialect.
    private func admitted(_ route: Route, _ request: Request, _ context: RequestContext) async -> Reply {
        guard case .role(let role) = route.access, let access, access.requiresKeys else {
            return await route.handler(request, context)
        }
        do throws(GatewayError) {
            let grant = try await access.admit(credential: context.credential, needs: role,
                                               operation: "\(request.head.method) \(request.head.path)")
            var reply = await route.handler(request, context)
            if let grant { for (name, value) in grant.rateLimit.headers { reply.headers.add(name, value) } }
            return reply
        } catch {
            var reply = Reply.failure(APIError(error), context, route.dialect)
            for (name, value) in error.accessHeaders { reply.headers.add(name, value) }
            return reply
        }
    }
}

/// Per-request facts the routes share.
struct RequestContext: Sendable {
    let requestID: String
    let started: ContinuousClock.Instant
    var credential: String?
    /// The caller's `traceparent`/`tracestate`, or a new trace; the core's upstream calls carry its children.
    var trace: TraceContext = .fresh()
    var upstreamMilliseconds: Double = 0
    /// The `{name}` segments of the matched route's path.
    var parameters = PathParameters()

    func serverTiming() -> String {
        ServerTiming.header(since: started, upstreamMilliseconds: upstreamMilliseconds)
    }
}

enum HealthRoute {
    static let body: [UInt8] = Array("{\"status\":\"ok\"}".utf8)

    static func answer(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, body)
    }
}
