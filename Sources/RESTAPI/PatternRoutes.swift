import GatewayCore
import GatewayHTTP
import JSON

/// The vector side's status pages (spec §3, "Vector patterns"): `GET /api/v1/patterns/status`,
/// `/health`, `/metrics`, `POST /api/v1/patterns/test/all-models` and
/// `GET /api/v1/optimizations/status`. Read-only reports of the core, except the self-test.
struct PatternRoutes: Sendable {
    let core: PatternCore

    func route(_ request: Request, _ context: RequestContext) async -> Reply? {
        let method = request.head.method
        let read = method == "GET" || method == "HEAD"
        switch request.head.path {
        case "/api/v1/patterns/status":
            guard read else { return .error(.methodNotAllowed(allowed: "GET, HEAD"), context) }
            return .json(200, PatternEncoders.status(await core.vectorPatternsStatus()))
        case "/api/v1/patterns/health":
            guard read else { return .error(.methodNotAllowed(allowed: "GET, HEAD"), context) }
            let reports = await core.health()
            let ok = reports.allSatisfy { $0.upstreamOK && $0.storeOK }
            return .json(ok ? 200 : 503, PatternEncoders.health(reports, ok: ok))
        case "/api/v1/patterns/metrics":
            guard read else { return .error(.methodNotAllowed(allowed: "GET, HEAD"), context) }
            return .json(200, PatternEncoders.metrics(core))
        case "/api/v1/patterns/test/all-models":
            guard method == "POST" else { return .error(.methodNotAllowed(allowed: "POST"), context) }
            let call = CallContext(requestID: context.requestID, protocolName: "rest", credential: context.credential)
            return .json(200, PatternEncoders.selfTest(await core.selfTest(context: call)))
        case "/api/v1/optimizations/status":
            guard read else { return .error(.methodNotAllowed(allowed: "GET, HEAD"), context) }
            return .json(200, PatternEncoders.optimizations(core))
        default:
            return nil
        }
    }
}
