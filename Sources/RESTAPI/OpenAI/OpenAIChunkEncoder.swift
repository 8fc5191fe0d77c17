import GatewayCore
import JSON

/// The server-sent events of one streamed OpenAI answer (spec §8), as OpenAI frames them: each
/// chunk a `data: {json}` line and a blank line, `data: [DONE]` last. Every chunk carries the
/// answer's one `id`, `created` and canonical `model`; a chat's first delta carries the role; with
/// `stream_options.include_usage` the other chunks say `"usage": null` and a last chunk with
/// `"choices": []` carries the usage. The chunks come from the core's stream, so they are the
/// same whatever dialect the upstream speaks. No I/O: bytes out.
struct OpenAIChunkEncoder: Sendable {
    let id: String
    let created: Int64
    let model: String
    let chat: Bool
    let includeUsage: Bool

    static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    /// A chat's opening delta: the role, no text yet (as OpenAI opens its streams).
    func role() -> [UInt8] {
        choice(finishReason: nil) { w in
            w.key("delta")
            w.beginObject()
            w.key("role"); w.string("assistant")
            w.key("content"); w.string("")
            w.endObject()
        }
    }

    func delta(_ text: String) -> [UInt8] {
        choice(finishReason: nil) { w in
            if chat {
                w.key("delta")
                w.beginObject()
                w.key("content"); w.string(text)
                w.endObject()
            } else {
                w.key("text"); w.string(text)
            }
        }
    }

    func finish(_ reason: String) -> [UInt8] {
        choice(finishReason: reason) { w in
            if chat {
                w.key("delta"); w.beginObject(); w.endObject()
            } else {
                w.key("text"); w.string("")
            }
        }
    }

    func usage(_ u: TokenUsage) -> [UInt8] {
        var w = head()
        w.key("choices"); w.beginArray(); w.endArray()
        w.key("usage"); GenerationEncoders.usage(&w, u)
        w.endObject()
        return Self.event(w.bytes)
    }

    /// A failure after the stream began. OpenAI's streams have no error event; like vLLM the
    /// gateway sends `data: {"error":{...}}` (which the SDKs raise as an APIError) and then
    /// `[DONE]`, so a reader of the raw framing still sees the end.
    static func error(_ e: GatewayError) -> [UInt8] {
        event(OpenAIError(e).json)
    }

    private func head() -> JSONWriter {
        var w = JSONWriter(capacity: 192)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("object"); w.string(chat ? "chat.completion.chunk" : "text_completion")
        w.key("created"); w.number(Int(created))
        w.key("model"); w.string(model)
        return w
    }

    private func choice(finishReason: String?, _ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var w = head()
        w.key("choices")
        w.beginArray()
        w.beginObject()
        w.key("index"); w.number(0)
        body(&w)
        w.key("logprobs"); w.null()
        w.key("finish_reason")
        if let finishReason { w.string(finishReason) } else { w.null() }
        w.endObject()
        w.endArray()
        if includeUsage { w.key("usage"); w.null() }
        w.endObject()
        return Self.event(w.bytes)
    }

    /// JSON has no raw newlines, so one `data:` line always holds a chunk.
    private static func event(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 8)
        out += "data: ".utf8
        out += json
        out += "\n\n".utf8
        return out
    }
}
