/// Appends protobuf wire format (proto3) to a byte buffer. Message encoders call the typed
/// `field` methods in field-number order; proto3 defaults (0, false, "", empty) are omitted by
/// the `field` methods, as protoc-generated code does, while the `raw*` methods write
/// unconditionally (for repeated elements and map entries).
public struct ProtoWriter: Sendable {
    public internal(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: primitives

    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func tag(_ field: Int, _ wireType: WireType) {
        varint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    public mutating func fixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func lengthDelimited(_ payload: [UInt8]) {
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    // MARK: singular fields, proto3 defaults omitted

    public mutating func field(_ number: Int, _ value: String) {
        guard !value.isEmpty else { return }
        tag(number, .lengthDelimited)
        var s = value
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func field(_ number: Int, bytes value: [UInt8]) {
        guard !value.isEmpty else { return }
        tag(number, .lengthDelimited)
        lengthDelimited(value)
    }

    public mutating func field(_ number: Int, _ value: Bool) {
        guard value else { return }
        tag(number, .varint)
        bytes.append(1)
    }

    /// int32: negative values are sign-extended to 10 bytes, as the protobuf spec requires.
    public mutating func field(_ number: Int, int32 value: Int32) {
        guard value != 0 else { return }
        tag(number, .varint)
        varint(UInt64(bitPattern: Int64(value)))
    }

    public mutating func field(_ number: Int, int64 value: Int64) {
        guard value != 0 else { return }
        tag(number, .varint)
        varint(UInt64(bitPattern: value))
    }

    public mutating func field(_ number: Int, uint32 value: UInt32) {
        guard value != 0 else { return }
        tag(number, .varint)
        varint(UInt64(value))
    }

    public mutating func field(_ number: Int, uint64 value: UInt64) {
        guard value != 0 else { return }
        tag(number, .varint)
        varint(value)
    }

    /// Omitted only for +0.0, as protoc does (-0.0 has a distinct bit pattern and is written).
    public mutating func field(_ number: Int, _ value: Double) {
        guard value.bitPattern != 0 else { return }
        tag(number, .fixed64)
        fixed64(value.bitPattern)
    }

    public mutating func field(_ number: Int, _ value: Float) {
        guard value.bitPattern != 0 else { return }
        tag(number, .fixed32)
        fixed32(value.bitPattern)
    }

    /// A nested message, written even when empty (a set message field is present on the wire).
    public mutating func message(_ number: Int, _ encode: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        encode(&inner)
        tag(number, .lengthDelimited)
        lengthDelimited(inner.bytes)
    }

    // MARK: repeated fields

    /// Packed, as proto3 writes repeated scalars; nothing for an empty list.
    public mutating func packed(_ number: Int, floats values: [Float]) {
        guard !values.isEmpty else { return }
        tag(number, .lengthDelimited)
        varint(UInt64(values.count * 4))
        let needed = bytes.count + values.count * 4
        if needed > bytes.capacity { bytes.reserveCapacity(Swift.max(needed, bytes.capacity * 2)) }
        // The wire is little-endian like the host here, so the floats go in as one copy; a
        // big-endian host writes them one by one.
        if UInt32(1).littleEndian == 1 {
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        } else {
            for v in values { fixed32(v.bitPattern) }
        }
    }

    public mutating func packed(_ number: Int, int32s values: [Int32]) {
        guard !values.isEmpty else { return }
        var inner = ProtoWriter()
        for v in values { inner.varint(UInt64(bitPattern: Int64(v))) }
        tag(number, .lengthDelimited)
        lengthDelimited(inner.bytes)
    }

    /// Each element, empty strings included (they are elements, not defaults).
    public mutating func repeated(_ number: Int, strings values: [String]) {
        for v in values {
            tag(number, .lengthDelimited)
            var s = v
            s.withUTF8 { utf8 in
                varint(UInt64(utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }
    }

    public mutating func repeated(_ number: Int, bytes values: [[UInt8]]) {
        for v in values {
            tag(number, .lengthDelimited)
            lengthDelimited(v)
        }
    }

    /// `map<string, string>`: one entry message {key = 1, value = 2} per pair, in the given order.
    public mutating func map(_ number: Int, _ pairs: [(key: String, value: String)]) {
        for (k, v) in pairs {
            message(number) { e in
                e.field(1, k)
                e.field(2, v)
            }
        }
    }
}

public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}
