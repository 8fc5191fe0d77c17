import JSON

/// `components.schemas`: the bodies of the REST API (spec §2, §3, §7) and of the
/// OpenAI-compatible API (spec §8), as the encoders write them. Members the encoders always
/// write are `required`, so a validating client (and schemathesis) notices one that goes missing.
enum OpenAPISchemas {
    private typealias S = JSONSchema

    static var all: JSONValue {
        .object(JSONObject((errors + external + generation + vectors + status + openAI).map { (key: $0.0, value: $0.1) }))
    }

    /// Spec §2's error and OpenAI's: which one a path answers with is its `ErrorDialect`.
    static let errors: [(String, JSONValue)] = [
        ("GatewayError", S.object([
            "error": S.object(["code": S.string, "message": S.string, "details": S.map(S.string)],
                              required: ["code", "message", "details"]),
            "request_id": S.string,
        ], required: ["error", "request_id"])),
        ("OpenAIError", S.object([
            "error": S.object(["message": S.string, "type": S.string, "param": S.nullable("string"),
                               "code": S.nullable("string")], required: ["message", "type", "param", "code"]),
        ], required: ["error"])),
    ]

    static let external: [(String, JSONValue)] = [
        ("Health", S.object(["status": S.oneOf(["ok"])], required: ["status"])),
        ("Readiness", S.object(["status": S.oneOf(["ready", "degraded"]), "checks": S.map(S.object(
            ["status": S.oneOf(["ok", "down"]), "error": S.string], required: ["status"]))], required: ["status", "checks"])),
        // The limits are spec §2's, kept small here so generated examples stay quick to embed.
        ("EmbedRequest", S.exactlyOneOf(["text", "texts"], in: S.object([
            "text": S.string(maxLength: 1 << 20, minLength: 1),
            "texts": S.array(S.string(maxLength: 1 << 20, minLength: 1), minItems: 1, maxItems: 10_000),
            "urgent": S.boolean, "batch": S.boolean, "priority": S.integer,
        ]))),
        ("EmbedResult", S.object([
            "embedding": S.array(S.number), "embeddings": S.array(S.array(S.number)),
            "model": S.string, "pattern": S.oneOf(["real_time", "hybrid", "bulk_only"]),
            "processing_mode": S.oneOf(["real_time"]), "processing_time_ms": S.number, "cached": S.boolean,
            "endpoint": S.string, "metadata": S.object(["pattern_type": S.string, "urgent": S.boolean,
                                                         "processed_at": S.dateTime]),
        ], required: ["model", "pattern", "processing_mode", "processing_time_ms", "cached", "endpoint", "metadata"])),
        ("Queued", S.object([
            "status": S.oneOf(["queued"]), "model": S.string, "pattern": S.oneOf(["hybrid", "bulk_only"]),
            "processing_mode": S.oneOf(["bulk"]), "batch_id": S.string, "items_count": S.integer(minimum: 1),
            "queue_position": S.integer, "estimated_completion": S.dateTime, "degraded": S.boolean,
            "metadata": S.object(["pattern_type": S.string, "urgent": S.boolean, "batch_size": S.integer,
                                  "queued_at": S.dateTime]),
            "ids": S.array(S.string),
        ], required: ["status", "model", "pattern", "processing_mode", "batch_id", "items_count", "queue_position",
                      "estimated_completion", "metadata"])),
        ("BatchRecord", S.object([
            "batch_id": S.string, "model": S.string, "status": S.oneOf(["queued", "processing", "completed", "failed"]),
            "items_count": S.integer, "completed_items": S.integer, "embeddings": S.array(S.array(S.number)),
            "outputs": S.array(.ref("GeneratedText")), "error": S.string, "attempts": S.integer,
            "degraded": S.boolean, "queued_at": S.dateTime, "completed_at": S.nullable("string"),
        ], required: ["batch_id", "model", "status", "items_count", "completed_items", "attempts", "queued_at",
                      "completed_at"])),
        ("FailoverRequest", S.object(["model": S.string(maxLength: 64, minLength: 1), "simulate_failure": S.boolean],
                                     required: ["model"])),
        ("FailoverReport", S.object([
            "model": S.string, "steps": S.array(S.object(["state": S.string, "at": S.dateTime], required: ["state", "at"])),
            "fast_fail_ms": S.number, "recovered": S.boolean,
        ], required: ["model", "steps", "fast_fail_ms", "recovered"])),
    ]

