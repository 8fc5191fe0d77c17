import GatewayCore
import GatewayHTTP

/// `POST /api/v1/external/{model}/generate` and `/chat` (spec §7): a whole answer (200), a queued
/// job (202), or with `"stream": true` Server-Sent Events written the moment each piece exists.
struct GenerationRoutes: Sendable {
    let core: PatternCore

    func route(_ request: Request, _ context: RequestContext) async -> Reply? {
        let head = request.head
        guard head.method == "POST", head.path.hasPrefix(ExternalRoutes.prefix) else { return nil }
        let parts = head.path.dropFirst(ExternalRoutes.prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1] == "generate" || parts[1] == "chat" else { return nil }
        return await generate(model: String(parts[0]), chat: parts[1] == "chat", request, context)
    }

    private func generate(model: String, chat: Bool, _ request: Request, _ context: RequestContext) async -> Reply {
        let body: [UInt8]
        do {
            body = try await request.body.collect(upTo: 16 << 20)
        } catch {
            return .error(APIError(GatewayError(.payloadTooLarge, "the request body is too large")), context)
        }
        do {
            _ = try core.model(named: model)  // an unknown model is 404 whatever the body says
            let call = try GenerateBodyDecoder.decode(
                body, chat: chat, model: model,
                context: CallContext(requestID: context.requestID, protocolName: "rest", credential: context.credential))
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
            do {
                try await writer.write(GenerationEncoders.start(s, requestID: requestID))
                while let chunk = try await nextChunk(s, writer) {
                    if let reason = chunk.finishReason {
                        let took = (ContinuousClock.now - started).components
                        let ms = Double(took.seconds) * 1000 + Double(took.attoseconds) / 1e15
                        try await writer.write(GenerationEncoders.done(finishReason: reason, usage: chunk.usage ?? .zero,
                                                                       processingTimeMs: ms))
                    } else if !chunk.text.isEmpty {
                        try await writer.write(GenerationEncoders.delta(chunk.text))
                    }
                }
            } catch {
                return  // the client is gone: nothing more can reach it
            }
            writer.finish()
        })
    }

    /// The next piece; an upstream failure becomes the `error` event that ends the stream (nil).
    private static func nextChunk(_ s: GenerationStream, _ writer: any ResponseWriter) async throws -> GenerationChunk? {
        do {
            return try await s.next()
        } catch {
            try await writer.write(GenerationEncoders.error(error))
            return nil
        }
    }
}
