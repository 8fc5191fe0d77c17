/// Why bytes are not a valid message. Every decoder error is one of these: malformed input never
/// traps and never makes the decoder allocate more than the input could hold.
public enum ProtoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ended inside a tag, value or length-delimited field.
    case truncated(offset: Int)
    /// A varint longer than 10 bytes, or a 10th byte above 1.
    case malformedVarint(offset: Int)
    /// Field number 0, above 2^29-1, or wire type 6/7 (or groups, which proto3 never uses).
    case invalidTag(offset: Int)
    /// A known field arrived with a wire type its declared type cannot have.
    case wrongWireType(field: Int, offset: Int)
    /// A string field whose bytes are not UTF-8 (proto3 requires it).
    case invalidUTF8(field: Int, offset: Int)
    /// Packed fixed-size data whose length is not a multiple of the element size, or a value
    /// out of its type's range.
    case invalidValue(field: Int, offset: Int)
    /// Nesting deeper than the decoder's limit.
    case tooDeep

    public var description: String {
        switch self {
        case .truncated(let o): "truncated message at byte \(o)"
        case .malformedVarint(let o): "malformed varint at byte \(o)"
        case .invalidTag(let o): "invalid field tag at byte \(o)"
        case .wrongWireType(let f, let o): "field \(f) has the wrong wire type at byte \(o)"
        case .invalidUTF8(let f, let o): "field \(f) is not valid UTF-8 at byte \(o)"
        case .invalidValue(let f, let o): "field \(f) has an invalid value at byte \(o)"
        case .tooDeep: "message nesting is too deep"
        }
    }
}
