import Protobuf

/// A ServerReflectionResponse: built by `ReflectionService`, decodable for tests and clients.
public struct ReflectionResponse: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// Serialized FileDescriptorProtos.
        case files([[UInt8]])
        case extensionNumbers(baseType: String, numbers: [Int32])
        case services([String])
        case error(code: Int32, message: String)
    }

    public var validHost: String
    /// The request's bytes, echoed verbatim.
    public var originalRequest: [UInt8]
    public var body: Body?

    public init(validHost: String = "", originalRequest: [UInt8], body: Body?) {
        self.validHost = validHost
        self.originalRequest = originalRequest
        self.body = body
    }

    public func encoded() -> [UInt8] {
        var w = ProtoWriter(capacity: 256)
        w.field(1, validHost)
        w.tag(2, .lengthDelimited)
        w.lengthDelimited(originalRequest)
        switch body {
        case .files(let files):
            w.message(4) { $0.repeated(1, bytes: files) }
        case .extensionNumbers(let type, let numbers):
            w.message(5) { e in
                e.field(1, type)
                e.packed(2, int32s: numbers)
            }
        case .services(let names):
            w.message(6) { e in
                for n in names { e.message(1) { $0.field(1, n) } }
            }
        case .error(let code, let message):
            w.message(7) { e in
                e.field(1, int32: code)
                e.field(2, message)
            }
        case nil:
            break
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(ProtoError) {
        validHost = ""
        originalRequest = []
        body = nil
        var r = ProtoReader(bytes)
        while let f = try r.nextField() {
            switch f {
            case 1: validHost = try r.string()
            case 2: originalRequest = try r.bytes()
            case 4:
                body = .files(try r.message { (e: inout ProtoReader) throws(ProtoError) -> [[UInt8]] in
                    var files: [[UInt8]] = []
                    while let g = try e.nextField() {
                        if g == 1 { files.append(try e.bytes()) } else { try e.skipField() }
                    }
                    return files
                })
            case 5:
                body = try r.message { (e: inout ProtoReader) throws(ProtoError) -> Body in
                    var type = ""
                    var numbers: [Int32] = []
                    while let g = try e.nextField() {
                        switch g {
                        case 1: type = try e.string()
                        case 2: try e.int32s(into: &numbers)
                        default: try e.skipField()
                        }
                    }
                    return .extensionNumbers(baseType: type, numbers: numbers)
                }
            case 6:
                body = .services(try r.message { (e: inout ProtoReader) throws(ProtoError) -> [String] in
                    var names: [String] = []
                    while let g = try e.nextField() {
                        guard g == 1 else { try e.skipField(); continue }
                        names.append(try e.message { (s: inout ProtoReader) throws(ProtoError) -> String in
                            var name = ""
                            while let h = try s.nextField() {
                                if h == 1 { name = try s.string() } else { try s.skipField() }
                            }
                            return name
                        })
                    }
                    return names
                })
            case 7:
                body = try r.message { (e: inout ProtoReader) throws(ProtoError) -> Body in
                    var code: Int32 = 0
                    var message = ""
                    while let g = try e.nextField() {
                        switch g {
                        case 1: code = try e.int32()
                        case 2: message = try e.string()
                        default: try e.skipField()
                        }
                    }
                    return .error(code: code, message: message)
                }
            default: try r.skipField()
            }
        }
    }
}
