import GatewayCore
import GatewayProto

/// `Generate` and `GenerateStream` (spec §7): the same core call as REST's `/generate` and
/// `/chat`, with `protocol="grpc"` on its metrics. A real-time answer is `status` "completed", a
/// bulk_only or non-urgent hybrid call a queued job (`status` "queued", `batch_id`; `GetBatch` and
/// `WatchBatch` then carry its `outputs`). The stream relays one `GenerateChunk` per upstream
/// chunk as it arrives, the last with the finish reason and the usage; a failure after the first
/// chunk ends the call with its §2 status, and a client that cancels (RST_STREAM cancels this
/// task, a write to a gone client fails) stops the upstream call at once.
/// Runs on: the call's handler task; the upstream transfer stays on the libcurl thread.
extension PatternServiceMethods {
    static func generate(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(GenerateRequest.self)
        switch try await core.generate(try generateCall(core, req, stream: false, call.context)) {
        case .completed(let c):
            call.responder.respond(GenerateMapping.completed(c).encoded())
        case .queued(let q):
            call.responder.respond(GenerateMapping.queued(q).encoded())
        case .streaming(let s):
            // The core streams only when asked to; should it ever, the upstream call stops here.
            s.cancel()
            throw GRPCStatus(.internalError, "internal error")
        }
    }

    static func generateStream(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(GenerateRequest.self)
        let outcome = try await core.generate(try generateCall(core, req, stream: true, call.context))
        guard case .streaming(let s) = outcome else { throw GRPCStatus(.internalError, "internal error") }
        // However the loop ends (done, failed, the client gone), the upstream call ends too. A
        // cancelled task (RST_STREAM, the deadline) stops it from the handler, before the read it
        // interrupts can report the end as a failure: the call counts as cancelled.
        defer { s.cancel() }
        try await withTaskCancellationHandler {
            while let chunk = try await s.next() {
                guard let message = GenerateMapping.chunk(chunk) else { continue }
                try await call.responder.send(message.encoded())
            }
        } onCancel: {
            s.cancel()
        }
    }

    /// The request as the core's call. An unknown model is NOT_FOUND whatever else the request
    /// says (as on REST); then `prompt` xor `messages`. proto3 cannot send "unset", so 0 (and
    /// false) mean "not given": the default max_tokens, the upstream's temperature and top_p, no
    /// seed, priority and urgency as for an embed.
    static func generateCall(_ core: PatternCore, _ req: GenerateRequest, stream: Bool,
                             _ context: CallContext) throws -> GenerateCall {
        try requireModel(req.model)
        _ = try core.model(named: req.model)
        let input: GenerationInput
        switch (req.prompt.isEmpty, req.messages.isEmpty) {
        case (false, true):
            input = .prompt(req.prompt)
        case (true, false):
            input = .messages(req.messages.map { GatewayCore.ChatMessage(role: $0.role, content: $0.content) })
        case (false, false):
            throw GRPCStatus(.invalidArgument, "prompt and messages are exclusive: send a prompt (completion) or messages (chat), not both")
        case (true, true):
            throw GRPCStatus(.invalidArgument, "prompt or messages is required")
        }
        return GenerateCall(
            model: req.model, input: input, maxTokens: req.maxTokens == 0 ? nil : Int(req.maxTokens),
            temperature: decimal(req.temperature), topP: decimal(req.topP), stop: req.stop,
            seed: req.seed == 0 ? nil : req.seed, stream: stream, urgent: req.urgent ? true : nil,
            priority: req.priority == 0 ? nil : Int(req.priority), context: context)
    }

    /// A float field as the decimal the client wrote (0.7, not 0.699999988079071), so the
    /// upstream sees what a REST client's JSON would have said; 0 is "not given".
    static func decimal(_ f: Float) -> Double? {
        guard f != 0 else { return nil }
        return Double(f.description) ?? Double(f)
    }
}

/// Core results as gateway.proto messages.
enum GenerateMapping {
    static func completed(_ c: CompletedGeneration) -> GenerateResponse {
        GenerateResponse(
            model: c.model, pattern: c.pattern.rawValue, processingMode: "real_time", status: "completed",
            text: c.result.text, finishReason: c.result.finishReason, usage: usage(c.result.usage),
            processingTimeMs: c.processingTimeMs, endpoint: c.endpoint, cached: false)
    }

    static func queued(_ q: QueuedEmbedding) -> GenerateResponse {
        GenerateResponse(model: q.model, pattern: q.pattern.rawValue, processingMode: "bulk", status: "queued",
                         batchId: q.batchID)
    }

    /// One output of a completed generation job, as `BatchStatus.outputs` carries it.
    static func output(_ g: GeneratedText, of r: BatchRecord) -> GenerateResponse {
        GenerateResponse(
            model: r.job.model, pattern: r.job.pattern.rawValue, processingMode: "bulk", status: "completed",
            text: g.text, finishReason: g.finishReason, usage: usage(g.usage), batchId: r.job.id)
    }

    /// A text piece, or the closing chunk (reason and usage); nil for a piece with nothing in it.
    static func chunk(_ c: GenerationChunk) -> GenerateChunk? {
        if let reason = c.finishReason {
            return GenerateChunk(text: c.text, finishReason: reason, usage: usage(c.usage ?? .zero))
        }
        return c.text.isEmpty ? nil : GenerateChunk(text: c.text)
    }

    static func usage(_ u: TokenUsage) -> Usage {
        Usage(promptTokens: UInt32(clamping: u.promptTokens), completionTokens: UInt32(clamping: u.completionTokens),
              totalTokens: UInt32(clamping: u.totalTokens))
    }
}
