/// Reads protobuf wire format field by field. A message decoder loops over `nextField()`,
/// switches on the field number and calls the typed read for that field's declared type; each
/// typed read checks the wire type, and unknown fields are passed to `skipField()`.
///
///     var r = ProtoReader(bytes)
///     while let field = try r.nextField() {
///         switch field {
///         case 1: model = try r.string()
///         case 2: try r.floats(into: &values)   // packed or not
///         default: try r.skipField()
///         }
///     }
public struct ProtoReader: Sendable {
    public static let maxDepth = 64

    private let input: [UInt8]
    private var position: Int
    private let end: Int
    private let depth: Int
    /// The field `nextField()` returned last.
    public private(set) var fieldNumber = 0
    public private(set) var wireType = WireType.varint

    public init(_ bytes: [UInt8]) {
        self.init(bytes, from: 0, to: bytes.count, depth: 0)
    }

    private init(_ bytes: [UInt8], from start: Int, to end: Int, depth: Int) {
        input = bytes
        position = start
        self.end = end
        self.depth = depth
    }

    public var offset: Int { position }
    public var isAtEnd: Bool { position >= end }

    /// The next field's number, or nil at the end of the message.
    public mutating func nextField() throws(ProtoError) -> Int? {
        guard position < end else { return nil }
        let at = position
        let key = try readVarint()
        let number = key >> 3
        guard number >= 1, number <= 536_870_911, let type = WireType(rawValue: UInt8(key & 7)),
              type != .startGroup, type != .endGroup else {
            throw .invalidTag(offset: at)
        }
        fieldNumber = Int(number)
        wireType = type
        return fieldNumber
    }

    // MARK: primitives

    public mutating func readVarint() throws(ProtoError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated(offset: position) }
            let byte = input[position]
            position += 1
            if shift == 63 && byte > 1 { throw .malformedVarint(offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .malformedVarint(offset: start) }
        }
    }

    private mutating func readFixed32() throws(ProtoError) -> UInt32 {
        guard end - position >= 4 else { throw .truncated(offset: position) }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(input[position + i]) << (8 * i) }
        position += 4
        return v
    }

    private mutating func readFixed64() throws(ProtoError) -> UInt64 {
        guard end - position >= 8 else { throw .truncated(offset: position) }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(input[position + i]) << (8 * i) }
        position += 8
        return v
    }

    /// The bounds of a length-delimited payload; the position moves past it.
    private mutating func readLength() throws(ProtoError) -> Range<Int> {
        let at = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else { throw .truncated(offset: at) }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    private func expect(_ type: WireType) throws(ProtoError) {
        guard wireType == type else { throw .wrongWireType(field: fieldNumber, offset: position) }
    }

    // MARK: typed reads of the current field

    public mutating func string() throws(ProtoError) -> String {
        try expect(.lengthDelimited)
        let range = try readLength()
        guard let s = String(validating: input[range], as: UTF8.self) else {
            throw .invalidUTF8(field: fieldNumber, offset: range.lowerBound)
        }
        return s
    }

    public mutating func bytes() throws(ProtoError) -> [UInt8] {
        try expect(.lengthDelimited)
        return Array(input[try readLength()])
    }

    public mutating func bool() throws(ProtoError) -> Bool {
        try expect(.varint)
        return try readVarint() != 0
    }

    /// Truncated to 32 bits, as every protobuf runtime does.
    public mutating func int32() throws(ProtoError) -> Int32 {
        try expect(.varint)
        return Int32(truncatingIfNeeded: try readVarint())
    }

    public mutating func int64() throws(ProtoError) -> Int64 {
        try expect(.varint)
        return Int64(bitPattern: try readVarint())
    }

    public mutating func uint32() throws(ProtoError) -> UInt32 {
        try expect(.varint)
        return UInt32(truncatingIfNeeded: try readVarint())
    }

    public mutating func uint64() throws(ProtoError) -> UInt64 {
        try expect(.varint)
        return try readVarint()
    }

    public mutating func double() throws(ProtoError) -> Double {
        try expect(.fixed64)
        return Double(bitPattern: try readFixed64())
    }

    public mutating func float() throws(ProtoError) -> Float {
        try expect(.fixed32)
        return Float(bitPattern: try readFixed32())
    }

    /// A nested message, decoded by `decode` on a reader limited to its bytes.
    public mutating func message<T>(_ decode: (inout ProtoReader) throws(ProtoError) -> T) throws(ProtoError) -> T {
        try expect(.lengthDelimited)
        guard depth < Self.maxDepth else { throw .tooDeep }
        let range = try readLength()
        var inner = ProtoReader(input, from: range.lowerBound, to: range.upperBound, depth: depth + 1)
        return try decode(&inner)
    }

    /// One element of a repeated float (unpacked) or a packed run of them: both are accepted,
    /// as the protobuf spec requires of parsers.
    public mutating func floats(into values: inout [Float]) throws(ProtoError) {
        switch wireType {
        case .fixed32:
            values.append(Float(bitPattern: try readFixed32()))
        case .lengthDelimited:
            let range = try readLength()
            guard range.count % 4 == 0 else { throw .invalidValue(field: fieldNumber, offset: range.lowerBound) }
            // Geometric growth: many small packed runs of one field must not copy the array per run.
            let needed = values.count + range.count / 4
            if needed > values.capacity { values.reserveCapacity(Swift.max(needed, values.capacity * 2)) }
            if UInt32(1).littleEndian == 1 {
                // Same byte order as the wire: one copy (the source need not be aligned).
                let start = values.count
                values.append(contentsOf: repeatElement(0, count: range.count / 4))
                values.withUnsafeMutableBytes { dst in
                    input.withUnsafeBytes { src in
                        dst.baseAddress!.advanced(by: start * 4)
                            .copyMemory(from: src.baseAddress!.advanced(by: range.lowerBound), byteCount: range.count)
                    }
                }
            } else {
                var p = range.lowerBound
                while p < range.upperBound {
                    var v: UInt32 = 0
                    for i in 0..<4 { v |= UInt32(input[p + i]) << (8 * i) }
                    values.append(Float(bitPattern: v))
                    p += 4
                }
            }
        default:
            throw .wrongWireType(field: fieldNumber, offset: position)
        }
    }

    /// Repeated int32, packed or not.
    public mutating func int32s(into values: inout [Int32]) throws(ProtoError) {
        switch wireType {
        case .varint:
            values.append(Int32(truncatingIfNeeded: try readVarint()))
        case .lengthDelimited:
            let range = try readLength()
            var inner = ProtoReader(input, from: range.lowerBound, to: range.upperBound, depth: depth + 1)
            while !inner.isAtEnd { values.append(Int32(truncatingIfNeeded: try inner.readVarint())) }
        default:
            throw .wrongWireType(field: fieldNumber, offset: position)
        }
    }

    /// One `map<string, string>` entry: {key = 1, value = 2}, either may be absent (then "").
    public mutating func mapEntry() throws(ProtoError) -> (key: String, value: String) {
        try message { (e: inout ProtoReader) throws(ProtoError) -> (key: String, value: String) in
            var key = ""
            var value = ""
            while let f = try e.nextField() {
                switch f {
                case 1: key = try e.string()
                case 2: value = try e.string()
                default: try e.skipField()
                }
            }
            return (key, value)
        }
    }

    /// Skips the current field's value (an unknown field).
    public mutating func skipField() throws(ProtoError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLength()
        case .startGroup, .endGroup: throw .invalidTag(offset: position)
        }
    }
}
