import JSON

/// A queued generation and its outputs as JSON, for stores that keep text (the Redis queue's
/// job hash). Doubles keep their exact value: JSON numbers carry the shortest round-tripping text.
enum GenerationJSON {
    static func encode(_ g: GenerationRequest) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        GenerationWire.writeInput(&w, g.input)
        let o = g.options
        w.key("max_tokens"); w.number(o.maxTokens)
        if let t = o.temperature { w.key("temperature"); w.number(t) }
        if let p = o.topP { w.key("top_p"); w.number(p) }
        w.key("stop")
        w.beginArray()
        for s in o.stop { w.string(s) }
        w.endArray()
        if let s = o.seed { w.key("seed"); w.string(String(s)) }
        w.endObject()
        return w.bytes
    }

    /// Nil for anything this code did not write.
    static func decodeRequest(_ bytes: [UInt8]) -> GenerationRequest? {
        guard let v = try? JSON.parse(bytes), let maxTokens = v["max_tokens"]?.intValue,
              let stops = v["stop"]?.arrayValue else { return nil }
        let input: GenerationInput
        if let p = v["prompt"]?.stringValue {
            input = .prompt(p)
        } else if let list = v["messages"]?.arrayValue {
            var messages: [ChatMessage] = []
            for m in list {
                guard let role = m["role"]?.stringValue, let content = m["content"]?.stringValue else { return nil }
                messages.append(ChatMessage(role: role, content: content))
            }
            input = .messages(messages)
        } else {
            return nil
        }
        let stop = stops.compactMap(\.stringValue)
        guard stop.count == stops.count else { return nil }
        var seed: UInt64?
        if let s = v["seed"] {
            guard let parsed = s.stringValue.flatMap(UInt64.init) else { return nil }
            seed = parsed
        }
        return GenerationRequest(input: input, options: GenerationOptions(
            maxTokens: maxTokens, temperature: v["temperature"]?.doubleValue, topP: v["top_p"]?.doubleValue,
            stop: stop, seed: seed))
    }

    static func encode(_ outputs: [GeneratedText]) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for o in outputs {
            w.beginObject()
            w.key("text"); w.string(o.text)
            w.key("finish_reason"); w.string(o.finishReason)
            w.key("prompt_tokens"); w.number(o.usage.promptTokens)
            w.key("completion_tokens"); w.number(o.usage.completionTokens)
            w.key("chat"); w.bool(o.isChat)
            w.endObject()
        }
        w.endArray()
        return w.bytes
    }

    static func decodeOutputs(_ bytes: [UInt8]) -> [GeneratedText]? {
        guard let list = (try? JSON.parse(bytes))?.arrayValue else { return nil }
        var out: [GeneratedText] = []
        for o in list {
            guard let text = o["text"]?.stringValue, let reason = o["finish_reason"]?.stringValue,
                  let p = o["prompt_tokens"]?.intValue, let c = o["completion_tokens"]?.intValue,
                  let chat = o["chat"]?.boolValue else { return nil }
            out.append(GeneratedText(text: text, finishReason: reason, usage: TokenUsage(promptTokens: p, completionTokens: c),
                                     isChat: chat))
        }
        return out
    }
}
