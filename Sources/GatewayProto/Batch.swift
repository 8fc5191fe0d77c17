import Protobuf

public struct GetBatchRequest: GatewayMessage {
    public var batchId: String

    public init(batchId: String = "") {
        self.batchId = batchId
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: batchId = try r.string()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, batchId)
    }
}

public struct BatchStatus: GatewayMessage {
    public var batchId: String
    public var model: String
    public var status: String
    public var itemsCount: UInt32
    public var completedItems: UInt32
    public var embeddings: [Embedding]
    public var error: String
    public var attempts: UInt32
    public var queuedAt: String
    public var completedAt: String
    /// A generation job's results once completed, one per output (embed jobs: none).
    public var outputs: [GenerateResponse]

    public init(
        batchId: String = "", model: String = "", status: String = "", itemsCount: UInt32 = 0,
        completedItems: UInt32 = 0, embeddings: [Embedding] = [], error: String = "", attempts: UInt32 = 0,
        queuedAt: String = "", completedAt: String = "", outputs: [GenerateResponse] = []
    ) {
        self.batchId = batchId
        self.model = model
        self.status = status
        self.itemsCount = itemsCount
        self.completedItems = completedItems
        self.embeddings = embeddings
        self.error = error
        self.attempts = attempts
        self.queuedAt = queuedAt
        self.completedAt = completedAt
        self.outputs = outputs
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: batchId = try r.string()
            case 2: model = try r.string()
            case 3: status = try r.string()
            case 4: itemsCount = try r.uint32()
            case 5: completedItems = try r.uint32()
            case 6: embeddings.append(try r.message(Embedding.init(from:)))
            case 7: error = try r.string()
            case 8: attempts = try r.uint32()
            case 9: queuedAt = try r.string()
            case 10: completedAt = try r.string()
            case 11: outputs.append(try r.message(GenerateResponse.init(from:)))
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, batchId)
        w.field(2, model)
        w.field(3, status)
        w.field(4, uint32: itemsCount)
        w.field(5, uint32: completedItems)
        for e in embeddings { w.message(6) { e.encode(to: &$0) } }
        w.field(7, error)
        w.field(8, uint32: attempts)
        w.field(9, queuedAt)
        w.field(10, completedAt)
        for o in outputs { w.message(11) { o.encode(to: &$0) } }
    }
}
