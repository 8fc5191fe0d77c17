/// A completion or chat request as every front-end hands it to the core (spec §7).
public struct GenerateCall: Sendable {
    public var model: String
    public var input: GenerationInput
    /// `max_tokens` as sent; nil takes the default (256).
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stop: [String]
    public var seed: UInt64?
    /// An answer now, token by token: the real-time path only.
    public var stream: Bool
    public var urgent: Bool?
    public var priority: Int?
    /// `"batch": true`: queue even on a hybrid model.
    public var batch: Bool
    public var context: CallContext

    public init(model: String, input: GenerationInput, maxTokens: Int? = nil, temperature: Double? = nil,
                topP: Double? = nil, stop: [String] = [], seed: UInt64? = nil, stream: Bool = false,
                urgent: Bool? = nil, priority: Int? = nil, batch: Bool = false, context: CallContext) {
        self.model = model
        self.input = input
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.stop = stop
        self.seed = seed
        self.stream = stream
        self.urgent = urgent
        self.priority = priority
        self.batch = batch
        self.context = context
    }

    /// The field names the REST body uses; other front-ends name theirs alike.
    static let maxStops = 4
    static let maxInputBytes = 1 << 20

    /// Checks the call against the spec's rules and the model's limit; the error names the field.
    func options(for model: ModelConfig) throws(GatewayError) -> GenerationOptions {
        var bytes = 0
        switch input {
        case .prompt(let p):
            guard !p.isEmpty else { throw .invalid("prompt must not be empty", field: "prompt") }
            bytes = p.utf8.count
        case .messages(let messages):
            guard !messages.isEmpty else { throw .invalid("messages must not be empty", field: "messages") }
            for (i, m) in messages.enumerated() {
                guard ChatMessage.roles.contains(m.role) else {
                    throw .invalid("messages[\(i)].role must be system, user or assistant, not \(m.role)",
                                   field: "messages[\(i)].role")
                }
                bytes += m.content.utf8.count
            }
        }
        guard bytes <= Self.maxInputBytes else {
            let field = input.isChat ? "messages" : "prompt"
            throw GatewayError(.payloadTooLarge, "\(field) carry \(bytes) bytes; the limit is \(Self.maxInputBytes)",
                               details: [("field", field), ("limit", String(Self.maxInputBytes))])
        }
        let maxTokens = self.maxTokens ?? min(GenerationOptions.defaultMaxTokens, model.maxTokens)
        guard maxTokens >= 1 else { throw .invalid("max_tokens must be at least 1", field: "max_tokens") }
        guard maxTokens <= model.maxTokens else {
            throw .invalid("max_tokens is \(maxTokens); \(model.name) allows at most \(model.maxTokens)", field: "max_tokens")
        }
        if let t = temperature, !(0...2).contains(t) {
            throw .invalid("temperature must be between 0 and 2", field: "temperature")
        }
        if let p = topP, !(0...1).contains(p) { throw .invalid("top_p must be between 0 and 1", field: "top_p") }
        guard stop.count <= Self.maxStops else {
            throw .invalid("stop has \(stop.count) strings; at most \(Self.maxStops)", field: "stop")
        }
        for (i, s) in stop.enumerated() where s.isEmpty {
            throw .invalid("stop[\(i)] must not be empty", field: "stop[\(i)]")
        }
        if let p = priority, p < 0 || p > 1000 { throw .invalid("priority must be between 0 and 1000", field: "priority") }
        return GenerationOptions(maxTokens: maxTokens, temperature: temperature, topP: topP, stop: stop, seed: seed)
    }
}

/// The ways a generate call ends well.
public enum GenerateOutcome: Sendable {
    case completed(CompletedGeneration)
    case queued(QueuedEmbedding)
    case streaming(GenerationStream)
}

public struct CompletedGeneration: Sendable {
    public var model: String
    public var pattern: IntegrationPattern
    public var result: GeneratedText
    public var processingTimeMs: Double
    public var endpoint: String
    public var urgent: Bool
    public var processedAt: UnixTime
    public var upstreamMs: Double
}
