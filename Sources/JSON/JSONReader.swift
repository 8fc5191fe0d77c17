/// Pull reader for hot paths: walks a document token by token without building a tree, so a
/// request decoder can pick out the fields it wants and skip the rest.
///
/// The reader checks the whole grammar as it goes (including duplicate keys), and the final
/// `.end` is only returned once nothing but whitespace follows the value, so reading to `.end`
/// validates the document exactly as `JSON.parse` would.
///
///     var reader = JSONReader(body)
///     guard try reader.next() == .beginObject else { ... }
///     loop: while true {
///         switch try reader.next() {
///         case .key("query_vector"): vector = try reader.readFloatArray(maxCount: 4096)
///         case .key("limit"): limit = ...
///         case .key: try reader.skipValue()
///         default: break loop  // .endObject
///         }
///     }
///     guard try reader.next() == .end else { ... }
public struct JSONReader: Sendable {
    private let input: ArraySlice<UInt8>
    private let limits: JSONLimits
    private var scanner = TokenScanner()

    public init(_ bytes: ArraySlice<UInt8>, limits: JSONLimits = .init()) {
        self.input = bytes
        self.limits = limits
    }

    public init(_ bytes: [UInt8], limits: JSONLimits = .init()) {
        self.init(bytes[...], limits: limits)
    }

    /// Bytes consumed so far, counted from the start of the input; errors use the same origin.
    public var offset: Int { scanner.position }

    /// The next token. After the top-level value it returns `.end` (and keeps returning it), or
    /// throws if anything other than whitespace follows. After any error the document is
    /// rejected; the reader's state is then unspecified and it should not be used further.
    public mutating func next() throws(JSONError) -> Token {
        try input.withUnsafeBufferPointer { (bytes) throws(JSONError) -> Token in
            try scanner.next(in: Input(bytes: bytes, limits: limits))
        }
    }

    /// Consumes the next token and, if it opens an array or object, everything up to and
    /// including the matching close. Call it where a value is expected, e.g. after an unwanted
    /// `.key`.
    public mutating func skipValue() throws(JSONError) {
        var depth = 0
        repeat {
            switch try next() {
            case .beginArray, .beginObject: depth += 1
            case .endArray, .endObject: depth -= 1
            default: break
            }
        } while depth > 0
    }

    /// Reads the array of numbers at the current value position (`[1, 2.5, -3e-2]`) straight into
    /// floats, without making a token or a String per element. Each element is the float nearest
    /// to its text. Throws for an element that is not a number, for a number beyond the float
    /// range ("number out of range"), and for more than `maxCount` elements. With the
    /// `expectedCount` a caller knows (a model's vector size) the array is allocated once at its
    /// final size instead of growing through a chain of reallocations.
    public mutating func readFloatArray(maxCount: Int, expectedCount: Int = 0) throws(JSONError) -> [Float] {
        try input.withUnsafeBufferPointer { (bytes) throws(JSONError) -> [Float] in
            try scanner.numberArray(maxCount: maxCount, expectedCount: expectedCount,
                                    in: Input(bytes: bytes, limits: limits)) { number, input in
                let value = number.float(in: input)
                return value.isFinite ? value : nil
            }
        }
    }

    /// Like `readFloatArray`, with doubles; numbers beyond the double range are errors.
    public mutating func readDoubleArray(maxCount: Int) throws(JSONError) -> [Double] {
        try input.withUnsafeBufferPointer { (bytes) throws(JSONError) -> [Double] in
            try scanner.numberArray(maxCount: maxCount, in: Input(bytes: bytes, limits: limits)) { number, input in
                let value = number.double(in: input)
                return value.isFinite ? value : nil
            }
        }
    }
}
