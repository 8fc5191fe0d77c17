import ByteCodecs
import GatewayCore
import GatewayHTTP
import JSON

/// OpenAI's answer objects (spec §8), written straight to bytes: the model list and model, the
/// embedding list, and whole completions and chat completions.
enum OpenAIEncoders {
    /// `created` is when the gateway started (the models have been served since); `owned_by`
    /// the model's integration pattern.
    static func model(_ w: inout JSONWriter, _ m: ModelConfig, created: Int64) {
        w.beginObject()
        w.key("id"); w.string(m.name)
        w.key("object"); w.string("model")
        w.key("created"); w.number(Int(created))
        w.key("owned_by"); w.string(m.pattern.rawValue)
        w.endObject()
    }

    static func models(_ models: [ModelConfig], created: Int64) -> [UInt8] {
        var w = JSONWriter(capacity: 96 * models.count + 32)
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data")
        w.beginArray()
        for m in models { model(&w, m, created: created) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// The `data` array: one `{"object":"embedding","index","embedding"}` per input, in order.
    static func embeddingData(_ vectors: [[Float]], encoding: OpenAIEmbeddingsRequest.Encoding) -> [UInt8] {
        let perVector = encoding == .float ? 12 : 6
        var w = JSONWriter(capacity: vectors.reduce(64) { $0 + $1.count * perVector + 48 })
        w.beginArray()
        for (i, v) in vectors.enumerated() {
            w.beginObject()
            w.key("object"); w.string("embedding")
            w.key("index"); w.number(i)
            w.key("embedding")
            switch encoding {
            case .float:
                ExternalEncoders.floats(&w, v)
            case .base64:
                w.raw([UInt8(ascii: "\"")] + Base64.encode(floats: v) + [UInt8(ascii: "\"")])
            }
            w.endObject()
        }
        w.endArray()
        return w.bytes
    }

    /// `usage` counts 0 tokens: the core's embed answer carries no token count (a cache hit has
    /// none to give) and the gateway never counts tokens itself (spec §7: usage is the upstream's).
    static func embeddings(data: [UInt8], model: String) -> [UInt8] {
        var w = JSONWriter(capacity: data.count + 128)
        w.beginObject()
        w.key("object"); w.string("list")
        w.key("data"); w.raw(data)
        w.key("model"); w.string(model)
        w.key("usage")
        w.beginObject()
        w.key("prompt_tokens"); w.number(0)
        w.key("total_tokens"); w.number(0)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// A whole `text_completion` or `chat.completion`.
    static func completion(_ c: CompletedGeneration, id: String, created: Int64) -> [UInt8] {
        completion(c.result, model: c.model, id: id, created: created)
    }

    /// The same for a result that came from the queue (a batch line's).
    static func completion(_ result: GeneratedText, model: String, id: String, created: Int64) -> [UInt8] {
        let chat = result.isChat
        var w = JSONWriter(capacity: 320 + result.text.utf8.count)
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("object"); w.string(chat ? "chat.completion" : "text_completion")
        w.key("created"); w.number(Int(created))
        w.key("model"); w.string(model)
        w.key("choices")
        w.beginArray()
        w.beginObject()
        w.key("index"); w.number(0)
        if chat {
            w.key("message")
            w.beginObject()
            w.key("role"); w.string("assistant")
            w.key("content"); w.string(result.text)
            w.endObject()
        } else {
            w.key("text"); w.string(result.text)
        }
        w.key("logprobs"); w.null()
        w.key("finish_reason"); w.string(result.finishReason)
        w.endObject()
        w.endArray()
        w.key("usage"); GenerationEncoders.usage(&w, result.usage)
        w.endObject()
        return w.bytes
    }

    /// `chatcmpl-…` or `cmpl-…` and 16 hex digits, fresh per answer (a client's request id may
    /// repeat; a completion id should not).
    static func completionID(chat: Bool) -> String {
        (chat ? "chatcmpl-" : "cmpl-") + RequestID.make()
    }
}
