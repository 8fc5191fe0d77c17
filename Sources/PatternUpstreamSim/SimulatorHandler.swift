import GatewayHTTP
import JSON

/// One model server as vLLM (`/v1/embeddings`, `/health`) and Ollama (`/api/embed`,
/// `/api/embeddings`, `/api/tags`) show it, plus `/control` to inject faults.
struct SimulatorHandler: Sendable {
    /// The model this listener serves; nil on the shared port, where the body's `model` decides.
    let fixedModel: String?
    let sizes: [String: Int]
    let plan: FaultPlan

    func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let head = request.head
        switch (head.method, head.path) {
        case ("GET", "/health"):
            let model = fixedModel ?? QueryString.value("model", in: head.query) ?? ""
            writer.respond(status: healthFailing(model) ? 503 : 200)
        case ("GET", "/api/tags"):
            let model = fixedModel ?? QueryString.value("model", in: head.query) ?? ""
            if healthFailing(model) {
                writer.respond(status: 503, headers: Self.json, body: Self.error("model unavailable", status: 503))
                return
            }
            let names = fixedModel.map { [$0] } ?? sizes.keys.sorted()
            let tags: JSONValue = ["models": .array(names.map { ["name": .string($0), "model": .string($0)] })]
            writer.respond(status: 200, headers: Self.json, body: JSON.serialize(tags))
        case ("POST", "/v1/embeddings"), ("POST", "/api/embed"), ("POST", "/api/embeddings"):
            await embed(request, writer)
        case ("GET", "/control"):
            writer.respond(status: 200, headers: Self.json, body: JSON.serialize(controlState()))
        case ("POST", "/control"):
            await control(request, writer)
        default:
            writer.respond(status: 404, headers: Self.json, body: Self.error("no route \(head.path)", status: 404))
        }
    }

    static let json: HTTPHeaders = ["Content-Type": "application/json"]

    /// The shared port's health path names no model (`?model=` may): it stands for the whole
    /// server, kept under the name "" (`"health": "fail"` without a model sets it).
    private func healthFailing(_ model: String) -> Bool {
        plan.countHealthProbe(model)
        let b = plan.behaviour(for: model)
        return b.mode == "fail" || b.healthFailing
    }

    /// vLLM's error body.
    static func error(_ message: String, status: Int) -> [UInt8] {
        JSON.serialize(["object": "error", "message": .string(message), "type": status == 400 ? "BadRequestError" : "ServiceUnavailableError",
                        "code": .number(JSONNumber(status))])
    }

    private func embed(_ request: Request, _ writer: any ResponseWriter) async {
        let path = request.head.path
        guard let bytes = try? await request.body.collect(upTo: 64 << 20),
              let body = try? JSON.parse(bytes), let object = body.objectValue else {
            writer.respond(status: 400, headers: Self.json, body: Self.error("body must be a JSON object", status: 400))
            return
        }
        let requestedModel = object["model"]?.stringValue ?? ""
        let model = fixedModel ?? requestedModel
        guard let size = sizes[model] ?? (fixedModel == nil ? nil : sizes[fixedModel!]) else {
            writer.respond(status: 404, headers: Self.json, body: Self.error("model \"\(model)\" not found", status: 404))
            return
        }
        let texts: [String]
        if path == "/api/embeddings" {
            guard let prompt = object["prompt"]?.stringValue else {
                writer.respond(status: 400, headers: Self.json, body: Self.error("prompt is required", status: 400))
                return
            }
            texts = [prompt]
        } else if let one = object["input"]?.stringValue {
            texts = [one]
        } else if let many = object["input"]?.arrayValue, !many.isEmpty, many.allSatisfy({ $0.stringValue != nil }) {
            texts = many.compactMap(\.stringValue)
        } else {
            writer.respond(status: 400, headers: Self.json, body: Self.error("input must be a string or a non-empty list of strings", status: 400))
            return
        }

        let b = plan.behaviour(for: model)
        let delay = max(0, b.latencyMilliseconds + (plan.random() * 2 - 1) * b.jitterMilliseconds)
        if b.mode == "hang" {
            try? await Task.sleep(for: .seconds(3600))
            return
        }
        if delay > 0 { try? await Task.sleep(for: .microseconds(Int(delay * 1000))) }
        let transient = plan.takeTransientFailure(model)
        if transient || b.mode == "fail" || (b.errorRate > 0 && plan.random() < b.errorRate) {
            plan.count(model, texts: texts.count, failed: true)
            var headers = Self.json
            if let ra = b.retryAfter { headers.add("Retry-After", String(ra)) }
            let status = b.mode == "fail" || transient ? b.failStatus : 503
            writer.respond(status: status, headers: headers, body: Self.error("injected failure", status: status))
            return
        }
        plan.count(model, texts: texts.count, failed: false)
        let dims = b.mode == "wrong_dimensions" ? max(1, size / 2) : size
        let vectors = texts.map { Embedder.embedding(model: model, text: $0, size: dims) }
        writer.respond(status: 200, headers: Self.json,
                       body: Self.encode(path: path, model: requestedModel.isEmpty ? model : requestedModel, vectors: vectors,
                                         tokens: texts.reduce(0) { $0 + max(1, $1.utf8.count / 4) }))
    }

    static func encode(path: String, model: String, vectors: [[Float]], tokens: Int) -> [UInt8] {
        var w = JSONWriter(capacity: vectors.count * (vectors.first?.count ?? 0) * 12 + 128)
        w.beginObject()
        switch path {
        case "/v1/embeddings":
            w.key("object"); w.string("list")
            w.key("data")
            w.beginArray()
            for (i, v) in vectors.enumerated() {
                w.beginObject()
                w.key("object"); w.string("embedding")
                w.key("index"); w.number(i)
                w.key("embedding"); floats(&w, v)
                w.endObject()
            }
            w.endArray()
            w.key("model"); w.string(model)
            w.key("usage")
            w.beginObject()
            w.key("prompt_tokens"); w.number(tokens)
            w.key("total_tokens"); w.number(tokens)
            w.endObject()
        case "/api/embed":
            w.key("model"); w.string(model)
            w.key("embeddings")
            w.beginArray()
            for v in vectors { floats(&w, v) }
            w.endArray()
        default:
            w.key("embedding"); floats(&w, vectors[0])
        }
        w.endObject()
        return w.bytes
    }

    private static func floats(_ w: inout JSONWriter, _ v: [Float]) {
        w.beginArray()
        for x in v { w.number(x) }
        w.endArray()
    }

    private func controlState() -> JSONValue {
        let counters = plan.counters()
        var models = JSONObject()
        for name in (fixedModel.map { [$0] } ?? sizes.keys.sorted()) {
            let b = plan.behaviour(for: name)
            let c = counters[name] ?? FaultPlan.Counters()
            models.set(name, [
                "mode": .string(b.mode), "latency_ms": .number(JSONNumber(b.latencyMilliseconds) ?? JSONNumber(0)),
                "error_rate": .number(JSONNumber(b.errorRate) ?? JSONNumber(0)),
                "embed_calls": .number(JSONNumber(c.embedCalls)), "texts": .number(JSONNumber(c.texts)),
                "failures": .number(JSONNumber(c.failures)), "vector_size": .number(JSONNumber(sizes[name] ?? 0)),
                "health": .string(b.mode == "fail" || b.healthFailing ? "fail" : "ok"),
                "health_probes": .number(JSONNumber(c.healthProbes)),
                "fail_next": .number(JSONNumber(b.failNext)),
                "call_sizes": .array(c.callSizes.map { .number(JSONNumber($0)) }),
            ])
        }
        let server = plan.behaviour(for: "")
        return ["models": .object(models),
                "server": ["health": .string(server.healthFailing ? "fail" : "ok"),
                           "health_probes": .number(JSONNumber(counters[""]?.healthProbes ?? 0))]]
    }

    /// `{"model": "phi3" | "*", "mode": "ok|fail|hang|wrong_dimensions|recover", "status": 503,
    /// "retry_after": 2, "latency_ms": 50, "jitter_ms": 5, "error_rate": 0.1, "fail_next": 1,
    /// "health": "fail|ok", "reset_counters": true}`. `fail_next` fails that many calls with
    /// `status`, then heals; `health` sets the health path alone (without a model on the shared
    /// port: the server's own, which a probe without `?model=` reads).
    private func control(_ request: Request, _ writer: any ResponseWriter) async {
        guard let bytes = try? await request.body.collect(upTo: 1 << 20), let body = try? JSON.parse(bytes),
              let o = body.objectValue else {
            writer.respond(status: 400, headers: Self.json, body: Self.error("body must be a JSON object", status: 400))
            return
        }
        let target = o["model"]?.stringValue ?? fixedModel ?? "*"
        var names = target == "*" ? (fixedModel.map { [$0] } ?? sizes.keys.sorted()) : [target]
        if fixedModel == nil, o["model"] == nil, o["health"] != nil { names.append("") }
        if let h = o["health"]?.stringValue, h != "ok", h != "fail" {
            writer.respond(status: 400, headers: Self.json, body: Self.error("health must be ok or fail", status: 400))
            return
        }
        if let mode = o["mode"]?.stringValue, !["ok", "fail", "hang", "wrong_dimensions", "recover"].contains(mode) {
            writer.respond(status: 400, headers: Self.json, body: Self.error("unknown mode \(mode)", status: 400))
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
            }
        }
        if o["reset_counters"]?.boolValue == true { plan.resetCounters() }
        writer.respond(status: 200, headers: Self.json, body: JSON.serialize(controlState()))
    }
}
