import GatewayCore
import GatewayHTTP
import JSON

/// The vector pattern routes (spec §3): `POST /api/v1/patterns/{model}/ingest`,
/// `POST /api/v1/patterns/{model}/search` and its alias `POST /api/v1/models/{model}/search`.
/// They only translate: the core validates, searches, caches and counts.
/// Runs on: the request's handler task (see `RESTRouter`); upstream and disk work where the core puts it.
struct VectorRoutes: Sendable {
    let core: PatternCore

    func ingest(_ request: Request, _ context: RequestContext) async -> Reply {
        await withBody(request, context) { body, call in await ingest(model: context.parameters["model"], body, call, context) }
    }

    func search(_ request: Request, _ context: RequestContext) async -> Reply {
        await withBody(request, context) { body, call in await search(model: context.parameters["model"], body, call, context) }
    }

    private func withBody(_ request: Request, _ context: RequestContext,
                          _ then: ([UInt8], CallContext) async -> Reply) async -> Reply {
        let body: [UInt8]
        do {
            body = try await request.routeBody()
        } catch {
            return .error(APIError(error), context)
        }
        return await then(body, CallContext(requestID: context.requestID, trace: context.trace, protocolName: "rest", credential: context.credential))
    }

    private func ingest(model name: String, _ body: [UInt8], _ call: CallContext, _ context: RequestContext) async -> Reply {
        do {
            let model = try core.model(named: name)  // an unknown model is 404 whatever the body says
            switch try IngestBodyDecoder.decode(body) {
            case .points(let points):
                // Checked here too so the error names the body's own field (`vectors[3]`) rather
                // than the core's `points[3].vector`.
                for (i, p) in points.enumerated() {
                    try VectorChecks.id(p.id, field: "vectors[\(i)].id")
                    try VectorChecks.vector(p.vector, dimensions: model.vectorSize, model: model.name, field: "vectors[\(i)]")
                }
                let outcome = try await core.ingest(model: name, points: points, context: call)
                return .json(200, VectorEncoders.ingested(outcome))
            case .texts(let t):
                let request = TextIngest(model: name, texts: t.texts, payloads: t.payloads, ids: t.ids,
                                         urgent: t.urgent, priority: t.priority, context: call)
                switch try await core.ingestTexts(request) {
                case .ingested(let outcome):
                    return .json(200, VectorEncoders.ingested(outcome))
                case .queued(let queued, let ids):
                    return .json(202, ExternalEncoders.queued(queued, ids: ids))
                }
            }
        } catch {
            return .error(APIError(error), context)
        }
    }

    private func search(model name: String, _ body: [UInt8], _ call: CallContext, _ context: RequestContext) async -> Reply {
        do {
            let outcome: SearchOutcome
            if let repeated = await core.searchRepeated(model: name, body: body, context: call) {
                outcome = repeated
            } else {
                _ = try core.model(named: name)
                let f = try SearchBodyDecoder.decode(body)
                let query = SearchQuery(model: name, vector: f.queryVector, text: f.query, limit: f.limit, filter: f.filter,
                                        scoreThreshold: f.scoreThreshold.map { Float($0) }, ef: f.ef, exact: f.exact,
                                        context: call, rawBody: body)
                outcome = try await core.search(query)
            }
            var r = Reply.json(200, VectorEncoders.searched(outcome))
            r.headers.add("X-Cache", outcome.cached ? "HIT" : "MISS")
            return r
        } catch {
            return .error(APIError(error), context)
        }
    }
}

/// The vector routes' answers, written straight to bytes.
enum VectorEncoders {
    static func ingested(_ o: IngestOutcome) -> [UInt8] {
        var w = JSONWriter(capacity: 64 + o.ids.count * 40)
        w.beginObject()
        w.key("status"); w.string("ok")
        w.key("model"); w.string(o.model)
        w.key("ingested"); w.number(o.ingested)
        w.key("ids")
        w.beginArray()
        for id in o.ids { w.string(id) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    static func searched(_ o: SearchOutcome) -> [UInt8] {
        var w = JSONWriter(capacity: 96 + o.results.count * 64)
        w.beginObject()
        w.key("model"); w.string(o.model)
        w.key("results")
        w.beginArray()
        for p in o.results {
            w.beginObject()
            w.key("id"); w.string(p.id)
            w.key("score"); w.number(p.score)
            w.key("payload")
            w.beginObject()
            // Sorted so the same hit always reads the same (dictionaries have no order).
            for (k, v) in p.payload.sorted(by: { $0.key < $1.key }) {
                w.key(k); w.string(v)
            }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.key("cached"); w.bool(o.cached)
        w.key("took_ms"); w.milliseconds(o.tookMs)
        w.endObject()
        return w.bytes
    }
}
