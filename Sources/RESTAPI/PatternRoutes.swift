import GatewayCore
import GatewayHTTP
import JSON

/// The vector side's status pages (spec §3, "Vector patterns"): `GET /api/v1/patterns/status`,
/// `/health`, `/metrics`, `POST /api/v1/patterns/test/all-models` and
/// `GET /api/v1/optimizations/status`. Read-only reports of the core, except the self-test.
/// Runs on: the request's handler task (see `RESTRouter`); upstream and disk work where the core puts it.
struct PatternRoutes: Sendable {
    let core: PatternCore

    func status(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, PatternEncoders.status(await core.vectorPatternsStatus()))
    }

    func health(_ request: Request, _ context: RequestContext) async -> Reply {
        let reports = await core.health()
        let ok = reports.allSatisfy { $0.upstreamOK && $0.storeOK }
        return .json(ok ? 200 : 503, PatternEncoders.health(reports, ok: ok))
    }

    func metrics(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, PatternEncoders.metrics(core))
    }

    func selfTest(_ request: Request, _ context: RequestContext) async -> Reply {
        let call = CallContext(requestID: context.requestID, trace: context.trace, protocolName: "rest", credential: context.credential)
        return .json(200, PatternEncoders.selfTest(await core.selfTest(context: call)))
    }

    func optimizations(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, PatternEncoders.optimizations(core))
    }
}
