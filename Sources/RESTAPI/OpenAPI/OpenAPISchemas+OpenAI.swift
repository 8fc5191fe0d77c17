import JSON

/// The OpenAI-compatible API's bodies (spec §8), in OpenAI's shapes as the gateway writes them.
extension OpenAPISchemas {
    private typealias S = JSONSchema

    static let openAI: [(String, JSONValue)] = [
        ("Model", S.object(["id": S.string, "object": S.oneOf(["model"]), "created": S.integer, "owned_by": S.string],
                           required: ["id", "object", "created", "owned_by"])),
        ("ModelList", S.object(["object": S.oneOf(["list"]), "data": S.array(.ref("Model"))], required: ["object", "data"])),
        ("EmbeddingsRequest", S.object([
            "model": S.string(maxLength: 64, minLength: 1),
            "input": ["oneOf": [S.string(maxLength: 1 << 20, minLength: 1),
                                S.array(S.string(maxLength: 1 << 20, minLength: 1), minItems: 1, maxItems: 2048)]],
            "encoding_format": S.oneOf(["float", "base64"]), "dimensions": S.integer(minimum: 1), "user": S.string,
        ], required: ["model", "input"])),
        ("EmbeddingList", S.object([
            "object": S.oneOf(["list"]),
            "data": S.array(S.object([
                "object": S.oneOf(["embedding"]), "index": S.integer,
                // `encoding_format: base64` answers the little-endian float32 bytes in base64.
                "embedding": ["oneOf": [S.array(S.number), S.string]],
            ], required: ["object", "index", "embedding"])),
            "model": S.string, "usage": S.object(["prompt_tokens": S.integer, "total_tokens": S.integer]),
        ], required: ["object", "data", "model", "usage"])),
        ("CompletionRequest", completionRequest(input: ("prompt", ["oneOf": [
            S.string(maxLength: 1 << 20, minLength: 1), S.array(S.string(maxLength: 1 << 20, minLength: 1), minItems: 1, maxItems: 1),
        ]]))),
        ("ChatCompletionRequest", completionRequest(input: ("messages", S.array(.ref("ChatMessage"), minItems: 1)))),
        ("Completion", S.object([
            "id": S.string, "object": S.oneOf(["text_completion", "chat.completion"]), "created": S.integer, "model": S.string,
            "choices": S.array(S.object([
                "index": S.integer, "text": S.string,
                "message": S.object(["role": S.oneOf(["assistant"]), "content": S.string], required: ["role", "content"]),
                "logprobs": ["type": "null"], "finish_reason": S.string,
            ], required: ["index", "finish_reason"]), minItems: 1, maxItems: 1),
            "usage": .ref("Usage"),
        ], required: ["id", "object", "created", "model", "choices", "usage"])),
        // OpenAI's stream: unnamed events whose data is a chunk as JSON, the last one `[DONE]`.
        ("CompletionChunkEvent", S.object(["event": S.oneOf(["message"]), "data": S.string], required: ["data"])),
        ("FileUpload", S.object(["file": ["type": "string", "contentMediaType": "application/jsonl"],
                                 "purpose": S.oneOf(["batch"])], required: ["file", "purpose"])),
        ("File", S.object([
            "id": S.string, "object": S.oneOf(["file"]), "bytes": S.integer, "created_at": S.integer, "filename": S.string,
            "purpose": S.string, "status": S.string,
        ], required: ["id", "object", "bytes", "created_at", "filename", "purpose", "status"])),
        ("FileDeleted", S.object(["id": S.string, "object": S.oneOf(["file"]), "deleted": S.boolean],
                                 required: ["id", "object", "deleted"])),
        ("BatchRequest", S.object([
            "input_file_id": S.string(maxLength: 128, minLength: 1),
            "endpoint": S.oneOf(["/v1/embeddings", "/v1/completions", "/v1/chat/completions"]),
            "completion_window": S.oneOf(["24h"]), "metadata": ["type": ["object", "null"], "additionalProperties": S.string],
        ], required: ["input_file_id", "endpoint", "completion_window"])),
        ("Batch", S.object([
            "id": S.string, "object": S.oneOf(["batch"]), "endpoint": S.string,
            "errors": ["type": ["object", "null"]], "input_file_id": S.string, "completion_window": S.string,
            "status": S.oneOf(["validating", "failed", "in_progress", "finalizing", "completed", "expired", "cancelling",
                               "cancelled"]),
            "output_file_id": S.nullable("string"), "error_file_id": S.nullable("string"), "created_at": S.integer,
            "request_counts": S.object(["total": S.integer, "completed": S.integer, "failed": S.integer],
                                       required: ["total", "completed", "failed"]),
            "metadata": ["type": ["object", "null"]],
        ], required: ["id", "object", "endpoint", "input_file_id", "completion_window", "status", "created_at",
                      "request_counts"])),
        ("BatchList", S.object([
            "object": S.oneOf(["list"]), "data": S.array(.ref("Batch")), "first_id": S.nullable("string"),
            "last_id": S.nullable("string"), "has_more": S.boolean,
        ], required: ["object", "data", "first_id", "last_id", "has_more"])),
    ]

    /// The OpenAI options the gateway reads; `n` and `best_of` may only be 1.
    private static func completionRequest(input: (String, JSONValue)) -> JSONValue {
        S.object([
            "model": S.string(maxLength: 64, minLength: 1), input.0: input.1,
            "max_tokens": S.nullable("integer"), "temperature": S.nullable("number"), "top_p": S.nullable("number"),
            "stop": ["oneOf": [["type": ["string", "null"]], S.array(S.string, maxItems: 4)]],
            "seed": S.nullable("integer"), "n": ["type": ["integer", "null"], "enum": [1, nil]],
            "stream": S.nullable("boolean"),
            "stream_options": ["type": ["object", "null"], "properties": ["include_usage": S.boolean]],
        ], required: ["model", input.0])
    }
}
