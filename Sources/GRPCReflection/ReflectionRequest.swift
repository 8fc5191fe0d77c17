import Protobuf

/// A decoded grpc.reflection.{v1,v1alpha}.ServerReflectionRequest (identical on the wire).
public struct ReflectionRequest: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case fileByFilename(String)
        case fileContainingSymbol(String)
        case fileContainingExtension(containingType: String, number: Int32)
        case allExtensionNumbersOfType(String)
        case listServices(String)
    }

    public var host = ""
    /// nil when no oneof member was set.
    public var kind: Kind?

    public init(host: String = "", kind: Kind? = nil) {
        self.host = host
        self.kind = kind
    }

    public init(decoding bytes: [UInt8]) throws(ProtoError) {
        var r = ProtoReader(bytes)
        // A oneof seen twice keeps the last member, as every protobuf parser does.
        while let f = try r.nextField() {
            switch f {
            case 1: host = try r.string()
            case 3: kind = .fileByFilename(try r.string())
            case 4: kind = .fileContainingSymbol(try r.string())
            case 5:
                kind = try r.message { (e: inout ProtoReader) throws(ProtoError) -> Kind in
                    var type = ""
                    var number: Int32 = 0
                    while let g = try e.nextField() {
                        switch g {
                        case 1: type = try e.string()
                        case 2: number = try e.int32()
                        default: try e.skipField()
                        }
                    }
                    return .fileContainingExtension(containingType: type, number: number)
                }
            case 6: kind = .allExtensionNumbersOfType(try r.string())
            case 7: kind = .listServices(try r.string())
            default: try r.skipField()
            }
        }
    }

    /// Oneof members are written even when empty: their presence is the request.
    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        w.field(1, host)
        switch kind {
        case .fileByFilename(let s): w.string(3, s)
        case .fileContainingSymbol(let s): w.string(4, s)
        case .fileContainingExtension(let type, let number):
            w.message(5) { e in
                e.field(1, type)
                e.field(2, int32: number)
            }
        case .allExtensionNumbersOfType(let s): w.string(6, s)
        case .listServices(let s): w.string(7, s)
        case nil: break
        }
        return w.bytes
    }
}
