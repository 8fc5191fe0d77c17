import GatewayCore
import JSON

/// Generation's JSON bodies and Server-Sent Events (spec §7), written straight to bytes.
enum GenerationEncoders {
    static func completed(_ c: CompletedGeneration) -> [UInt8] {
        var w = JSONWriter(capacity: 256 + c.result.text.utf8.count)
        w.beginObject()
        w.key("model"); w.string(c.model)
        w.key("pattern"); w.string(c.pattern.rawValue)
        w.key("processing_mode"); w.string("real_time")
        fields(&w, c.result)
        w.key("processing_time_ms"); w.milliseconds(c.processingTimeMs)
        w.key("endpoint"); w.string(c.endpoint)
        w.key("cached"); w.bool(false)
        w.key("metadata")
        w.beginObject()
        w.key("pattern_type"); w.string(c.pattern.rawValue)
        w.key("urgent"); w.bool(c.urgent)
        w.key("processed_at"); w.string(c.processedAt.rfc3339)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// `text`, `finish_reason`, `usage` and, for chat, `message`: a whole answer's and a batch output's.
    static func fields(_ w: inout JSONWriter, _ g: GeneratedText) {
        w.key("text"); w.string(g.text)
        w.key("finish_reason"); w.string(g.finishReason)
        w.key("usage"); usage(&w, g.usage)
        if g.isChat {
            w.key("message")
            w.beginObject()
            w.key("role"); w.string("assistant")
            w.key("content"); w.string(g.text)
            w.endObject()
        }
    }

    static func usage(_ w: inout JSONWriter, _ u: TokenUsage) {
        w.beginObject()
        w.key("prompt_tokens"); w.number(u.promptTokens)
        w.key("completion_tokens"); w.number(u.completionTokens)
        w.key("total_tokens"); w.number(u.totalTokens)
        w.endObject()
    }

    // MARK: Server-Sent Events

    static func start(_ s: GenerationStream, requestID: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("model"); w.string(s.model)
        w.key("pattern"); w.string(s.pattern.rawValue)
        w.key("endpoint"); w.string(s.endpoint)
        w.key("request_id"); w.string(requestID)
        w.endObject()
        return event("start", w.bytes)
    }

    static func delta(_ text: String) -> [UInt8] {
        var w = JSONWriter(capacity: text.utf8.count + 16)
        w.beginObject()
        w.key("text"); w.string(text)
        w.endObject()
        return event("delta", w.bytes)
    }

    static func done(finishReason: String, usage u: TokenUsage, processingTimeMs: Double) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("finish_reason"); w.string(finishReason)
        w.key("usage"); usage(&w, u)
        w.key("processing_time_ms"); w.milliseconds(processingTimeMs)
        w.endObject()
        return event("done", w.bytes)
    }

    static func error(_ e: GatewayError) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("error")
        w.beginObject()
        w.key("code"); w.string(e.code.name)
        w.key("message"); w.string(e.message)
        w.endObject()
        w.endObject()
        return event("error", w.bytes)
    }

    /// `event: <name>` and one `data:` line: JSON has no raw newlines, so one line always holds it.
    private static func event(_ name: String, _ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + name.utf8.count + 16)
        out += "event: ".utf8
        out += name.utf8
        out += "\ndata: ".utf8
        out += json
        out += "\n\n".utf8
        return out
    }
}
