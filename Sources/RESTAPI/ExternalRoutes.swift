import GatewayCore
import GatewayHTTP

/// `/api/v1/external/...` (spec §3): embed by pattern, batches, status, metrics, failover drill.
struct ExternalRoutes: Sendable {
    let core: PatternCore
    static let prefix = "/api/v1/external/"

    func route(_ request: Request, _ context: RequestContext) async -> Reply? {
        let head = request.head
        guard head.path.hasPrefix(Self.prefix) else { return nil }
        let parts = head.path.dropFirst(Self.prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (head.method, parts.count, parts.first ?? "") {
        case ("POST", 2, _) where parts[1] == "embed":
            return await embed(model: parts[0], request, context)
        case ("GET", 3, "batch") where parts[1] == "queue" && parts[2] == "status":
            return .json(200, await StatusEncoders.queueStatus(core))
        case ("GET", 2, "batch"):
            let found: BatchRecord?
            do throws(GatewayError) { found = try await core.batch(id: parts[1]) } catch { return .error(APIError(error), context) }
            guard let record = found else {
                return .error(APIError(GatewayError(.notFound, "no batch \"\(parts[1])\" (unknown, or older than the result retention)",
                                                    details: [("batch_id", parts[1])])), context)
            }
            return .json(200, ExternalEncoders.batch(record))
        case ("GET", 2, "patterns") where parts[1] == "status":
            return .json(200, await StatusEncoders.patternsStatus(core))
        case ("GET", 2, "patterns") where parts[1] == "metrics":
            return .json(200, StatusEncoders.patternMetrics(core))
        case ("POST", 2, "test") where parts[1] == "failover":
            return await failover(request, context)
        default:
            return nil
        }
    }

    private func embed(model: String, _ request: Request, _ context: RequestContext) async -> Reply {
        let body: [UInt8]
        do {
            body = try await request.body.collect(upTo: 16 << 20)
        } catch {
            return .error(APIError(GatewayError(.payloadTooLarge, "the request body is too large")), context)
        }
        do {
            _ = try core.model(named: model)  // an unknown model is 404 whatever the body says
            let f = try EmbedBodyDecoder.decode(body)
            let call = EmbedCall(model: model, texts: f.texts, single: f.single, urgent: f.urgent, priority: f.priority,
                                 batch: f.batch, context: CallContext(requestID: context.requestID, protocolName: "rest",
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

    private func failover(_ request: Request, _ context: RequestContext) async -> Reply {
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
