/// Checks UTF-8 as it arrives, so a text message split anywhere — even inside a character,
/// across fragments — fails at the first byte that cannot continue a valid sequence (RFC 3629
/// Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF). No copy, no allocation.
public struct UTF8Validator: Sendable, Equatable {
    /// Continuation bytes the current character still needs.
    private var pending = 0
    /// The range the next continuation byte must fall in (narrower than 80…BF right after
    /// E0, ED, F0 and F4).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    public init() {}

    /// True when no character is cut off at the end of what was fed so far.
    public var isComplete: Bool { pending == 0 }

    /// Feeds more bytes; false as soon as they cannot be (the start of) valid UTF-8. After a
    /// false the validator must not be fed again.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> Bool {
        for byte in bytes {
            if pending == 0 {
                if byte < 0x80 { continue }
                switch byte {
                case 0xC2...0xDF: pending = 1; low = 0x80; high = 0xBF
                case 0xE0: pending = 2; low = 0xA0; high = 0xBF
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2; low = 0x80; high = 0xBF
                case 0xED: pending = 2; low = 0x80; high = 0x9F
                case 0xF0: pending = 3; low = 0x90; high = 0xBF
                case 0xF1...0xF3: pending = 3; low = 0x80; high = 0xBF
                case 0xF4: pending = 3; low = 0x80; high = 0x8F
                default: return false
                }
            } else {
                guard byte >= low && byte <= high else { return false }
                pending -= 1
                low = 0x80
                high = 0xBF
            }
        }
        return true
    }

    /// Whole-buffer check: valid and complete.
    public static func isValid(_ bytes: some Sequence<UInt8>) -> Bool {
        var v = UTF8Validator()
        return v.feed(bytes) && v.isComplete
    }
}
