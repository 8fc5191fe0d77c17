import GatewayHTTP
import JSON

/// `/control`: what tests and demos ask of each model, and what each model has served.
extension SimulatorHandler {
    func controlState() -> JSONValue {
        let counters = plan.counters()
        var models = JSONObject()
        for name in (fixedModel.map { [$0] } ?? sizes.keys.sorted()) {
            let b = plan.behaviour(for: name)
            let c = counters[name] ?? FaultPlan.Counters()
            var entry: JSONObject = [
                "mode": .string(b.mode), "latency_ms": .number(JSONNumber(b.latencyMilliseconds) ?? JSONNumber(0)),
                "error_rate": .number(JSONNumber(b.errorRate) ?? JSONNumber(0)),
                "embed_calls": .number(JSONNumber(c.embedCalls)), "texts": .number(JSONNumber(c.texts)),
                "failures": .number(JSONNumber(c.failures)), "vector_size": .number(JSONNumber(sizes[name] ?? 0)),
                "health": .string(b.mode == "fail" || b.healthFailing ? "fail" : "ok"),
                "health_probes": .number(JSONNumber(c.healthProbes)),
                "fail_next": .number(JSONNumber(b.failNext)),
                "call_sizes": .array(c.callSizes.map { .number(JSONNumber($0)) }),
                "last_traceparent": c.lastTraceparent.map(JSONValue.string) ?? .null,
                "last_tracestate": c.lastTracestate.map(JSONValue.string) ?? .null,
            ]
            entry.fields += Self.generationState(b, c).fields
            models.set(name, .object(entry))
        }
        let server = plan.behaviour(for: "")
        return ["models": .object(models),
                "server": ["health": .string(server.healthFailing ? "fail" : "ok"),
                           "health_probes": .number(JSONNumber(counters[""]?.healthProbes ?? 0))]]
    }

    /// Generation's pace, faults and counters, beside the embed ones.
    private static func generationState(_ b: FaultPlan.Behaviour, _ c: FaultPlan.Counters) -> JSONObject {
        func number(_ x: Double) -> JSONValue { .number(JSONNumber(x) ?? JSONNumber(0)) }
        func count(_ n: Int?) -> JSONValue { n.map { .number(JSONNumber($0)) } ?? .null }
        return [
            "ttft_ms": number(b.ttftMilliseconds), "tokens_per_second": number(b.tokensPerSecond),
            "slow_tokens_ms": number(b.slowTokensMilliseconds), "cut_after_tokens": count(b.cutAfterTokens),
            "stall_after_tokens": count(b.stallAfterTokens), "error_event_after_tokens": count(b.errorEventAfterTokens),
            "generate_calls": count(c.generateCalls), "streams_started": count(c.streamsStarted),
            "streams_completed": count(c.streamsCompleted), "tokens_sent": count(c.tokensSent),
            "abandoned": count(c.abandoned), "generate_failures": count(c.generateFailures),
            "last_generate_request": c.lastGenerateRequest ?? .null,
        ]
    }

    /// `{"model": "phi3" | "*", "mode": "ok|fail|hang|wrong_dimensions|recover", "status": 503,
    /// "retry_after": 2, "latency_ms": 50, "jitter_ms": 5, "error_rate": 0.1, "fail_next": 1,
    /// "health": "fail|ok", "reset_counters": true}`, and for generation `"ttft_ms": 20,
    /// "tokens_per_second": 200, "slow_tokens_ms": 0, "cut_after_tokens": 3,
    /// "stall_after_tokens": 3, "error_event_after_tokens": 3` (null clears one). `fail_next`
    /// fails that many calls with `status`, then heals; `health` sets the health path alone
    /// (without a model on the shared port: the server's own, which a probe without `?model=`
    /// reads); `recover` puts everything back to the command line's defaults.
    func control(_ request: Request, _ writer: any ResponseWriter) async {
        guard let bytes = try? await request.body.collect(upTo: 1 << 20), let body = try? JSON.parse(bytes),
              let o = body.objectValue else {
            writer.respond(status: 400, headers: Self.json, body: Self.error("body must be a JSON object", status: 400))
            return
        }
        let target = o["model"]?.stringValue ?? fixedModel ?? "*"
        var names = target == "*" ? (fixedModel.map { [$0] } ?? sizes.keys.sorted()) : [target]
        if fixedModel == nil, o["model"] == nil, o["health"] != nil { names.append("") }
        if let problem = Self.invalidControl(o) {
            writer.respond(status: 400, headers: Self.json, body: Self.error(problem, status: 400))
            return
        }
        for name in names {
            if o["mode"]?.stringValue == "recover" {
                plan.reset(name)
                continue
            }
            plan.set(name) { b in
                if let m = o["mode"]?.stringValue { b.mode = m }
                if let s = o["status"]?.intValue { b.failStatus = s }
                if let r = o["retry_after"]?.intValue { b.retryAfter = r }
                if let l = o["latency_ms"]?.doubleValue { b.latencyMilliseconds = l }
                if let j = o["jitter_ms"]?.doubleValue { b.jitterMilliseconds = j }
                if let e = o["error_rate"]?.doubleValue { b.errorRate = e }
                if let n = o["fail_next"]?.intValue { b.failNext = max(0, n) }
                if let h = o["health"]?.stringValue { b.healthFailing = h == "fail" }
                if let t = o["ttft_ms"]?.doubleValue { b.ttftMilliseconds = t }
                if let r = o["tokens_per_second"]?.doubleValue { b.tokensPerSecond = r }
                if let s = o["slow_tokens_ms"]?.doubleValue { b.slowTokensMilliseconds = s }
                if let v = o["cut_after_tokens"] { b.cutAfterTokens = v.intValue }
                if let v = o["stall_after_tokens"] { b.stallAfterTokens = v.intValue }
                if let v = o["error_event_after_tokens"] { b.errorEventAfterTokens = v.intValue }
            }
        }
        if o["reset_counters"]?.boolValue == true { plan.resetCounters() }
        writer.respond(status: 200, headers: Self.json, body: JSON.serialize(controlState()))
    }

    /// Checked before anything changes, so a bad body changes nothing.
    private static func invalidControl(_ o: JSONObject) -> String? {
        if let h = o["health"]?.stringValue, h != "ok", h != "fail" { return "health must be ok or fail" }
        if let mode = o["mode"]?.stringValue, !["ok", "fail", "hang", "wrong_dimensions", "recover"].contains(mode) {
            return "unknown mode \(mode)"
        }
        for key in ["ttft_ms", "slow_tokens_ms"] {
            if let v = o[key], !((v.doubleValue ?? -1) >= 0) { return "\(key) must be a number ≥ 0" }
        }
        if let v = o["tokens_per_second"], !((v.doubleValue ?? 0) > 0 && v.doubleValue!.isFinite) {
            return "tokens_per_second must be a number > 0"
        }
        for key in ["cut_after_tokens", "stall_after_tokens", "error_event_after_tokens"] {
            if let v = o[key], !v.isNull, !((v.intValue ?? -1) >= 0) { return "\(key) must be an integer ≥ 0 or null" }
        }
        return nil
    }
}
