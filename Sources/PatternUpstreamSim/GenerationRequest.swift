import JSON

/// Which generation route a path is, in which dialect.
struct GenerationRoute: Sendable, Equatable {
    enum Dialect: Sendable { case openai, ollama }
    enum Kind: Sendable { case completion, chat }

    var dialect: Dialect
    var kind: Kind

    init?(path: String) {
        switch path {
        case "/v1/completions": (dialect, kind) = (.openai, .completion)
        case "/v1/chat/completions": (dialect, kind) = (.openai, .chat)
        case "/api/generate": (dialect, kind) = (.ollama, .completion)
        case "/api/chat": (dialect, kind) = (.ollama, .chat)
        default: return nil
        }
    }
}

/// A 400 the way the route's server words it.
struct BadGenerationRequest: Error {
    var message: String
}

/// One generation call's body, read the way vLLM (`/v1/completions`, `/v1/chat/completions`)
/// or Ollama (`/api/generate`, `/api/chat`) reads it. Sampling values are checked for type and
/// otherwise ignored: the text depends only on model, prompt and seed.
struct GenerationRequest: Sendable {
    var route: GenerationRoute
    /// As the body names it; the answer echoes it.
    var model: String
    var prompt: GenerationPrompt
    /// nil: until the model ends on its own.
    var maxTokens: Int?
    var stop: [String]
    /// The seed as written (a number's text), so any size of integer seeds the same way.
    var seed: String?
    var stream: Bool
    /// `stream_options.include_usage` (openai): the usage chunk before `[DONE]`.
    var includeUsage: Bool

    init(route: GenerationRoute, body o: JSONObject) throws(BadGenerationRequest) {
        self.route = route
        model = o["model"]?.stringValue ?? ""
        prompt = try Self.prompt(route.kind, o)
        switch route.dialect {
        case .openai:
            // vLLM's defaults: 16 tokens for the legacy completions route, the context's rest for chat.
            let limitField = o["max_completion_tokens"] == nil ? "max_tokens" : "max_completion_tokens"
            maxTokens = try Self.int(limitField, o) ?? (route.kind == .completion ? 16 : nil)
            if let n = maxTokens, n < 1 { throw BadGenerationRequest(message: "\(limitField) must be at least 1, got \(n).") }
            stop = try Self.stop(o["stop"])
            seed = try Self.seed(o["seed"])
            stream = try Self.bool("stream", o) ?? false
            let options = o["stream_options"]
            if let options, !options.isNull {
                guard stream else { throw BadGenerationRequest(message: "Stream options can only be defined when `stream=True`.") }
                guard let object = options.objectValue else { throw BadGenerationRequest(message: "stream_options must be an object") }
                includeUsage = try Self.bool("include_usage", object) ?? false
            } else {
                includeUsage = false
            }
            try Self.checkNumbers(["temperature", "top_p"], o)
        case .ollama:
            let options = o["options"]?.objectValue ?? [:]
            // Ollama reads -1 (and -2) as "no limit"; 0 is taken the same way here.
            maxTokens = try Self.int("num_predict", options).flatMap { $0 > 0 ? $0 : nil }
            stop = try Self.stop(options["stop"])
            seed = try Self.seed(options["seed"])
            stream = try Self.bool("stream", o) ?? true
            includeUsage = false
            try Self.checkNumbers(["temperature", "top_p"], options)
        }
    }

    private static func prompt(_ kind: GenerationRoute.Kind, _ o: JSONObject) throws(BadGenerationRequest) -> GenerationPrompt {
        switch kind {
        case .completion:
            guard let prompt = o["prompt"]?.stringValue else { throw BadGenerationRequest(message: "prompt is required (a string)") }
            return .text(prompt)
        case .chat:
            guard let list = o["messages"]?.arrayValue, !list.isEmpty else {
                throw BadGenerationRequest(message: "messages is required (a non-empty list)")
            }
            var messages: [GenerationPrompt.Message] = []
            for (i, m) in list.enumerated() {
                guard let role = m["role"]?.stringValue, let content = m["content"]?.stringValue else {
                    throw BadGenerationRequest(message: "messages[\(i)] needs a string role and content")
                }
                messages.append(.init(role: role, content: content))
            }
            return .chat(messages)
        }
    }

    private static func stop(_ value: JSONValue?) throws(BadGenerationRequest) -> [String] {
        guard let value, !value.isNull else { return [] }
        if let one = value.stringValue { return [one] }
        if let many = value.arrayValue, many.allSatisfy({ $0.stringValue != nil }) { return many.compactMap(\.stringValue) }
        throw BadGenerationRequest(message: "stop must be a string or a list of strings")
    }

    private static func seed(_ value: JSONValue?) throws(BadGenerationRequest) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let n = value.numberValue, n.isInteger else { throw BadGenerationRequest(message: "seed must be an integer") }
        return n.text
    }

    private static func int(_ key: String, _ o: JSONObject) throws(BadGenerationRequest) -> Int? {
        guard let value = o[key], !value.isNull else { return nil }
        guard let n = value.intValue else { throw BadGenerationRequest(message: "\(key) must be an integer") }
        return n
    }

    private static func bool(_ key: String, _ o: JSONObject) throws(BadGenerationRequest) -> Bool? {
        guard let value = o[key], !value.isNull else { return nil }
        guard let b = value.boolValue else { throw BadGenerationRequest(message: "\(key) must be a boolean") }
        return b
    }

    private static func checkNumbers(_ keys: [String], _ o: JSONObject) throws(BadGenerationRequest) {
        for key in keys {
            if let value = o[key], !value.isNull, value.numberValue == nil {
                throw BadGenerationRequest(message: "\(key) must be a number")
            }
        }
    }
}
