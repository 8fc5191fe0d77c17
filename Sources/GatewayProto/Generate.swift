import Protobuf

/// The generation messages of gateway.proto (spec §7): a request, the whole answer (or its
/// queued job), and the chunks of a streamed answer.
public struct ChatMessage: GatewayMessage {
    public var role: String
    public var content: String

    public init(role: String = "", content: String = "") {
        self.role = role
        self.content = content
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: role = try r.string()
            case 2: content = try r.string()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, role)
        w.field(2, content)
    }
}

/// `prompt` or `messages`, not both. proto3 cannot tell 0 from unset: `max_tokens`,
/// `temperature`, `top_p`, `priority` and `seed` at 0 mean "not given" to the gateway.
public struct GenerateRequest: GatewayMessage {
    public var model: String
    public var prompt: String
    public var messages: [ChatMessage]
    public var maxTokens: UInt32
    public var temperature: Float
    public var topP: Float
    public var stop: [String]
    public var urgent: Bool
    public var priority: Int32
    public var seed: UInt64

    public init(
        model: String = "", prompt: String = "", messages: [ChatMessage] = [], maxTokens: UInt32 = 0,
        temperature: Float = 0, topP: Float = 0, stop: [String] = [], urgent: Bool = false, priority: Int32 = 0,
        seed: UInt64 = 0
    ) {
        self.model = model
        self.prompt = prompt
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.stop = stop
        self.urgent = urgent
        self.priority = priority
        self.seed = seed
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: prompt = try r.string()
            case 3: messages.append(try r.message(ChatMessage.init(from:)))
            case 4: maxTokens = try r.uint32()
            case 5: temperature = try r.float()
            case 6: topP = try r.float()
            case 7: stop.append(try r.string())
            case 8: urgent = try r.bool()
            case 9: priority = try r.int32()
            case 10: seed = try r.uint64()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        w.field(2, prompt)
        for m in messages { w.message(3) { m.encode(to: &$0) } }
        w.field(4, uint32: maxTokens)
        w.field(5, temperature)
        w.field(6, topP)
        w.repeated(7, strings: stop)
        w.field(8, urgent)
        w.field(9, int32: priority)
        w.field(10, uint64: seed)
    }
}

public struct Usage: GatewayMessage {
    public var promptTokens: UInt32
    public var completionTokens: UInt32
    public var totalTokens: UInt32

    public init(promptTokens: UInt32 = 0, completionTokens: UInt32 = 0, totalTokens: UInt32 = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        try merge(from: &r)
    }

    /// Reads fields over the current values: a singular message field that occurs more than once
    /// on the wire is one message, merged, as the protobuf spec has parsers do.
    public mutating func merge(from r: inout ProtoReader) throws(ProtoError) {
        while let field = try r.nextField() {
            switch field {
            case 1: promptTokens = try r.uint32()
            case 2: completionTokens = try r.uint32()
            case 3: totalTokens = try r.uint32()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, uint32: promptTokens)
        w.field(2, uint32: completionTokens)
        w.field(3, uint32: totalTokens)
    }

    /// `usage` as a singular message field: present or not, merged when repeated on the wire.
    static func read(_ r: inout ProtoReader, into current: Usage?) throws(ProtoError) -> Usage {
        try r.message { (inner: inout ProtoReader) throws(ProtoError) -> Usage in
            var u = current ?? Usage()
            try u.merge(from: &inner)
            return u
        }
    }
}

/// A generation's whole answer (`status` "completed"), its queued job (`status` "queued" with
/// `batch_id`), or one output of a completed job in `BatchStatus.outputs`.
public struct GenerateResponse: GatewayMessage {
    public var model: String
    public var pattern: String
    public var processingMode: String
    /// "completed" or "queued".
    public var status: String
    public var text: String
    public var finishReason: String
    /// nil: not on the wire (a queued answer has none).
    public var usage: Usage?
    public var batchId: String
    public var processingTimeMs: Double
    public var endpoint: String
    public var cached: Bool

    public init(
        model: String = "", pattern: String = "", processingMode: String = "", status: String = "", text: String = "",
        finishReason: String = "", usage: Usage? = nil, batchId: String = "", processingTimeMs: Double = 0,
        endpoint: String = "", cached: Bool = false
    ) {
        self.model = model
        self.pattern = pattern
        self.processingMode = processingMode
        self.status = status
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.batchId = batchId
        self.processingTimeMs = processingTimeMs
        self.endpoint = endpoint
        self.cached = cached
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: pattern = try r.string()
            case 3: processingMode = try r.string()
            case 4: status = try r.string()
            case 5: text = try r.string()
            case 6: finishReason = try r.string()
            case 7: usage = try Usage.read(&r, into: usage)
            case 8: batchId = try r.string()
            case 9: processingTimeMs = try r.double()
            case 10: endpoint = try r.string()
            case 11: cached = try r.bool()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        w.field(2, pattern)
        w.field(3, processingMode)
        w.field(4, status)
        w.field(5, text)
        w.field(6, finishReason)
        if let usage { w.message(7) { usage.encode(to: &$0) } }
        w.field(8, batchId)
        w.field(9, processingTimeMs)
        w.field(10, endpoint)
        w.field(11, cached)
    }
}

/// One message of `GenerateStream`: a piece of text, or (the last one) the finish reason and
/// the usage.
public struct GenerateChunk: GatewayMessage {
    public var text: String
    public var finishReason: String
    public var usage: Usage?

    public init(text: String = "", finishReason: String = "", usage: Usage? = nil) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: text = try r.string()
            case 2: finishReason = try r.string()
            case 3: usage = try Usage.read(&r, into: usage)
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, text)
        w.field(2, finishReason)
        if let usage { w.message(3) { usage.encode(to: &$0) } }
    }
}
