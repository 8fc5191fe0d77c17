import GatewayHTTP

/// When tokens are due: the first `ttft` (and one slow-down) after the call arrived, the rest
/// one interval apart. Deadlines rather than sleeps between writes, so a slow write does not
/// slow the pace down.
struct TokenPace: Sendable {
    let start: ContinuousClock.Instant
    let ttft: Duration
    let slow: Duration
    let interval: Duration

    init(start: ContinuousClock.Instant, _ b: FaultPlan.Behaviour) {
        self.start = start
        ttft = Self.duration(milliseconds: b.ttftMilliseconds)
        slow = Self.duration(milliseconds: b.slowTokensMilliseconds)
        interval = Self.duration(milliseconds: 1000 / b.tokensPerSecond) + slow
    }

    /// Capped at a day: a control body's 1e300 must not trap the conversion to integers.
    private static func duration(milliseconds: Double) -> Duration {
        .microseconds(Int(min(max(milliseconds, 0), 86_400_000) * 1000))
    }

    /// The instant `count` tokens are out (none: at once).
    func out(_ count: Int) -> ContinuousClock.Instant {
        count == 0 ? start : start + ttft + slow + interval * (count - 1)
    }
}

/// One generation answer on its way out, whole or streamed, broken where the model's faults
/// say; counts what became of the call.
///
/// Runs on: the request's handler task (see `GenerationHandler`); it sleeps and awaits writes.
struct GenerationAnswer {
    let context: AnswerContext
    let generation: Generation
    let pace: TokenPace
    let behaviour: FaultPlan.Behaviour
    let plan: FaultPlan
    /// The counters' key: the model this listener or the body resolved to.
    let model: String
    let writer: any ResponseWriter

    private enum Fault { case cut, errorEvent, stall }

    /// The fault that strikes first and how many tokens are out by then; one set beyond the
    /// answer's length never strikes.
    private var fault: (kind: Fault, at: Int)? {
        let planned: [(Fault, Int?)] = [(.cut, behaviour.cutAfterTokens), (.errorEvent, behaviour.errorEventAfterTokens),
                                        (.stall, behaviour.stallAfterTokens)]
        return planned.compactMap { kind, at in at.map { (kind, $0) } }
            .filter { $0.1 <= generation.completionTokens }
            .min { $0.1 < $1.1 }
            .map { (kind: $0.0, at: $0.1) }
    }

    private var isOpenAI: Bool { context.request.route.dialect == .openai }

    /// The answer in one body once the last token is due; a fault strikes when its token is.
    func whole() async {
        let n = generation.completionTokens
        let fault = fault
        guard await sleep(until: pace.out(fault?.at ?? n)) else { return record(\.abandoned) }
        if let fault { return await strike(fault.kind, after: fault.at, streaming: false) }
        let body = isOpenAI ? GenerationEncoder.openAIWhole(context, generation)
                            : GenerationEncoder.ollamaFinal(context, generation, text: generation.text, durations())
        writer.respond(status: 200, headers: SimulatorHandler.json, body: body)
        plan.record(model) { $0.tokensSent += n }
    }

    /// One frame per token as each is due, then the end marker.
    func stream() async {
        let contentType = isOpenAI ? "text/event-stream; charset=utf-8" : "application/x-ndjson"
        writer.writeHead(status: 200, headers: ["Content-Type": contentType, "Cache-Control": "no-cache"])
        record(\.streamsStarted)
        let fault = fault
        for i in 0...generation.completionTokens {
            if let fault, fault.at == i { return await strike(fault.kind, after: i, streaming: true) }
            if i == generation.completionTokens { break }
            guard await sleep(until: pace.out(i + 1)) else { return record(\.abandoned) }
            guard await send(frame(i)) else { return record(\.abandoned) }
            record(\.tokensSent)
        }
        let end = isOpenAI ? GenerationEncoder.openAIEnd(context, generation)
                           : GenerationEncoder.ollamaFinal(context, generation, text: "", durations()) + [0x0A]
        guard await send(end) else { return record(\.abandoned) }
        record(\.streamsCompleted)
        writer.finish()
    }

    private func frame(_ i: Int) -> [UInt8] {
        let piece = generation.pieces[i]
        guard isOpenAI else { return GenerationEncoder.ollamaPiece(context, piece) }
        let last = i == generation.completionTokens - 1
        let chunk = GenerationEncoder.openAIChunk(context, piece: piece, finishReason: last ? generation.finishReason : nil,
                                                  stopString: generation.stopString)
        // vLLM opens a chat stream with the role and no content, at the first token.
        guard i == 0, context.request.route.kind == .chat else { return chunk }
        return GenerationEncoder.openAIChunk(context, piece: "", role: true) + chunk
    }

    /// A cut before any answer leaves the client with none; an error that strikes before a
    /// whole answer is its 500.
    private func strike(_ kind: Fault, after tokens: Int, streaming: Bool) async {
        switch kind {
        case .cut:
            writer.abort()
        case .errorEvent:
            let message = "injected failure after \(tokens) tokens"
            if !streaming {
                writer.respond(status: 500, headers: SimulatorHandler.json,
                               body: isOpenAI ? ErrorBodies.vLLM(message, status: 500) : ErrorBodies.ollama(message))
            } else {
                let frame = isOpenAI ? GenerationEncoder.openAIErrorEvent(message) : ErrorBodies.ollama(message) + [0x0A]
                guard await send(frame) else { return record(\.abandoned) }
                writer.finish()
            }
        case .stall:
            return await waitForClientToLeave()
        }
        record(\.generateFailures)
    }

    /// Holds the call open, saying nothing, until the transport cancels it (the client left).
    func waitForClientToLeave() async {
        while await sleep(until: .now + .seconds(3600)) {}
        record(\.abandoned)
    }

    /// False once the client has gone: the transport cancels a handler whose peer went away.
    private func sleep(until deadline: ContinuousClock.Instant) async -> Bool {
        do {
            try await Task.sleep(until: deadline, clock: .continuous)
            return true
        } catch {
            return false
        }
    }

    /// False when the peer is gone (or the stream was reset).
    private func send(_ bytes: [UInt8]) async -> Bool {
        do {
            try await writer.write(bytes)
            return true
        } catch {
            return false
        }
    }

    private func durations() -> OllamaDurations {
        let total = ContinuousClock.now - pace.start
        let nanos = { (d: Duration) in Int(d.components.seconds) * 1_000_000_000 + Int(d.components.attoseconds / 1_000_000_000) }
        let prompt = min(nanos(pace.ttft), nanos(total))
        return OllamaDurations(total: nanos(total), promptEval: prompt, eval: nanos(total) - prompt)
    }

    private func record(_ counter: WritableKeyPath<FaultPlan.Counters, Int>) {
        plan.record(model) { $0[keyPath: counter] += 1 }
    }
}
