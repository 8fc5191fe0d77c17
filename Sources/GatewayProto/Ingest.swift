import Protobuf

public struct Point: GatewayMessage {
    public var id: String
    public var vector: [Float]
    public var payload: [(key: String, value: String)]

    public init(id: String = "", vector: [Float] = [], payload: [(key: String, value: String)] = []) {
        self.id = id
        self.vector = vector
        self.payload = payload
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: id = try r.string()
            case 2: try r.floats(into: &vector)
            case 3: payload.append(try r.mapEntry())
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, id)
        w.packed(2, floats: vector)
        w.map(3, payload)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.id == b.id && a.vector == b.vector && pairsEqual(a.payload, b.payload)
    }
}

public struct IngestRequest: GatewayMessage {
    public var model: String
    public var points: [Point]

    public init(model: String = "", points: [Point] = []) {
        self.model = model
        self.points = points
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: points.append(try r.message(Point.init(from:)))
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        for p in points { w.message(2) { p.encode(to: &$0) } }
    }
}

public struct IngestResponse: GatewayMessage {
    public var model: String
    public var ingested: UInt32
    public var ids: [String]

    public init(model: String = "", ingested: UInt32 = 0, ids: [String] = []) {
        self.model = model
        self.ingested = ingested
        self.ids = ids
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: model = try r.string()
            case 2: ingested = try r.uint32()
            case 3: ids.append(try r.string())
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, model)
        w.field(2, uint32: ingested)
        w.repeated(3, strings: ids)
    }
}
