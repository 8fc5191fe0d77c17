import JSON

/// The documentation of every route of `RouteTable.gateway`, keyed `"<METHOD> <pattern>"`. A
/// route missing here is listed by `OpenAPIDocument.undocumented` (a test keeps that empty); a
/// `HEAD` is documented by its `GET`. The error statuses are the ones the handlers really return:
/// read them off the handler when a route changes.
extension APIOperation {
    /// Statuses of a call that reaches a model: a bad body, an unknown model, a body over the
    /// limits, a full queue, and the upstream's failures (spec §2).
    static let modelCallErrors = [400, 404, 413, 429, 502, 503, 504]

    static let gateway: [String: APIOperation] = {
        var all: [String: APIOperation] = [:]
        for (key, operation) in operations + openAI + batch {
            precondition(all.updateValue(operation, forKey: key) == nil, "\(key) is documented twice")
        }
        return all
    }()

    private static let operations: [(String, APIOperation)] = [
        ("GET /health", APIOperation(id: "health", summary: "Liveness: the process answers",
                                     answers: [.json(200, "alive", "Health")])),
        ("GET /", dashboard(id: "dashboardPage", summary: "The dashboard page; its live data comes from /graphql",
                            mediaType: "text/html")),
        ("GET /dashboard/app.js", dashboard(id: "dashboardScript", summary: "The dashboard page's script",
                                            mediaType: "text/javascript")),
        ("GET /dashboard/style.css", dashboard(id: "dashboardStyle", summary: "The dashboard page's style sheet",
                                               mediaType: "text/css")),
        ("GET /ready", APIOperation(id: "ready", summary: "Readiness: Redis and the vector store reachable when configured",
                                    answers: [.json(200, "ready", "Readiness"), .json(503, "a dependency is down", "Readiness")])),
        ("GET /metrics", APIOperation(id: "metrics", summary: "Prometheus metrics (text format 0.0.4)", answers: [
            APIAnswer(status: 200, description: "the metrics", content: [("text/plain", JSONSchema.string)]),
        ])),
        ("GET /openapi.json", APIOperation(id: "openAPIDocument", summary: "This document", answers: [
            APIAnswer(status: 200, description: "the OpenAPI 3.1 document", content: [("application/json", JSONSchema.anyObject)]),
        ])),
        ("POST /api/v1/external/{model}/embed", APIOperation(
            id: "embed", summary: "Embed texts through the model's pattern (real_time, hybrid or bulk_only)",
            body: .json("EmbedRequest", example: ["text": "hello", "urgent": true]),
            answers: [.json(200, "the embedding(s), computed now", "EmbedResult"), .json(202, "queued", "Queued")],
            errors: modelCallErrors)),
        ("POST /api/v1/external/{model}/generate", generation(id: "generate", summary: "Generate text from a prompt",
                                                              request: "GenerateRequest", example: ["prompt": "Say hi"])),
        ("POST /api/v1/external/{model}/chat", generation(id: "chat", summary: "Answer a chat", request: "ChatRequest",
                                                          example: ["messages": [["role": "user", "content": "Hi"]]])),
        ("GET /api/v1/external/batch/{batch_id}", APIOperation(
            id: "getBatch", summary: "A queued job's state and, once completed, its embeddings or outputs",
            answers: [.json(200, "the job", "BatchRecord")], errors: [404, 503])),
        ("GET /api/v1/external/batch/queue/status", APIOperation(
            id: "queueStatus", summary: "The bulk queue's jobs and throughput", answers: [.json(200, "the queue", "QueueStatus")])),
        ("GET /api/v1/external/patterns/status", APIOperation(
            id: "patternsStatus", summary: "Each pattern's models, traffic and circuit breakers",
            answers: [.json(200, "the patterns", "PatternsStatus")])),
        ("GET /api/v1/external/patterns/metrics", APIOperation(
            id: "patternMetrics", summary: "Requests, errors, latency and cache per model",
            answers: [.json(200, "the metrics", "ModelReport")])),
        ("POST /api/v1/external/test/failover", APIOperation(
            id: "simulateFailover", summary: "Drive a model's breaker through open, half_open and closed on a probe path",
            body: .json("FailoverRequest", example: ["model": "phi3", "simulate_failure": true]),
            answers: [.json(200, "the breaker's steps", "FailoverReport")], errors: [400, 404])),
        ("POST /api/v1/patterns/{model}/ingest", APIOperation(
            id: "ingest", summary: "Store vectors, or texts embedded through the model's pattern first",
            body: .json("IngestRequest", example: ["texts": ["hello"], "urgent": true]),
            answers: [.json(200, "stored", "Ingested"), .json(202, "texts queued for embedding", "Queued")],
            errors: modelCallErrors)),
        ("POST /api/v1/patterns/{model}/search", search(id: "search")),
        ("POST /api/v1/models/{model}/search", search(id: "searchModel")),
        ("GET /api/v1/patterns/status", APIOperation(
            id: "vectorStatus", summary: "The vector store and each model's points",
            answers: [.json(200, "the store", "VectorStatus")])),
        ("GET /api/v1/patterns/health", APIOperation(
            id: "vectorHealth", summary: "Upstream and store health per model",
            answers: [.json(200, "every model ok", "VectorHealth"), .json(503, "some model down", "VectorHealth")])),
        ("GET /api/v1/patterns/metrics", APIOperation(
            id: "vectorMetrics", summary: "Ingest and search metrics per model", answers: [.json(200, "the metrics", "ModelReport")])),
        ("POST /api/v1/patterns/test/all-models", APIOperation(
            id: "selfTest", summary: "Probe, embed and search round trip on every model",
            answers: [.json(200, "per model results", "SelfTest")])),
        ("GET /api/v1/optimizations/status", APIOperation(
            id: "optimizations", summary: "The effective settings of every model", answers: [.json(200, "the settings", "ModelReport")])),
    ]

    /// A file of the page, revalidated by its ETag on every load.
    private static func dashboard(id: String, summary: String, mediaType: String) -> APIOperation {
        APIOperation(id: id, summary: summary, answers: [
            APIAnswer(status: 200, description: "the file", content: [(mediaType, JSONSchema.string)]),
            APIAnswer(status: 304, description: "unchanged since the ETag given in If-None-Match", content: []),
        ])
    }

    private static func generation(id: String, summary: String, request: String, example: JSONValue) -> APIOperation {
        APIOperation(id: id, summary: summary, body: .json(request, example: example), answers: [
            APIAnswer(status: 200, description: "the answer; with `stream: true` Server-Sent Events `start`, `delta`…, `done` "
                      + "(or `error` midway)", content: [("application/json", .ref("Generation")), ("text/event-stream", .ref("GenerationEvent"))]),
            .json(202, "queued (bulk_only, or hybrid and not urgent)", "Queued"),
        ], errors: modelCallErrors)
    }

    private static func search(id: String) -> APIOperation {
        APIOperation(id: id, summary: "Nearest points by cosine similarity, to a vector or to a text embedded first",
                     body: .json("SearchRequest", example: ["query": "hello", "limit": 3]),
                     answers: [.json(200, "the hits, best first", "SearchResult")], errors: modelCallErrors)
    }
}

extension APIOperation.RequestBody {
    static func json(_ schema: String, example: JSONValue) -> Self {
        Self(mediaType: "application/json", schema: .ref(schema), example: example)
    }
}
