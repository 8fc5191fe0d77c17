import GatewayCore
import GatewayHTTP
import JSON

/// Text generation as vLLM (`/v1/completions`, `/v1/chat/completions`) and Ollama
/// (`/api/generate`, `/api/chat`) serve it: reads the call, answers bad input and the faults
/// that strike before the first token, then hands the answer to `GenerationAnswer`.
///
/// Runs on: the request's handler task, which prefers the connection's event loop; it only
/// awaits (the body, sleeps, writes), never blocks the thread.
struct GenerationHandler: Sendable {
    /// The model this listener serves; nil on the shared port, where the body's `model` decides.
    let fixedModel: String?
    let models: Set<String>
    let plan: FaultPlan

    func handle(_ route: GenerationRoute, _ request: Request, _ writer: any ResponseWriter) async {
        let arrived = ContinuousClock.now
        guard let bytes = try? await request.body.collect(upTo: 16 << 20),
              let body = try? JSON.parse(bytes), let object = body.objectValue else {
            return reject(route, 400, "body must be a JSON object", writer)
        }
        let named = object["model"]?.stringValue ?? ""
        let model = fixedModel ?? named
        guard models.contains(model) else {
            let message = route.dialect == .openai ? "The model `\(named)` does not exist."
                                                   : "model \"\(named)\" not found, try pulling it first"
            return reject(route, 404, message, writer)
        }
        let headers = request.head.headers
        plan.record(model) {
            $0.lastGenerateRequest = body
            $0.lastTraceparent = headers["traceparent"]
            $0.lastTracestate = headers["tracestate"]
        }
        let call: GenerationRequest
        do throws(BadGenerationRequest) {
            call = try GenerationRequest(route: route, body: object)
        } catch {
            return reject(route, 400, error.message, writer)
        }
        plan.record(model) { $0.generateCalls += 1 }

        let b = plan.behaviour(for: model)
        let generation = Generator.generate(model: model, prompt: call.prompt, seed: call.seed,
                                            maxTokens: call.maxTokens, stop: call.stop)
        let now = SystemWallClock().wallTime()
        let idPrefix = route.kind == .chat ? "chatcmpl-" : "cmpl-"
        let context = AnswerContext(request: call, model: named.isEmpty ? model : named, id: idPrefix + Self.uuidHex(),
                                    created: Int(now.seconds), createdAt: now.rfc3339)
        let answer = GenerationAnswer(context: context, generation: generation, pace: TokenPace(start: arrived, b),
                                      behaviour: b, plan: plan, model: model, writer: writer)
        if b.mode == "hang" {
            return await answer.waitForClientToLeave()
        }
        // The same failures as embed calls, and like them before any answer has begun.
        let transient = plan.takeTransientFailure(model)
        if transient || b.mode == "fail" || (b.errorRate > 0 && plan.random() < b.errorRate) {
            plan.record(model) { $0.generateFailures += 1 }
            var headers = SimulatorHandler.json
            if let ra = b.retryAfter { headers.add("Retry-After", String(ra)) }
            let status = b.mode == "fail" || transient ? b.failStatus : 503
            return writer.respond(status: status, headers: headers, body: Self.errorBody(route, status, "injected failure"))
        }
        if call.stream {
            await answer.stream()
        } else {
            await answer.whole()
        }
    }

    private func reject(_ route: GenerationRoute, _ status: Int, _ message: String, _ writer: any ResponseWriter) {
        writer.respond(status: status, headers: SimulatorHandler.json, body: Self.errorBody(route, status, message))
    }

    /// vLLM's error object, or Ollama's `{"error": "…"}`.
    static func errorBody(_ route: GenerationRoute, _ status: Int, _ message: String) -> [UInt8] {
        route.dialect == .openai ? ErrorBodies.vLLM(message, status: status) : ErrorBodies.ollama(message)
    }

    /// A uuid4's 32 hex digits, as vLLM's `random_uuid()` writes them.
    private static func uuidHex() -> String {
        var g = SystemRandomNumberGenerator()
        return [g.next(), g.next()].map { (x: UInt64) in
            let hex = String(x, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