    static let generation: [(String, JSONValue)] = [
        ("Usage", S.object(["prompt_tokens": S.integer, "completion_tokens": S.integer, "total_tokens": S.integer],
                           required: ["prompt_tokens", "completion_tokens", "total_tokens"])),
        ("ChatMessage", S.object(["role": S.oneOf(["system", "user", "assistant"]), "content": S.string(maxLength: 1 << 20)],
                                 required: ["role", "content"])),
        ("GenerateRequest", generateRequest(input: ("prompt", S.string(maxLength: 1 << 20, minLength: 1)))),
        ("ChatRequest", generateRequest(input: ("messages", S.array(.ref("ChatMessage"), minItems: 1)))),
        ("GeneratedText", S.object([
            "text": S.string, "finish_reason": S.string, "usage": .ref("Usage"),
            "message": S.object(["role": S.oneOf(["assistant"]), "content": S.string], required: ["role", "content"]),
        ], required: ["text", "finish_reason", "usage"])),
        ("Generation", ["allOf": [.ref("GeneratedText"), S.object([
            "model": S.string, "pattern": S.string, "processing_mode": S.oneOf(["real_time"]),
            "processing_time_ms": S.number, "endpoint": S.string, "cached": S.boolean, "metadata": S.anyObject,
        ], required: ["model", "pattern", "processing_mode", "processing_time_ms", "endpoint", "cached"])]]),
        // One Server-Sent Event of a streamed answer, as a reader of the stream parses it.
        ("GenerationEvent", S.object([
            "event": S.oneOf(["start", "delta", "done", "error"]),
            "data": ["type": "string", "contentMediaType": "application/json"],
        ], required: ["event", "data"])),
    ]

    /// Spec §7's options; `stream` asks for Server-Sent Events.
    private static func generateRequest(input: (String, JSONValue)) -> JSONValue {
        S.object([
            input.0: input.1, "max_tokens": S.integer(minimum: 1, maximum: 4096), "temperature": S.number,
            "top_p": S.number, "stop": ["oneOf": [S.string, S.array(S.string, maxItems: 4)]],
            "seed": S.integer(minimum: 0), "stream": S.boolean, "urgent": S.boolean, "batch": S.boolean,
            "priority": S.integer,
        ], required: [input.0])
    }

    static let vectors: [(String, JSONValue)] = [
        ("Payload", S.map(S.string)),
        ("IngestRequest", S.exactlyOneOf(["vectors", "texts"], in: S.object([
            "vectors": S.array(["oneOf": [
                S.object(["id": ["type": ["string", "integer"]], "vector": S.array(S.number, minItems: 1, maxItems: 4096),
                          "payload": .ref("Payload")], required: ["vector"]),
                S.array(S.number, minItems: 1, maxItems: 4096),
            ]], minItems: 1, maxItems: 10_000),
            "texts": S.array(S.string(maxLength: 1 << 20, minLength: 1), minItems: 1, maxItems: 10_000),
            "payloads": S.array(.ref("Payload")), "ids": S.array(S.string),
            "urgent": S.boolean, "priority": S.integer,
        ]))),
        ("Ingested", S.object(["status": S.oneOf(["ok"]), "model": S.string, "ingested": S.integer, "ids": S.array(S.string)],
                              required: ["status", "model", "ingested", "ids"])),
        ("SearchRequest", S.exactlyOneOf(["query_vector", "query"], in: S.object([
            "query_vector": S.array(S.number, minItems: 1, maxItems: 4096), "query": S.string(maxLength: 1 << 20, minLength: 1),
            "limit": S.integer(minimum: 1, maximum: 1000), "filter": .ref("Payload"), "score_threshold": S.number,
            "ef": S.integer(minimum: 1, maximum: 10_000), "exact": S.boolean,
        ]))),
        ("SearchResult", S.object([
            "model": S.string,
            "results": S.array(S.object(["id": S.string, "score": S.number, "payload": .ref("Payload")],
                                        required: ["id", "score", "payload"])),
            "cached": S.boolean, "took_ms": S.number,
        ], required: ["model", "results", "cached", "took_ms"])),
    ]

    /// The reports are keyed by model name: their members are the configuration's.
    static let status: [(String, JSONValue)] = [
        ("PatternsStatus", S.object(["patterns": S.anyObject, "circuit_breakers": S.anyObject],
                                    required: ["patterns", "circuit_breakers"])),
        ("QueueStatus", S.object(["queue_status": S.anyObject, "processing_stats": S.anyObject, "model_queues": S.anyObject],
                                 required: ["queue_status", "processing_stats", "model_queues"])),
        ("ModelReport", S.object(["models": S.map(S.anyObject)], required: ["models"])),
        ("VectorStatus", S.object(["store": S.string, "models": S.map(S.anyObject)], required: ["store", "models"])),
        ("VectorHealth", S.object(["status": S.oneOf(["ok", "degraded"]), "models": S.map(S.object(
            ["upstream": S.oneOf(["ok", "down"]), "store": S.oneOf(["ok", "down"])], required: ["upstream", "store"]))],
            required: ["status", "models"])),
        ("SelfTest", S.object(["models": S.map(S.anyObject), "passed": S.integer, "failed": S.integer],
                              required: ["models", "passed", "failed"])),
    ]
}
