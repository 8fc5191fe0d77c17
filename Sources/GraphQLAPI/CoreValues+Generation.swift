import GatewayCore
import JSON

/// Generation's answers as the trees `Generation`, `GenerationChunk` and `Usage` read.
extension CoreValues {
    static func generation(_ c: CompletedGeneration) -> JSONValue {
        var object = text(c.result)
        object.set("__typename", "Generation")
        object.set("model", .string(c.model))
        object.set("pattern", pattern(c.pattern))
        object.set("processingMode", "REAL_TIME")
        object.set("processingTimeMs", double(c.processingTimeMs))
        object.set("endpoint", .string(c.endpoint))
        object.set("cached", false)
        return .object(object)
    }

    /// A queued generation job's output: no answering replica or time of its own to report.
    static func output(_ r: BatchRecord, _ g: GeneratedText) -> JSONValue {
        var object = text(g)
        object.set("model", .string(r.job.model))
        object.set("pattern", pattern(r.job.pattern))
        object.set("processingMode", "BULK")
        object.set("processingTimeMs", .null)
        object.set("endpoint", .null)
        object.set("cached", false)
        return .object(object)
    }

    static func chunk(_ c: GenerationChunk) -> JSONValue {
        .object([
            "text": .string(c.text),
            "finishReason": string(c.finishReason),
            "usage": c.usage.map(usage) ?? .null,
        ])
    }

    static func usage(_ u: TokenUsage) -> JSONValue {
        .object([
            "promptTokens": int(u.promptTokens), "completionTokens": int(u.completionTokens),
            "totalTokens": int(u.totalTokens),
        ])
    }

    /// `text`, `finishReason`, `usage` and `message` (chat answers), as REST's `fields` writes them.
    private static func text(_ g: GeneratedText) -> JSONObject {
        [
            "text": .string(g.text),
            "finishReason": .string(g.finishReason),
            "usage": usage(g.usage),
            "message": g.isChat ? .object(["role": "assistant", "content": .string(g.text)]) : .null,
        ]
    }
}
