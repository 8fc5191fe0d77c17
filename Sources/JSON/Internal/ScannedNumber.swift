/// What the number scanner learned while checking the grammar: enough to compute the value in the
/// common case without reading the text a second time.
struct ScannedNumber {
    /// The text is `bytes[start..<end]`.
    var start: Int
    var end: Int
    var isNegative = false
    /// The first (up to) 19 significant digits as an integer; 19 digits always fit in a UInt64.
    var significand: UInt64 = 0
    /// How many digits `significand` holds, counted from the first non-zero one.
    var significantDigits = 0
    /// The value is `significand × 10^exponent`, unless `isTruncated`.
    var exponent = 0
    /// Non-zero digits were dropped beyond the 19th; only the full text gives the exact value.
    var isTruncated = false
    /// Plain integer text: no fraction and no exponent.
    var isInteger = true

    /// The IEEE double nearest to the text (±infinity beyond the range, like `Double(String)`).
    @inline(__always)
    func double(in input: Input) -> Double {
        if !isTruncated,
            let value = DecimalToBinary.double(significand: significand, exponent: exponent, isNegative: isNegative)
        {
            return value
        }
        return Double(text(in: input))!
    }

    /// The float nearest to the text. Going through the double is only wrong when the double
    /// lands exactly halfway between two floats (double rounding); then the text decides.
    @inline(__always)
    func float(in input: Input) -> Float {
        let value = double(in: input)
        if let rounded = DecimalToBinary.float(fromCorrectlyRounded: value) { return rounded }
        return Float(text(in: input))!
    }

    /// Out of line: it is the slow path of the conversions above, which are inlined into the
    /// number-array loop and should stay small there.
    @inline(never)
    func text(in input: Input) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: input.bytes[start..<end]), as: UTF8.self)
    }
}
