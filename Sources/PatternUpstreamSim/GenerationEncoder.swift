import JSON

/// What every frame of one answer repeats: the ids and stamps vLLM and Ollama put in each chunk.
struct AnswerContext: Sendable {
    var request: GenerationRequest
    /// The model name echoed back (the body's, or the listener's when the body named none).
    var model: String
    /// "cmpl-…" / "chatcmpl-…": vLLM's prefix and a random 32-hex-digit uuid.
    var id: String
    /// Unix seconds (openai `created`).
    var created: Int
    /// RFC 3339 (ollama `created_at`).
    var createdAt: String
}

/// Ollama's timings, in nanoseconds.
struct OllamaDurations: Sendable {
    var total: Int
    var promptEval: Int
    var eval: Int
}

/// The bytes of whole answers, stream frames and error bodies in both dialects; no I/O.
enum GenerationEncoder {
    // MARK: openai (vLLM)

    static func openAIWhole(_ c: AnswerContext, _ g: Generation) -> [UInt8] {
        var w = openAIHeader(c, chunk: false)
        w.key("choices")
        w.beginArray()
        w.beginObject()
        w.key("index"); w.number(0)
        if c.request.route.kind == .chat {
            w.key("message")
            w.beginObject()
            w.key("role"); w.string("assistant")
            w.key("content"); w.string(g.text)
            w.endObject()
        } else {
            w.key("text"); w.string(g.text)
        }
        w.key("logprobs"); w.null()
        w.key("finish_reason"); w.string(g.finishReason)
        w.key("stop_reason"); optional(&w, g.stopString)
        w.endObject()
        w.endArray()
        usage(&w, g)
        w.endObject()
        return w.bytes
    }

    /// One `data:` event with one choice: `piece` as chat `delta.content` or completion `text`;
    /// `role` adds chat's opening `"role":"assistant"`.
    static func openAIChunk(_ c: AnswerContext, piece: String, role: Bool = false, finishReason: String? = nil,
                            stopString: String? = nil) -> [UInt8] {
        var w = openAIHeader(c, chunk: true)
        w.key("choices")
        w.beginArray()
        w.beginObject()
        w.key("index"); w.number(0)
        if c.request.route.kind == .chat {
            w.key("delta")
            w.beginObject()
            if role { w.key("role"); w.string("assistant") }
            w.key("content"); w.string(piece)
            w.endObject()
        } else {
            w.key("text"); w.string(piece)
        }
        w.key("logprobs"); w.null()
        w.key("finish_reason"); optional(&w, finishReason)
        if finishReason != nil { w.key("stop_reason"); optional(&w, stopString) }
        w.endObject()
        w.endArray()
        w.endObject()
        return event(w.bytes)
    }

    /// The usage chunk (when asked for) and the end marker.
    static func openAIEnd(_ c: AnswerContext, _ g: Generation) -> [UInt8] {
        var out: [UInt8] = []
        if c.request.includeUsage {
            var w = openAIHeader(c, chunk: true)
            w.key("choices"); w.beginArray(); w.endArray()
            usage(&w, g)
            w.endObject()
            out = event(w.bytes)
        }
        return out + Array("data: [DONE]\n\n".utf8)
    }

    /// vLLM's mid-stream failure: an error event, then `[DONE]` as its generator always ends.
    static func openAIErrorEvent(_ message: String) -> [UInt8] {
        event(JSON.serialize(["error": .object(ErrorBodies.vLLMObject(message, status: 500))])) + Array("data: [DONE]\n\n".utf8)
    }

    private static func openAIHeader(_ c: AnswerContext, chunk: Bool) -> JSONWriter {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("id"); w.string(c.id)
        let object = switch (c.request.route.kind, chunk) {
        case (.chat, false): "chat.completion"
        case (.chat, true): "chat.completion.chunk"
        case (.completion, _): "text_completion"
        }
        w.key("object"); w.string(object)
        w.key("created"); w.number(c.created)
        w.key("model"); w.string(c.model)
        return w
    }

    private static func usage(_ w: inout JSONWriter, _ g: Generation) {
        w.key("usage")
        w.beginObject()
        w.key("prompt_tokens"); w.number(g.promptTokens)
        w.key("total_tokens"); w.number(g.promptTokens + g.completionTokens)
        w.key("completion_tokens"); w.number(g.completionTokens)
        w.endObject()
    }

    private static func event(_ json: [UInt8]) -> [UInt8] {
        Array("data: ".utf8) + json + Array("\n\n".utf8)
    }

    // MARK: ollama

    /// The whole answer (`"stream": false`), or a stream's last line (`text` empty then).
    static func ollamaFinal(_ c: AnswerContext, _ g: Generation, text: String, _ d: OllamaDurations) -> [UInt8] {
        var w = ollamaHeader(c, piece: text)
        w.key("done"); w.bool(true)
        w.key("done_reason"); w.string(g.finishReason)
        w.key("total_duration"); w.number(d.total)
        w.key("load_duration"); w.number(0)
        w.key("prompt_eval_count"); w.number(g.promptTokens)
        w.key("prompt_eval_duration"); w.number(d.promptEval)
        w.key("eval_count"); w.number(g.completionTokens)
        w.key("eval_duration"); w.number(d.eval)
        w.endObject()
        return w.bytes
    }

    /// One NDJSON line with one token's piece.
    static func ollamaPiece(_ c: AnswerContext, _ piece: String) -> [UInt8] {
        var w = ollamaHeader(c, piece: piece)
        w.key("done"); w.bool(false)
        w.endObject()
        return w.bytes + [0x0A]
    }

    private static func ollamaHeader(_ c: AnswerContext, piece: String) -> JSONWriter {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("model"); w.string(c.model)
        w.key("created_at"); w.string(c.createdAt)
        if c.request.route.kind == .chat {
            w.key("message")
            w.beginObject()
            w.key("role"); w.string("assistant")
            w.key("content"); w.string(piece)
            w.endObject()
        } else {
            w.key("response"); w.string(piece)
        }
        return w
    }

    private static func optional(_ w: inout JSONWriter, _ s: String?) {
        if let s { w.string(s) } else { w.null() }
    }
}
