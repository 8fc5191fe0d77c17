import JSON

/// Generation on the wire, both dialects (PROTOCOLS.md "Model servers: generation"): the request
/// path and body out, a whole answer in. Streams are read by `GenerationStreamDecoder`.
public enum GenerationWire {
    public static func path(_ dialect: UpstreamDialect, chat: Bool) -> String {
        switch dialect {
        case .openai: return chat ? "/v1/chat/completions" : "/v1/completions"
        case .ollama: return chat ? "/api/chat" : "/api/generate"
        }
    }

    /// The upstream body. openai streams ask for the usage chunk; ollama gets `stream` spelled out,
    /// since it streams unless told not to.
    public static func requestBody(model: String, input: GenerationInput, options o: GenerationOptions,
                                   dialect: UpstreamDialect, stream: Bool) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("model"); w.string(model)
        writeInput(&w, input)
        w.key("stream"); w.bool(stream)
        switch dialect {
        case .openai:
            w.key("max_tokens"); w.number(o.maxTokens)
            sampling(&w, o)
            if stream {
                w.key("stream_options")
                w.beginObject()
                w.key("include_usage"); w.bool(true)
                w.endObject()
            }
        case .ollama:
            w.key("options")
            w.beginObject()
            w.key("num_predict"); w.number(o.maxTokens)
            sampling(&w, o)
            w.endObject()
        }
        w.endObject()
        return w.bytes
    }

    /// `"prompt": "..."` or `"messages": [{"role","content"}, ...]`, the same in every dialect.
    static func writeInput(_ w: inout JSONWriter, _ input: GenerationInput) {
        switch input {
        case .prompt(let p):
            w.key("prompt"); w.string(p)
        case .messages(let messages):
            w.key("messages")
            w.beginArray()
            for m in messages {
                w.beginObject()
                w.key("role"); w.string(m.role)
                w.key("content"); w.string(m.content)
                w.endObject()
            }
            w.endArray()
        }
    }

    private static func sampling(_ w: inout JSONWriter, _ o: GenerationOptions) {
        if let t = o.temperature { w.key("temperature"); w.number(t) }
        if let p = o.topP { w.key("top_p"); w.number(p) }
        if !o.stop.isEmpty {
            w.key("stop")
            w.beginArray()
            for s in o.stop { w.string(s) }
            w.endArray()
        }
        if let s = o.seed, let n = JSONNumber(text: String(s)) { w.key("seed"); w.number(n) }
    }

    /// A whole (non-streamed) 200 answer.
    public static func decode(_ body: [UInt8], dialect: UpstreamDialect, chat: Bool) throws(GatewayError) -> GeneratedText {
        let value: JSONValue
        do { value = try JSON.parse(body) } catch {
            throw GatewayError(.upstreamError, "upstream reply is not JSON: \(error)")
        }
        switch dialect {
        case .openai:
            guard let choice = value["choices"]?[0] else { throw shape("choices[0]") }
            let text = chat ? choice["message"]?["content"]?.stringValue : choice["text"]?.stringValue
            guard let text else { throw shape(chat ? "choices[0].message.content" : "choices[0].text") }
            return GeneratedText(text: text, finishReason: choice["finish_reason"]?.stringValue ?? "stop",
                                 usage: openAIUsage(value["usage"]) ?? .zero, isChat: chat)
        case .ollama:
            let text = chat ? value["message"]?["content"]?.stringValue : value["response"]?.stringValue
            guard let text else { throw shape(chat ? "message.content" : "response") }
            return GeneratedText(text: text, finishReason: value["done_reason"]?.stringValue ?? "stop",
                                 usage: ollamaUsage(value), isChat: chat)
        }
    }

    static func openAIUsage(_ v: JSONValue?) -> TokenUsage? {
        guard let v, let p = v["prompt_tokens"]?.intValue, let c = v["completion_tokens"]?.intValue else { return nil }
        return TokenUsage(promptTokens: max(0, p), completionTokens: max(0, c))
    }

    static func ollamaUsage(_ v: JSONValue) -> TokenUsage {
        TokenUsage(promptTokens: max(0, v["prompt_eval_count"]?.intValue ?? 0),
                   completionTokens: max(0, v["eval_count"]?.intValue ?? 0))
    }

    static func shape(_ what: String) -> GatewayError {
        GatewayError(.upstreamError, "upstream reply has no \(what)")
    }
}
