import GatewayCore
import GatewayHTTP

/// `/api/v1/external/...` (spec §3): embed by pattern, batches, status, metrics, failover drill.
/// The route table (`RouteTable+Gateway`) says which path and role lead to each handler.
/// Runs on: the request's handler task (see `RESTRouter`); upstream and disk work where the core puts it.
struct ExternalRoutes: Sendable {
    let core: PatternCore

    func batch(_ request: Request, _ context: RequestContext) async -> Reply {
        let id = context.parameters["batch_id"]
        let found: BatchRecord?
        do throws(GatewayError) { found = try await core.batch(id: id) } catch { return .error(APIError(error), context) }
        guard let record = found else {
            return .error(APIError(GatewayError(.notFound, "no batch \"\(id)\" (unknown, or older than the result retention)",
                                                details: [("batch_id", id)])), context)
        }
        return .json(200, ExternalEncoders.batch(record))
    }

    func queueStatus(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, await StatusEncoders.queueStatus(core))
    }

    func patternsStatus(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, await StatusEncoders.patternsStatus(core))
    }

    func patternMetrics(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, StatusEncoders.patternMetrics(core))
    }

    func embed(_ request: Request, _ context: RequestContext) async -> Reply {
        let model = context.parameters["model"]
        do {
            let body = try await request.routeBody()
            _ = try core.model(named: model)  // an unknown model is 404 whatever the body says
            let f = try EmbedBodyDecoder.decode(body)
            let call = EmbedCall(model: model, texts: f.texts, single: f.single, urgent: f.urgent, priority: f.priority,
                                 batch: f.batch, context: CallContext(requestID: context.requestID, trace: context.trace, protocolName: "rest",
                                                                   credential: context.credential))
            switch try await core.embed(call) {
            case .completed(let c):
                let vectors = core.encodedVectors(c, variant: f.single ? "#1" : "#n") {
                    ExternalEncoders.vectorsJSON($0, single: f.single)
                }
                var r = Reply.json(200, ExternalEncoders.completed(c, single: f.single, vectors: vectors))
                r.headers.add("X-Cache", c.cached ? "HIT" : "MISS")
                r.upstreamMilliseconds = c.upstreamMs
                return r
            case .queued(let q):
                return .json(202, ExternalEncoders.queued(q))
            }
        } catch {
            return .error(APIError(error), context)
        }
    }

    func failover(_ request: Request, _ context: RequestContext) async -> Reply {
        let body = (try? await request.body.collect(upTo: 1 << 20)) ?? []
        guard let json = try? JSONBody.object(body), let model = json["model"]?.stringValue else {
            return .error(APIError(.invalid("model is required", field: "model")), context)
        }
        do {
            return .json(200, StatusEncoders.failover(try await core.simulateFailover(model: model)))
        } catch {
            return .error(APIError(error), context)
        }
    }
}
