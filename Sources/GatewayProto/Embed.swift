import Protobuf

public struct EmbedRequest: GatewayMessage {
    public var model: String
    public var texts: [String]
    public var urgent: Bool
    public var priority: Int32

    public init(model: String = "", texts: [String] = [], urgent: Bool = false, priority: Int32 = 0) {
        self.model = model
        self.texts = texts
        self.urgent = urgent
        self.priority = priority
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: texts.append(try r.string())
            case 3: urgent = try r.bool()
            case 4: priority = try r.int32()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        w.repeated(2, strings: texts)
        w.field(3, urgent)
        w.field(4, int32: priority)
    }
}

public struct Embedding: GatewayMessage {
    public var values: [Float]

    public init(values: [Float] = []) {
        self.values = values
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: try r.floats(into: &values)
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.packed(1, floats: values)
    }
}

public struct EmbedResponse: GatewayMessage {
    public var model: String
    public var pattern: String
    public var processingMode: String
    /// "completed" or "queued".
    public var status: String
    public var embeddings: [Embedding]
    public var batchId: String
    public var queuePosition: Int32
    public var estimatedCompletion: String
    public var processingTimeMs: Double
    public var cached: Bool
    public var endpoint: String
    public var degraded: Bool

    public init(
        model: String = "", pattern: String = "", processingMode: String = "", status: String = "",
        embeddings: [Embedding] = [], batchId: String = "", queuePosition: Int32 = 0,
        estimatedCompletion: String = "", processingTimeMs: Double = 0, cached: Bool = false,
        endpoint: String = "", degraded: Bool = false
    ) {
        self.model = model
        self.pattern = pattern
        self.processingMode = processingMode
        self.status = status
        self.embeddings = embeddings
        self.batchId = batchId
        self.queuePosition = queuePosition
        self.estimatedCompletion = estimatedCompletion
        self.processingTimeMs = processingTimeMs
        self.cached = cached
        self.endpoint = endpoint
        self.degraded = degraded
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: pattern = try r.string()
            case 3: processingMode = try r.string()
            case 4: status = try r.string()
            case 5: embeddings.append(try r.message(Embedding.init(from:)))
            case 6: batchId = try r.string()
            case 7: queuePosition = try r.int32()
            case 8: estimatedCompletion = try r.string()
            case 9: processingTimeMs = try r.double()
            case 10: cached = try r.bool()
            case 11: endpoint = try r.string()
            case 12: degraded = try r.bool()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        w.field(2, pattern)
        w.field(3, processingMode)
        w.field(4, status)
        for e in embeddings { w.message(5) { e.encode(to: &$0) } }
        w.field(6, batchId)
        w.field(7, int32: queuePosition)
        w.field(8, estimatedCompletion)
        w.field(9, processingTimeMs)
        w.field(10, cached)
        w.field(11, endpoint)
        w.field(12, degraded)
    }
}
