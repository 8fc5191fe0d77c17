/// One message of a chat (spec §7): `system`, `user` or `assistant`.
public struct ChatMessage: Sendable, Equatable, Hashable {
    public var role: String
    public var content: String

    public static let roles: Set<String> = ["system", "user", "assistant"]

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// What a generation continues: a prompt (completion) or messages (chat).
public enum GenerationInput: Sendable, Equatable, Hashable {
    case prompt(String)
    case messages([ChatMessage])

    public var isChat: Bool { if case .messages = self { return true } else { return false } }
}

/// The sampling options every dialect understands (spec §7).
public struct GenerationOptions: Sendable, Equatable, Hashable {
    public var maxTokens: Int
    public var temperature: Double?
    public var topP: Double?
    public var stop: [String]
    public var seed: UInt64?

    public static let defaultMaxTokens = 256

    public init(maxTokens: Int = GenerationOptions.defaultMaxTokens, temperature: Double? = nil, topP: Double? = nil,
                stop: [String] = [], seed: UInt64? = nil) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.stop = stop
        self.seed = seed
    }
}

/// Token counts as the upstream reported them (never counted by the gateway).
public struct TokenUsage: Sendable, Equatable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int { promptTokens + completionTokens }

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)
}

/// A whole generation: the text, why it stopped and what it cost.
public struct GeneratedText: Sendable, Equatable {
    public var text: String
    /// "stop" or "length" (what the upstream said).
    public var finishReason: String
    public var usage: TokenUsage
    /// Chat answers: the assistant's message (its content is `text`).
    public var isChat: Bool

    public init(text: String, finishReason: String, usage: TokenUsage, isChat: Bool) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.isChat = isChat
    }
}

/// One piece of a streamed generation. The last carries the finish reason and the usage.
public struct GenerationChunk: Sendable, Equatable {
    public var text: String
    public var finishReason: String?
    public var usage: TokenUsage?

    public init(text: String, finishReason: String? = nil, usage: TokenUsage? = nil) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// What the status pages show of one model's generations since start.
public struct GenerationReport: Sendable, Equatable {
    public var generations = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Seconds from the first token to the end, summed: the time tokens were flowing.
    public var streamingSeconds: Double = 0

    public init() {}

    /// Completion tokens per second of generation, 0 before the first.
    public var tokensPerSecond: Double { streamingSeconds > 0 ? Double(completionTokens) / streamingSeconds : 0 }
}
