import Testing

@testable import JSON
import GatewayTestSupport

@Suite("Numbers")
struct NumberTests {
    /// Inputs that trip up fast paths: halfway cases, subnormals, the edges of the double range,
    /// more than 19 digits, integers just past 2^53, long zero runs.
    static let tricky = [
        "0", "-0", "-0.0", "0e10", "0.1", "0.2", "0.3", "3.141592653589793", "1e23", "1e22", "1e-22", "1e-23",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072012e-308",
        "9007199254740992", "9007199254740993", "9007199254740995", "18014398509481985",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309", "1e400",
        "-1e400", "4.9406564584124654e-324", "5e-324", "2.4703282292062328e-324", "2.4703282292062327e-324",
        "1.5e-323", "1e-400", "1e-324",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "7.2057594037927933e16", "8.98846567431158e307", "1448997445238699", "0.000001", "123.456e-5",
        "0.1000000000000000055", "17976931348623157e292", "9223372036854775807", "9223372036854775808",
        "10000000000000000000000000000000000000000e-20", "100000000000000000000001e-23", "3.0517578125e-05",
        "0.12345678901234568", "-0.023456789012345678", "0.10000000149011612", "1234e25", "1e37", "1e38",
        "123456789012345678901234567890e-30", "0.00000000000000000000000000000000000000000000001",
        "4503599627370496.5", "4503599627370497.5", "1e-1000000000000", "1e1000000000000",
    ]

    @Test("double equals Double(text) bit for bit", arguments: tricky)
    func doubleMatchesStandardLibrary(_ text: String) throws {
        let expected = Double(text)!
        #expect(JSONNumber(text: text)!.double.bitPattern == expected.bitPattern)
        #expect(try JSON.parse(text).doubleValue?.bitPattern == expected.bitPattern)
    }

    @Test("float equals Float(text) bit for bit", arguments: tricky)
    func floatMatchesStandardLibrary(_ text: String) {
        #expect(JSONNumber(text: text)!.float.bitPattern == Float(text)!.bitPattern)
    }

    @Test("readDoubleArray agrees, and refuses numbers beyond the double range", arguments: tricky)
    func readDoubleArray(_ text: String) throws {
        let expected = Double(text)!
        var reader = JSONReader(bytes("[\(text)]"))
        if expected.isFinite {
            #expect(try reader.readDoubleArray(maxCount: 1).map(\.bitPattern) == [expected.bitPattern])
        } else {
            let error = #expect(throws: JSONError.self) { try reader.readDoubleArray(maxCount: 1) }
            #expect(error?.message == "number out of range")
            #expect(error?.offset == 1)
        }
    }

    /// The double nearest 1 + 2^-24 + 10^-32 is exactly the midpoint between the floats 1 and
    /// 1 + 2^-23, so rounding that double to float (ties to even) gives 1, while the text is
    /// above the midpoint and must give 1 + 2^-23.
    @Test("float avoids double rounding")
    func floatDoubleRounding() throws {
        let text = "1.00000005960464477539062500000001"
        #expect(Float(Double(text)!) == 1)
        #expect(JSONNumber(text: text)!.float == Float(1).nextUp)
        var reader = JSONReader(bytes("[\(text)]"))
        #expect(try reader.readFloatArray(maxCount: 1) == [Float(1).nextUp])
    }

    @Test("random numbers convert like the standard library")
    func randomNumbers() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            let text = Self.randomNumberText(using: &random)
            let number = JSONNumber(text: text)!
            let expectedDouble = Double(text)!
            let expectedFloat = Float(text)!
            #expect(number.double.bitPattern == expectedDouble.bitPattern, "\(text)")
            #expect(number.float.bitPattern == expectedFloat.bitPattern, "\(text)")
        }
    }

    /// Number text in the shapes clients send: short decimals, 17-digit doubles, float32 values
    /// printed as doubles, integers, exponents near the ends of the range.
    static func randomNumberText(using random: inout SeededGenerator) -> String {
        let sign = Bool.random(using: &random) ? "-" : ""
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            return sign + Double.random(in: -1...1, using: &random).magnitude.description
        case 1:
            return sign + Double(Float.random(in: -1...1, using: &random)).magnitude.description
        case 2:
            let count = Int.random(in: 1...25, using: &random)
            let digits = (0..<count).map { _ in String(Int.random(in: 0...9, using: &random)) }
            let point = Int.random(in: 0...digits.count, using: &random)
            let integer = digits[..<point].joined().drop { $0 == "0" }
            let fraction = digits[point...].joined()
            let exponent = Int.random(in: -330...310, using: &random)
            let mantissa = (integer.isEmpty ? "0" : String(integer)) + (fraction.isEmpty ? "" : "." + fraction)
            return sign + mantissa + "e\(exponent)"
        case 3:
            return sign + String(UInt64.random(in: 0...UInt64.max, using: &random))
        case 4:
            let bits = UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &random)
            return sign + Double(bitPattern: bits).description
        default:
            let bits = UInt32.random(in: 0..<0x7F80_0000, using: &random)
            return sign + Float(bitPattern: bits).description
        }
    }

    @Test(
        "int is the exact value of plain integer text in range",
        arguments: [
            ("0", 0), ("-0", 0), ("42", 42), ("-42", -42), ("9223372036854775807", Int.max),
            ("-9223372036854775808", Int.min), ("9223372036854775808", nil), ("-9223372036854775809", nil),
            ("1e2", nil), ("1.0", nil), ("100000000000000000000", nil),
        ] as [(String, Int?)])
    func int(_ text: String, expected: Int?) {
        #expect(JSONNumber(text: text)!.int == expected)
    }

    @Test(
        "text must be exactly one JSON number",
        arguments: ["", "+1", "01", "1.", ".1", "1e", "- 1", " 1", "1 ", "NaN", "Infinity", "0x1", "1_000", "١"])
    func invalidText(_ text: String) {
        #expect(JSONNumber(text: text) == nil)
    }

    @Test("numbers made from values")
    func fromValues() {
        #expect(JSONNumber(42).text == "42")
        #expect(JSONNumber(Int.min).text == "-9223372036854775808")
        #expect(JSONNumber(0.1)?.text == "0.1")
        #expect(JSONNumber(Float(0.1))?.text == "0.1")
        #expect(JSONNumber(1e-7)?.text == "1e-07")
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(-Double.infinity) == nil)
        #expect(JSONNumber(Float.infinity) == nil)
        #expect(JSONNumber(text: "1.0") != JSONNumber(text: "1"))  // textual equality
    }

    @Test("text survives a round trip exactly")
    func exactText() throws {
        let document = "[18446744073709551615,1e400,0.1000000000000000055,-0,1E+2]"
        #expect(serialized(try JSON.parse(document)) == document)
    }
}
