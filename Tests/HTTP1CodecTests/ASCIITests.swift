import Testing

@testable import HTTP1Codec

@Suite("Byte classes")
struct ASCIITests {
    /// RFC 9110 §5.6.2, spelled out independently of the bit masks.
    static let tokenChars = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    @Test("token masks match the tchar definition for every byte")
    func tokenChars() {
        for byte in UInt8.min...UInt8.max {
            #expect(ASCII.isTokenChar(byte) == Self.tokenChars.contains(byte), "byte \(byte)")
        }
    }

    @Test("field value bytes are HTAB, SP, VCHAR and obs-text")
    func fieldValueBytes() {
        for byte in UInt8.min...UInt8.max {
            let expected = byte == 0x09 || (0x20...0x7E).contains(byte) || byte >= 0x80
            #expect(ASCII.isFieldValueByte(byte) == expected, "byte \(byte)")
        }
    }

    @Test("hex digits")
    func hexDigits() {
        for byte in UInt8.min...UInt8.max {
            let expected = Int(String(UnicodeScalar(byte)), radix: 16)
            #expect(ASCII.hexValue(byte) == expected, "byte \(byte)")
        }
    }

    @Test("case-insensitive comparison against a lower-case name")
    func equalsIgnoringCase() {
        #expect(ASCII.equalsIgnoringCase(bytes("Content-LENGTH")[...], KnownBytes.contentLength))
        #expect(!ASCII.equalsIgnoringCase(bytes("Content-Lengti")[...], KnownBytes.contentLength))
        #expect(!ASCII.equalsIgnoringCase(bytes("Content-Length ")[...], KnownBytes.contentLength))
        // Bytes that differ from a letter only by 0x20 are not letters.
        #expect(!ASCII.equalsIgnoringCase(bytes("@")[...], bytes("`")))
    }

    @Test("comma lists keep empty elements and trim OWS", arguments: [
        ("a", ["a"]), (" a , b\t,c ", ["a", "b", "c"]), ("a,,b", ["a", "", "b"]), ("", [""]), (",", ["", ""]),
    ] as [(String, [String])])
    func commaList(_ value: String, expected: [String]) {
        let elements = CommaList(bytes(value)[...]).map { String(decoding: $0, as: UTF8.self) }
        #expect(elements == expected)
    }
}
