import GatewayCore
import GatewayHTTP

/// `POST /api/v1/external/{model}/generate` and `/chat` (spec §7): a whole answer (200), a queued
/// job (202), or with `"stream": true` Server-Sent Events written the moment each piece exists.
/// Runs on: the request's handler task (see `RESTRouter`); upstream and disk work where the core puts it.
struct GenerationRoutes: Sendable {
    let core: PatternCore

    func generate(_ request: Request, _ context: RequestContext) async -> Reply {
        await generate(model: context.parameters["model"], chat: false, request, context)
    }

    func chat(_ request: Request, _ context: RequestContext) async -> Reply {
        await generate(model: context.parameters["model"], chat: true, request, context)
    }

    private func generate(model: String, chat: Bool, _ request: Request, _ context: RequestContext) async -> Reply {
        do {
            let body = try await request.routeBody()
            _ = try core.model(named: model)  // an unknown model is 404 whatever the body says
            let call = try GenerateBodyDecoder.decode(
                body, chat: chat, model: model,
                context: CallContext(requestID: context.requestID, trace: context.trace, protocolName: "rest", credential: context.credential))
            switch try await core.generate(call) {
            case .completed(let c):
                var r = Reply.json(200, GenerationEncoders.completed(c))
                r.upstreamMilliseconds = c.upstreamMs
                return r
            case .queued(let q):
                return .json(202, ExternalEncoders.queued(q))
            case .streaming(let s):
                return Self.events(s, context)
            }
        } catch {
            return .error(APIError(error), context)
        }
    }

    /// The stream as events: `start` at once (the upstream has answered), a `delta` per piece,
    /// then `done`, or `error` when the upstream fails midway. A client gone (a write that fails,
    /// or the handler's task cancelled by the transport) stops the upstream call.
    static func events(_ s: GenerationStream, _ context: RequestContext) -> Reply {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/event-stream")
        headers.add("Cache-Control", "no-cache")
        // A buffering proxy in front (nginx) would hold the events back without it.
        headers.add("X-Accel-Buffering", "no")
        let requestID = context.requestID
        let started = context.started
        return Reply(status: 200, headers: headers, body: [], stream: { writer in
            defer { s.cancel() }
            // `start` waits to go out with the first delta (already read: the core opens a stream
            // up to its first chunk), one write instead of two.
            var pending = GenerationEncoders.start(s, requestID: requestID)
            do {
                while true {
                    let next: Result<GenerationChunk?, GatewayError>
                    do throws(GatewayError) { next = .success(try await s.next()) } catch { next = .failure(error) }
                    guard case .success(let chunk) = next else {
                        if case .failure(let error) = next { try await writer.write(pending + GenerationEncoders.error(error)) }
                        break
                    }
                    guard let chunk else { break }
                    if let reason = chunk.finishReason {
                        let took = (ContinuousClock.now - started).components
                        let ms = Double(took.seconds) * 1000 + Double(took.attoseconds) / 1e15
                        pending += GenerationEncoders.done(finishReason: reason, usage: chunk.usage ?? .zero, processingTimeMs: ms)
                    } else if !chunk.text.isEmpty {
                        pending += GenerationEncoders.delta(chunk.text)
                    }
                    try await writer.write(pending)
                    pending = []
                }
            } catch {
                return  // the client is gone: nothing more can reach it
            }
            writer.finish()
        })
    }
}
