@testable import JSON
import GatewayTestSupport

/// Random valid documents together with the tree each must parse to. The text varies everything
/// the grammar allows (whitespace, escape styles, hex case, number forms) while the tree is built
/// alongside, so a generated document checks itself.
struct DocumentGenerator {
    var random: SeededGenerator
    /// Only integers without exponents and no "-0", so that a document's canonical form does not
    /// depend on how the other implementation prints floats.
    var integersOnly = false

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    mutating func document() -> (text: String, value: JSONValue) {
        let (text, value) = self.value(depth: 0)
        return (whitespace() + text + whitespace(), value)
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    private mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    private mutating func whitespace() -> String {
        guard chance(30) else { return "" }
        return String((0..<int(1...3)).map { _ in [" ", "\t", "\n", "\r"][int(0...3)] })
    }

    private mutating func value(depth: Int) -> (String, JSONValue) {
        let kind = depth >= 5 ? int(0...3) : int(0...5)
        switch kind {
        case 0: return chance(50) ? ("true", true) : chance(50) ? ("false", false) : ("null", nil)
        case 1, 2:
            let text = number()
            return (text, .number(JSONNumber(text: text)!))
        case 3:
            let (text, string) = self.string()
            return (text, .string(string))
        case 4:
            var parts: [String] = []
            var elements: [JSONValue] = []
            for _ in 0..<int(0...5) {
                let (text, element) = value(depth: depth + 1)
                parts.append(whitespace() + text + whitespace())
                elements.append(element)
            }
            return ("[" + (parts.isEmpty ? whitespace() : parts.joined(separator: ",")) + "]", .array(elements))
        default:
            var parts: [String] = []
            var object = JSONObject()
            for _ in 0..<int(0...5) {
                let (keyText, key) = string()
                guard object[key] == nil else { continue }  // JSONObject compares keys by bytes
                let (text, element) = value(depth: depth + 1)
                parts.append(whitespace() + keyText + whitespace() + ":" + whitespace() + text + whitespace())
                object.set(key, element)
            }
            return ("{" + (parts.isEmpty ? whitespace() : parts.joined(separator: ",")) + "}", .object(object))
        }
    }

    private mutating func number() -> String {
        let sign = chance(30) ? "-" : ""
        let integer = chance(30) ? "0" : String(int(1...9)) + digits(int(0...12))
        if integersOnly { return (integer == "0" ? "" : sign) + integer }
        var text = sign + integer
        if chance(50) { text += "." + digits(int(1...18)) }
        if chance(30) {
            text += (chance(50) ? "e" : "E") + ["", "+", "-"][int(0...2)] + String(int(0...290))
        }
        return text
    }

    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(int(0...9))) })
    }

    /// Returns the string's JSON text and its decoded value.
    private mutating func string() -> (String, String) {
        var text = "\""
        var value = ""
        for _ in 0..<int(0...8) {
            switch int(0...9) {
            case 0, 1, 2:
                let scalar = UnicodeScalar(UInt8(int(0x20...0x7E)))
                if scalar == "\"" || scalar == "\\" {
                    text += "\\" + String(scalar)
                } else {
                    text.unicodeScalars.append(scalar)
                }
                value.unicodeScalars.append(scalar)
            case 3:
                let escapes = [
                    ("\\\"", "\""), ("\\\\", "\\"), ("\\/", "/"), ("\\b", "\u{8}"), ("\\f", "\u{C}"),
                    ("\\n", "\n"), ("\\r", "\r"), ("\\t", "\t"),
                ]
                let (escape, decoded) = escapes[int(0...7)]
                text += escape
                value += decoded
            case 4:
                let scalar = UnicodeScalar(UInt8(int(0...0x7F)))
                text += "\\u" + hex(UInt32(scalar.value))
                value.unicodeScalars.append(scalar)
            case 5:
                let scalar = randomScalar()
                text += scalar.value > 0xFFFF ? surrogatePair(scalar) : "\\u" + hex(scalar.value)
                value.unicodeScalars.append(scalar)
            case 6:
                let scalar = randomScalar()
                text.unicodeScalars.append(scalar)
                value.unicodeScalars.append(scalar)
            default:
                let word = ["a", "key", "é", "中文", "😀", "e\u{301}", "\u{7F}", "\u{2028}", "x y"][int(0...8)]
                text += word
                value += word
            }
        }
        return (text + "\"", value)
    }

    private mutating func randomScalar() -> UnicodeScalar {
        while true {
            let candidate: UInt32 =
                switch int(0...2) {
                case 0: UInt32(int(0x80...0x7FF))
                case 1: UInt32(int(0x800...0xFFFF))
                default: UInt32(int(0x10000...0x10FFFF))
                }
            if let scalar = UnicodeScalar(candidate) { return scalar }
        }
    }

    private mutating func hex(_ value: UInt32) -> String {
        let text = String(value, radix: 16)
        let padded = String(repeating: "0", count: 4 - text.count) + text
        return chance(50) ? padded.uppercased() : padded
    }

    private mutating func surrogatePair(_ scalar: UnicodeScalar) -> String {
        let offset = scalar.value - 0x10000
        return "\\u" + hex(0xD800 + (offset >> 10)) + "\\u" + hex(0xDC00 + (offset & 0x3FF))
    }
}
