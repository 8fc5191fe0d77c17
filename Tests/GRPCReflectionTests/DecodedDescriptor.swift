import Protobuf

/// An independent reading of FileDescriptorProto bytes with ProtoReader, keeping presence
/// (nil = absent on the wire), so the tests check the bytes rather than the model.
struct DecodedFile {
    var name: String?
    var package: String?
    var dependencies: [String] = []
    var messages: [DecodedMessage] = []
    var enums: [DecodedEnum] = []
    var services: [DecodedService] = []
    var hasOptions = false
    var syntax: String?

    init(_ bytes: [UInt8]) throws(ProtoError) {
        var r = ProtoReader(bytes)
        while let f = try r.nextField() {
            switch f {
            case 1: name = try r.string()
            case 2: package = try r.string()
            case 3: dependencies.append(try r.string())
            case 4: messages.append(try r.message { (m: inout ProtoReader) throws(ProtoError) in try DecodedMessage(&m) })
            case 5: enums.append(try r.message { (m: inout ProtoReader) throws(ProtoError) in try DecodedEnum(&m) })
            case 6: services.append(try r.message { (m: inout ProtoReader) throws(ProtoError) in try DecodedService(&m) })
            case 8: hasOptions = true; try r.skipField()
            case 12: syntax = try r.string()
            default: try r.skipField()
            }
        }
    }

    func message(_ name: String) -> DecodedMessage? { messages.first { $0.name == name } }
}

struct DecodedMessage {
    var name: String?
    var fields: [DecodedField] = []
    var nested: [DecodedMessage] = []
    var enums: [DecodedEnum] = []
    var mapEntry: Bool?
    var oneofs: [String] = []

    init(_ r: inout ProtoReader) throws(ProtoError) {
        while let f = try r.nextField() {
            switch f {
            case 1: name = try r.string()
            case 2: fields.append(try r.message { (m: inout ProtoReader) throws(ProtoError) in try DecodedField(&m) })
            case 3: nested.append(try r.message { (m: inout ProtoReader) throws(ProtoError) in try DecodedMessage(&m) })
            case 4: enums.append(try r.message { (m: inout ProtoReader) throws(ProtoError) in try DecodedEnum(&m) })
            case 7:
                mapEntry = try r.message { (o: inout ProtoReader) throws(ProtoError) -> Bool? in
                    var value: Bool?
                    while let g = try o.nextField() {
                        if g == 7 { value = try o.bool() } else { try o.skipField() }
                    }
                    return value
                }
            case 8:
                oneofs.append(try r.message { (o: inout ProtoReader) throws(ProtoError) -> String in
                    var name = ""
                    while let g = try o.nextField() {
                        if g == 1 { name = try o.string() } else { try o.skipField() }
                    }
                    return name
                })
            default: try r.skipField()
            }
        }
    }

    func field(_ name: String) -> DecodedField? { fields.first { $0.name == name } }
}

struct DecodedField {
    var name: String?
    var number: Int32?
    var label: Int32?
    var type: Int32?
    var typeName: String?
    var oneofIndex: Int32?
    var jsonName: String?

    init(_ r: inout ProtoReader) throws(ProtoError) {
        while let f = try r.nextField() {
            switch f {
            case 1: name = try r.string()
            case 3: number = try r.int32()
            case 4: label = try r.int32()
            case 5: type = try r.int32()
            case 6: typeName = try r.string()
            case 9: oneofIndex = try r.int32()
            case 10: jsonName = try r.string()
            default: try r.skipField()
            }
        }
    }
}

struct DecodedEnum {
    var name: String?
    var values: [(name: String?, number: Int32?)] = []

    init(_ r: inout ProtoReader) throws(ProtoError) {
        while let f = try r.nextField() {
            switch f {
            case 1: name = try r.string()
            case 2:
                values.append(try r.message { (v: inout ProtoReader) throws(ProtoError) -> (name: String?, number: Int32?) in
                    var name: String?
                    var number: Int32?
                    while let g = try v.nextField() {
                        switch g {
                        case 1: name = try v.string()
                        case 2: number = try v.int32()
                        default: try v.skipField()
                        }
                    }
                    return (name, number)
                })
            default: try r.skipField()
            }
        }
    }
}

struct DecodedService {
    struct Method {
        var name: String?
        var input: String?
        var output: String?
        var clientStreaming: Bool?
        var serverStreaming: Bool?
    }

    var name: String?
    var methods: [Method] = []

    init(_ r: inout ProtoReader) throws(ProtoError) {
        while let f = try r.nextField() {
            switch f {
            case 1: name = try r.string()
            case 2:
                methods.append(try r.message { (m: inout ProtoReader) throws(ProtoError) -> Method in
                    var method = Method()
                    while let g = try m.nextField() {
                        switch g {
                        case 1: method.name = try m.string()
                        case 2: method.input = try m.string()
                        case 3: method.output = try m.string()
                        case 5: method.clientStreaming = try m.bool()
                        case 6: method.serverStreaming = try m.bool()
                        default: try m.skipField()
                        }
                    }
                    return method
                })
            default: try r.skipField()
            }
        }
    }

    func method(_ name: String) -> Method? { methods.first { $0.name == name } }
}
