import GatewayProto
import Protobuf
import Testing

/// Every class of malformed input throws its ProtoError: no trap, and no allocation sized from a
/// length the input cannot back.
@Suite("Malformed protobuf input")
struct MalformedInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: MessageKind
        var bytes: [UInt8]
        var error: ProtoError
        var testDescription: String { name }
    }

    static let tenFF = [UInt8](repeating: 0xFF, count: 10)

    static let cases: [Case] = [
        Case(name: "string length past the end", kind: .embedRequest, bytes: [0x0A, 0x05, 0x61], error: .truncated(offset: 1)),
        Case(name: "length of 2^62", kind: .embedRequest, bytes: [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40], error: .truncated(offset: 1)),
        Case(name: "length of 2^64-1", kind: .embedding, bytes: [0x0A] + tenFF.dropLast() + [0x01], error: .truncated(offset: 1)),
        Case(name: "packed floats longer than the input", kind: .point, bytes: [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0, 0], error: .truncated(offset: 1)),
        Case(name: "nested message past the end", kind: .ingestRequest, bytes: [0x12, 0x10, 0x0A, 0x01, 0x61], error: .truncated(offset: 1)),
        Case(name: "truncated inside a nested message", kind: .ingestRequest, bytes: [0x12, 0x03, 0x0A, 0x05, 0x61], error: .truncated(offset: 3)),
        Case(name: "truncated fixed32", kind: .searchRequest, bytes: [0x35, 0x00, 0x00], error: .truncated(offset: 1)),
        Case(name: "truncated fixed64", kind: .searchResponse, bytes: [0x21, 0x00, 0x00, 0x00], error: .truncated(offset: 1)),
        Case(name: "truncated varint value", kind: .embedRequest, bytes: [0x20, 0x80], error: .truncated(offset: 2)),
        Case(name: "truncated tag", kind: .embedRequest, bytes: [0x80], error: .truncated(offset: 1)),
        Case(name: "tag without a value", kind: .embedRequest, bytes: [0x0A], error: .truncated(offset: 1)),
        Case(name: "unknown field truncated", kind: .getBatchRequest, bytes: [0x2D, 0x01], error: .truncated(offset: 1)),
        Case(name: "varint of 11 bytes", kind: .embedRequest, bytes: [0x20] + tenFF + [0x01], error: .malformedVarint(offset: 1)),
        Case(name: "10th varint byte above 1", kind: .modelStatus, bytes: [0x28] + tenFF.dropLast() + [0x02], error: .malformedVarint(offset: 1)),
        Case(name: "tag varint over 10 bytes", kind: .embedding, bytes: tenFF + [0x01], error: .malformedVarint(offset: 0)),
        Case(name: "field number 0", kind: .embedRequest, bytes: [0x02, 0x00], error: .invalidTag(offset: 0)),
        Case(name: "field number above 2^29-1", kind: .embedRequest, bytes: [0x80, 0x80, 0x80, 0x80, 0x20, 0x00], error: .invalidTag(offset: 0)),
        Case(name: "wire type 6", kind: .embedRequest, bytes: [0x0E, 0x00], error: .invalidTag(offset: 0)),
        Case(name: "wire type 7", kind: .embedding, bytes: [0x0F, 0x00], error: .invalidTag(offset: 0)),
        Case(name: "start group", kind: .embedRequest, bytes: [0x0B, 0x0C], error: .invalidTag(offset: 0)),
        Case(name: "end group", kind: .embedRequest, bytes: [0x0C], error: .invalidTag(offset: 0)),
        Case(name: "group inside a nested message", kind: .patternStatus, bytes: [0x0A, 0x02, 0x0B, 0x0C], error: .invalidTag(offset: 2)),
        Case(name: "string sent as varint", kind: .embedRequest, bytes: [0x08, 0x01], error: .wrongWireType(field: 1, offset: 1)),
        Case(name: "bool sent length-delimited", kind: .embedRequest, bytes: [0x1A, 0x00], error: .wrongWireType(field: 3, offset: 1)),
        Case(name: "float sent as fixed64", kind: .scoredPoint, bytes: [0x11, 0, 0, 0, 0, 0, 0, 0, 0], error: .wrongWireType(field: 2, offset: 1)),
        Case(name: "double sent as fixed32", kind: .searchResponse, bytes: [0x25, 0, 0, 0, 0], error: .wrongWireType(field: 4, offset: 1)),
        Case(name: "repeated float sent as varint", kind: .embedding, bytes: [0x08, 0x01], error: .wrongWireType(field: 1, offset: 1)),
        Case(name: "message sent as varint", kind: .patternStatus, bytes: [0x08, 0x01], error: .wrongWireType(field: 1, offset: 1)),
        Case(name: "map entry sent as fixed32", kind: .point, bytes: [0x1D, 0, 0, 0, 0], error: .wrongWireType(field: 3, offset: 1)),
        Case(name: "enum sent as fixed64", kind: .healthCheckResponse, bytes: [0x09, 0, 0, 0, 0, 0, 0, 0, 0], error: .wrongWireType(field: 1, offset: 1)),
        Case(name: "packed floats of 3 bytes", kind: .embedding, bytes: [0x0A, 0x03, 1, 2, 3], error: .invalidValue(field: 1, offset: 2)),
        Case(name: "packed floats of 9 bytes", kind: .searchRequest, bytes: [0x12, 0x09] + [UInt8](repeating: 0, count: 9), error: .invalidValue(field: 2, offset: 2)),
        Case(name: "invalid UTF-8", kind: .getBatchRequest, bytes: [0x0A, 0x02, 0xC3, 0x28], error: .invalidUTF8(field: 1, offset: 2)),
        Case(name: "UTF-8 surrogate", kind: .embedRequest, bytes: [0x12, 0x03, 0xED, 0xA0, 0x80], error: .invalidUTF8(field: 2, offset: 2)),
        Case(name: "overlong UTF-8", kind: .healthCheckRequest, bytes: [0x0A, 0x02, 0xC0, 0xAF], error: .invalidUTF8(field: 1, offset: 2)),
        Case(name: "invalid UTF-8 in a map key", kind: .scoredPoint, bytes: [0x1A, 0x03, 0x0A, 0x01, 0xFF], error: .invalidUTF8(field: 1, offset: 4)),
        Case(name: "invalid UTF-8 in a map value", kind: .searchRequest, bytes: [0x2A, 0x03, 0x12, 0x01, 0x80], error: .invalidUTF8(field: 2, offset: 4)),
    ]

    @Test(arguments: cases)
    func throwsItsError(_ c: Case) {
        #expect(throws: c.error) { _ = try c.kind.decode(c.bytes) }
    }

    /// A message that nests itself in field 1, as deep as the input goes.
    struct Nested {
        var depth = 0

        init(from r: inout ProtoReader) throws(ProtoError) {
            while let field = try r.nextField() {
                switch field {
                case 1: depth = try r.message { (inner: inout ProtoReader) throws(ProtoError) in try Nested(from: &inner) }.depth + 1
                default: try r.skipField()
                }
            }
        }
    }

    static func nested(_ levels: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<levels {
            var w = ProtoWriter()
            w.field(1, bytes: bytes)
            if bytes.isEmpty { w.tag(1, .lengthDelimited); w.varint(0) }
            bytes = w.bytes
        }
        return bytes
    }

    @Test func nestingUpToMaxDepthDecodes() throws {
        var r = ProtoReader(Self.nested(ProtoReader.maxDepth))
        #expect(try Nested(from: &r).depth == ProtoReader.maxDepth)
    }

    @Test func nestingDeeperThanMaxDepthThrows() {
        #expect(throws: ProtoError.tooDeep) {
            var r = ProtoReader(Self.nested(ProtoReader.maxDepth + 1))
            _ = try Nested(from: &r)
        }
        #expect(throws: ProtoError.tooDeep) {
            var r = ProtoReader(Self.nested(2_000))
            _ = try Nested(from: &r)
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(ProtoError.truncated(offset: 3).description == "truncated message at byte 3")
        #expect(ProtoError.tooDeep.description == "message nesting is too deep")
    }
}
