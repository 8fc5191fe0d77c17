import Protobuf

/// Encodes the model as `google.protobuf.FileDescriptorProto`. descriptor.proto is proto2, so
/// fields have presence: a set zero (an enum value's number 0, oneof_index 0) must be written,
/// which ProtoWriter's proto3 `field` methods would omit; hence the unconditional helpers here.
extension FileDescriptor {
    public func encoded() -> [UInt8] {
        var w = ProtoWriter(capacity: 1024)
        w.string(1, name)
        if !package.isEmpty { w.string(2, package) }
        for d in dependencies { w.string(3, d) }
        for m in messages { w.message(4) { m.encode(into: &$0) } }
        for e in enums { w.message(5) { e.encode(into: &$0) } }
        for s in services { w.message(6) { s.encode(into: &$0) } }
        if let options { w.message(8) { options.encode(into: &$0) } }
        w.string(12, syntax)
        return w.bytes
    }
}

extension FileOptions {
    func encode(into w: inout ProtoWriter) {
        if let javaPackage { w.string(1, javaPackage) }
        if let javaOuterClassname { w.string(8, javaOuterClassname) }
        if let javaMultipleFiles { w.int(10, javaMultipleFiles ? 1 : 0) }
        if let goPackage { w.string(11, goPackage) }
        if let deprecated { w.int(23, deprecated ? 1 : 0) }
        if let objcClassPrefix { w.string(36, objcClassPrefix) }
        if let csharpNamespace { w.string(37, csharpNamespace) }
    }
}

extension MessageDescriptor {
    func encode(into w: inout ProtoWriter) {
        w.string(1, name)
        for f in fields { w.message(2) { f.encode(into: &$0) } }
        for n in nested { w.message(3) { n.encode(into: &$0) } }
        for e in enums { w.message(4) { e.encode(into: &$0) } }
        if isMapEntry { w.message(7) { $0.int(7, 1) } }
        for o in oneofs { w.message(8) { $0.string(1, o) } }
    }
}

extension FieldDescriptor {
    func encode(into w: inout ProtoWriter) {
        w.string(1, name)
        w.int(3, Int64(number))
        w.int(4, Int64(label.rawValue))
        w.int(5, Int64(type.number))
        if let typeName = type.typeName { w.string(6, typeName) }
        if let oneofIndex { w.int(9, Int64(oneofIndex)) }
        w.string(10, jsonName)
    }
}

extension EnumDescriptor {
    func encode(into w: inout ProtoWriter) {
        w.string(1, name)
        for v in values {
            w.message(2) { e in
                e.string(1, v.name)
                e.int(2, Int64(v.number))
            }
        }
    }
}

extension ServiceDescriptor {
    func encode(into w: inout ProtoWriter) {
        w.string(1, name)
        for m in methods {
            w.message(2) { e in
                e.string(1, m.name)
                e.string(2, m.inputType)
                e.string(3, m.outputType)
                // protoc sets the streaming flags only for `stream`, never as an explicit false.
                if m.clientStreaming { e.int(5, 1) }
                if m.serverStreaming { e.int(6, 1) }
            }
        }
    }
}

extension ProtoWriter {
    /// A present string field, written even when empty.
    mutating func string(_ number: Int, _ value: String) {
        tag(number, .lengthDelimited)
        lengthDelimited(Array(value.utf8))
    }

    /// A present varint field (int32/enum/bool), written even when zero; negatives sign-extend.
    mutating func int(_ number: Int, _ value: Int64) {
        tag(number, .varint)
        varint(UInt64(bitPattern: value))
    }
}
