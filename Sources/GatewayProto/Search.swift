import Protobuf

public struct SearchRequest: GatewayMessage {
    public var model: String
    public var queryVector: [Float]
    public var query: String
    public var limit: UInt32
    public var filter: [(key: String, value: String)]
    public var scoreThreshold: Float
    /// 0: the model's default.
    public var ef: Int32
    public var exact: Bool

    public init(
        model: String = "", queryVector: [Float] = [], query: String = "", limit: UInt32 = 0,
        filter: [(key: String, value: String)] = [], scoreThreshold: Float = 0, ef: Int32 = 0, exact: Bool = false
    ) {
        self.ef = ef
        self.exact = exact
        self.model = model
        self.queryVector = queryVector
        self.query = query
        self.limit = limit
        self.filter = filter
        self.scoreThreshold = scoreThreshold
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: try r.floats(into: &queryVector)
            case 3: query = try r.string()
            case 4: limit = try r.uint32()
            case 5: filter.append(try r.mapEntry())
            case 6: scoreThreshold = try r.float()
            case 7: ef = try r.int32()
            case 8: exact = try r.bool()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        w.packed(2, floats: queryVector)
        w.field(3, query)
        w.field(4, uint32: limit)
        w.map(5, filter)
        w.field(6, scoreThreshold)
        w.field(7, int32: ef)
        w.field(8, exact)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.model == b.model && a.queryVector == b.queryVector && a.query == b.query && a.limit == b.limit
            && pairsEqual(a.filter, b.filter) && a.scoreThreshold == b.scoreThreshold && a.ef == b.ef && a.exact == b.exact
    }
}

public struct ScoredPoint: GatewayMessage {
    public var id: String
    public var score: Float
    public var payload: [(key: String, value: String)]

    public init(id: String = "", score: Float = 0, payload: [(key: String, value: String)] = []) {
        self.id = id
        self.score = score
        self.payload = payload
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: id = try r.string()
            case 2: score = try r.float()
            case 3: payload.append(try r.mapEntry())
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, id)
        w.field(2, score)
        w.map(3, payload)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.id == b.id && a.score == b.score && pairsEqual(a.payload, b.payload)
    }
}

public struct SearchResponse: GatewayMessage {
    public var model: String
    public var results: [ScoredPoint]
    public var cached: Bool
    public var tookMs: Double

    public init(model: String = "", results: [ScoredPoint] = [], cached: Bool = false, tookMs: Double = 0) {
        self.model = model
        self.results = results
        self.cached = cached
        self.tookMs = tookMs
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: results.append(try r.message(ScoredPoint.init(from:)))
            case 3: cached = try r.bool()
            case 4: tookMs = try r.double()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        for p in results { w.message(2) { p.encode(to: &$0) } }
        w.field(3, cached)
        w.field(4, tookMs)
    }
}
