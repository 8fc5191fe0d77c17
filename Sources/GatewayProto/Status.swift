import Protobuf

/// Has no fields; decoding still walks the input so that malformed bytes are rejected.
public struct PatternStatusRequest: GatewayMessage {
    public init() {}

    public init(from r: inout ProtoReader) throws(ProtoError) {
        while try r.nextField() != nil { try r.skipField() }
    }

    public func encode(to w: inout ProtoWriter) {}
}

public struct ModelStatus: GatewayMessage {
    public var name: String
    public var pattern: String
    public var breakerState: String
    public var failureCount: UInt32
    public var requests: UInt64
    public var successRate: Double
    public var avgResponseTimeMs: Double
    public var queueDepth: UInt32
    public var cacheHitRatio: Double

    public init(
        name: String = "", pattern: String = "", breakerState: String = "", failureCount: UInt32 = 0,
        requests: UInt64 = 0, successRate: Double = 0, avgResponseTimeMs: Double = 0, queueDepth: UInt32 = 0,
        cacheHitRatio: Double = 0
    ) {
        self.name = name
        self.pattern = pattern
        self.breakerState = breakerState
        self.failureCount = failureCount
        self.requests = requests
        self.successRate = successRate
        self.avgResponseTimeMs = avgResponseTimeMs
        self.queueDepth = queueDepth
        self.cacheHitRatio = cacheHitRatio
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: name = try r.string()
            case 2: pattern = try r.string()
            case 3: breakerState = try r.string()
            case 4: failureCount = try r.uint32()
            case 5: requests = try r.uint64()
            case 6: successRate = try r.double()
            case 7: avgResponseTimeMs = try r.double()
            case 8: queueDepth = try r.uint32()
            case 9: cacheHitRatio = try r.double()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, name)
        w.field(2, pattern)
        w.field(3, breakerState)
        w.field(4, uint32: failureCount)
        w.field(5, uint64: requests)
        w.field(6, successRate)
        w.field(7, avgResponseTimeMs)
        w.field(8, uint32: queueDepth)
        w.field(9, cacheHitRatio)
    }
}

public struct PatternStatus: GatewayMessage {
    public var models: [ModelStatus]

    public init(models: [ModelStatus] = []) {
        self.models = models
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: models.append(try r.message(ModelStatus.init(from:)))
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        for m in models { w.message(1) { m.encode(to: &$0) } }
    }
}
