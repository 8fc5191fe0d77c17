/// Every message the library produces, in one place so tests and callers see one wording.
enum Message {
    static let unexpectedEnd = "unexpected end of input"
    static let unterminatedString = "unterminated string"
    static let expectedValue = "expected value"
    static let expectedKey = "expected object key"
    static let expectedColon = "expected ':' after object key"
    static let expectedCommaOrBracket = "expected ',' or ']' after array element"
    static let expectedCommaOrBrace = "expected ',' or '}' after object member"
    static let trailingComma = "trailing comma"
    static let trailingData = "unexpected data after JSON value"
    static let byteOrderMark = "byte order mark is not allowed"
    static let leadingZero = "leading zero in number"
    static let digitAfterMinus = "expected digit after '-'"
    static let digitAfterPoint = "expected digit after '.'"
    static let digitInExponent = "expected digit in exponent"
    static let invalidHexDigit = "invalid hex digit in \\u escape"
    static let numberOutOfRange = "number out of range"
    static let expectedNumber = "expected number"
    static let expectedNumberArray = "expected array of numbers"

    static func expectedLiteral(_ literal: String) -> String { "expected '\(literal)'" }
    static func controlCharacter(_ byte: UInt8) -> String {
        "unescaped control character \(hex(byte)) in string"
    }
    static func invalidUTF8(_ byte: UInt8) -> String { "invalid UTF-8 byte \(hex(byte))" }
    static func invalidEscape(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte)
            ? "invalid escape \\\(Character(Unicode.Scalar(byte)))"
            : "invalid escape \\ followed by byte \(hex(byte))"
    }
    static func unpairedSurrogate(_ unit: UInt16) -> String {
        "unpaired surrogate \\u\(hexDigits(UInt32(unit), count: 4))"
    }
    static func tooDeep(_ limit: Int) -> String { "nesting deeper than \(limit)" }
    static func documentTooLarge(_ limit: Int) -> String { "document larger than \(limit) bytes" }
    static func stringTooLong(_ limit: Int) -> String { "string longer than \(limit) bytes" }
    static func numberTooLong(_ limit: Int) -> String { "number longer than \(limit) bytes" }
    static func tooManyElements(_ limit: Int) -> String { "array longer than \(limit) elements" }

    /// The key is shown as JSON so control characters cannot garble a log line, and cut short
    /// so an 8 MiB key does not become an 8 MiB message.
    static func duplicateKey(_ key: String) -> String {
        let scalars = key.unicodeScalars
        let shown = scalars.count > 40 ? String(String.UnicodeScalarView(scalars.prefix(40))) + "…" : key
        var writer = JSONWriter(capacity: shown.utf8.count + 2)
        writer.string(shown)
        return "duplicate key \(String(decoding: writer.bytes, as: UTF8.self))"
    }

    static func hex(_ byte: UInt8) -> String { "0x" + hexDigits(UInt32(byte), count: 2) }

    private static func hexDigits(_ value: UInt32, count: Int) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text = [UInt8]()
        for shift in stride(from: (count - 1) * 4, through: 0, by: -4) {
            text.append(digits[Int((value >> UInt32(shift)) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
