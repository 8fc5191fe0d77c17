import GatewayHTTP
import JSON

/// One model server as vLLM (`/v1/embeddings`, `/health`) and Ollama (`/api/embed`,
/// `/api/embeddings`, `/api/tags`) show it, plus `/control` to inject faults; generation
/// (`/v1/completions`, `/v1/chat/completions`, `/api/generate`, `/api/chat`) is
/// `GenerationHandler`'s.
struct SimulatorHandler: Sendable {
    /// The model this listener serves; nil on the shared port, where the body's `model` decides.
    let fixedModel: String?
    let sizes: [String: Int]
    let plan: FaultPlan
    private let generation: GenerationHandler

    init(fixedModel: String?, sizes: [String: Int], plan: FaultPlan) {
        self.fixedModel = fixedModel
        self.sizes = sizes
        self.plan = plan
        generation = GenerationHandler(fixedModel: fixedModel, models: Set(sizes.keys), plan: plan)
    }

    func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let head = request.head
        if head.method == "POST", let route = GenerationRoute(path: head.path) {
            return await generation.handle(route, request, writer)
        }
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

    /// vLLM's error body, which the embed routes and `/control` answer with.
    static func error(_ message: String, status: Int) -> [UInt8] {
        ErrorBodies.vLLM(message, status: status)
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

        let headers = request.head.headers
        plan.record(model) {
            $0.lastTraceparent = headers["traceparent"]
            $0.lastTracestate = headers["tracestate"]
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
}
