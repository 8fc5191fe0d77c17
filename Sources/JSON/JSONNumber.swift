/// A number kept as its exact source text, so nothing is lost on the way through: 64-bit ids,
/// 1e400, 0.1000000000000000055 all serialize back as written. Conversions happen on request.
///
/// Equality is textual: `1.0` and `1` are different numbers here, as they are different JSON.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// Always valid RFC 8259 number text.
    public private(set) var text: String

    /// For text the scanner has already checked.
    init(validatedText: String) {
        self.text = validatedText
    }

    /// Nil unless `text` is exactly one JSON number (no sign '+', no surrounding spaces).
    public init?(text: String) {
        var copy = text
        let valid = copy.withUTF8 { bytes -> Bool in
            guard !bytes.isEmpty, bytes[0] == UInt8(ascii: "-") || Input.isDigit(bytes[0]) else { return false }
            let input = Input(bytes: bytes, limits: JSONLimits())
            guard let number = try? input.scanNumber(at: 0, maxLength: Int.max) else { return false }
            return number.end == bytes.count
        }
        guard valid else { return nil }
        self.text = text
    }

    public init(_ value: Int) {
        self.text = String(value)
    }

    /// Nil for NaN and infinities, which JSON cannot express. The text is the shortest that
    /// reads back as the same double.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.text = value.description
    }

    /// Nil for NaN and infinities; the text is the shortest that reads back as the same float.
    public init?(_ value: Float) {
        guard value.isFinite else { return nil }
        self.text = value.description
    }

    /// The double nearest to the text; ±infinity beyond the double range (like `Double(text)`).
    public var double: Double {
        withScanned { number, input in number.double(in: input) }
    }

    /// The float nearest to the text; ±infinity beyond the float range.
    public var float: Float {
        withScanned { number, input in number.float(in: input) }
    }

    /// The value when the text is a plain integer (no fraction, no exponent) that fits in `Int`.
    /// "1e2" and "1.0" give nil: they are written as non-integers, and guessing would make the
    /// answer depend on formatting. "-0" gives 0.
    public var int: Int? {
        guard isInteger else { return nil }
        return Int(text)
    }

    /// True for plain integer text: no fraction, no exponent.
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
    }

    public var description: String { text }

    private func withScanned<Result>(_ body: (ScannedNumber, Input) -> Result) -> Result {
        var copy = text
        return copy.withUTF8 { bytes in
            let input = Input(bytes: bytes, limits: JSONLimits())
            // The text was validated when this value was made, so scanning cannot fail.
            let number = try! input.scanNumber(at: 0, maxLength: Int.max)
            return body(number, input)
        }
    }
}
