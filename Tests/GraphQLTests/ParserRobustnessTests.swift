import GatewayTestSupport
import Testing

@testable import GraphQL

/// The parser faces whatever clients send: any text must parse or fail with a located syntax
/// error, and no nesting may exhaust the stack.
@Suite struct ParserRobustnessTests {
    @Test func randomAndMutatedDocumentsParseOrFailWithASyntaxError() {
        var random = SplitMix64(seed: 0x5EED_6A7A)
        var generator = DocumentGenerator()
        var parsed = 0
        for index in 0..<10_000 {
            var source = generator.document(using: &random)
            if index % 2 == 1 { source = DocumentGenerator.mutate(source, using: &random) }
            do {
                let document = try Parser.parse(source)
                #expect(!document.definitions.isEmpty)
                parsed += 1
            } catch {
                #expect(error.message.hasPrefix("Syntax Error: "), "\(source)")
                #expect(error.locations.count == 1)
                if let location = error.locations.first {
                    #expect(location.line >= 1 && location.column >= 1)
                }
            }
        }
        // Both outcomes must be exercised for the test to mean anything.
        #expect(parsed > 500 && parsed < 9_500)
    }

    @Test func randomBytesNeverCrashTheLexer() {
        var random = SplitMix64(seed: 42)
        let alphabet = Array("{}()[]:$@!=|&.\"\\#,\n\r\t -+0123456789eEaz_onu\u{FEFF}é😀\u{0}'%".unicodeScalars)
        for _ in 0..<2_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<60, using: &random) {
                scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
            }
            do {
                _ = try Parser.parse(String(scalars))
            } catch {
                #expect(error.message.hasPrefix("Syntax Error: "))
            }
        }
    }

    static let nestingCases: [(String, String, String, Int)] = [
        // prefix, repeated unit, suffix, column of the token that exceeds 128 levels
        ("", "{a", "", 257),
        ("{ f(x: ", "[", "", 135),
        ("{ f(x: ", "{a: ", "", 7 + 4 * 127 + 1),
        ("query ($v: ", "[", "Int", 140),
        ("type T { f(a: [Int] = ", "[", "", 23 + 128),
    ]

    @Test(arguments: nestingCases)
    func deepNestingFailsAtTheLimitWithoutRecursingFurther(prefix: String, unit: String, suffix: String, column: Int) {
        let source = prefix + String(repeating: unit, count: 10_000) + suffix
        do {
            _ = try Parser.parse(source)
            Issue.record("parsed a 10,000-deep document")
        } catch {
            #expect(error.message == "Syntax Error: Document nests deeper than 128 levels.")
            #expect(error.locations == [SourceLocation(line: 1, column: column)])
        }
    }

    @Test func nestingUpToTheLimitParses() throws {
        let selections = String(repeating: "{a", count: 128) + String(repeating: "}", count: 128)
        _ = try Parser.parse(selections)
        let lists = "{ f(x: " + String(repeating: "[", count: 127) + String(repeating: "]", count: 127) + ") }"
        _ = try Parser.parse(lists)
        let types =
            "query ($v: " + String(repeating: "[", count: 128) + "Int" + String(repeating: "]", count: 128) + ") { a }"
        _ = try Parser.parse(types)
    }

    @Test func nestingLimitIsConfigurable() throws {
        let source = "{a{b{c}}}"
        _ = try Parser.parse(source, options: ParseOptions(maxNestingDepth: 3))
        do {
            _ = try Parser.parse(source, options: ParseOptions(maxNestingDepth: 2))
            Issue.record("limit not enforced")
        } catch {
            #expect(error.message == "Syntax Error: Document nests deeper than 2 levels.")
            #expect(error.locations == [SourceLocation(line: 1, column: 5)])
        }
    }
}

/// Random GraphQL documents from the grammar, with names, values, strings and numbers drawn from
/// small pools that include the awkward cases (keywords as names, escapes, bad numbers).
private struct DocumentGenerator {
    static let names = [
        "a", "b", "on", "true", "null", "query", "type", "fragment", "extend", "_x", "A1", "__typename",
    ]
    static let numbers = ["0", "-0", "12", "1.5", "1e5", "-1.2E-3", "01", "1.", ".5", "1e", "1a"]
    static let strings = [
        "\"\"", "\"abc\"", "\"é😀\"", "\"\\n\\u00e9\\u{1F600}\\uD83D\\uDE00\"", "\"\\x\"", "\"\\u{110000}\"",
        "\"\"\"block\"\"\"", "\"\"\"\n  a\n    b\n\"\"\"", "\"\"\"x\\\"\"\"y\"\"\"",
    ]
    static let separators = [" ", " ", " ", "\n", ",", "\r\n", "\t", " # comment é\n", "\u{FEFF}", ""]

    func pick<T>(_ items: [T], _ random: inout SplitMix64) -> T {
        items[Int.random(in: 0..<items.count, using: &random)]
    }
    func chance(_ probability: Double, _ random: inout SplitMix64) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }

    mutating func document(using random: inout SplitMix64) -> String {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in definition(&random) }.joined(separator: "\n")
    }

    func definition(_ random: inout SplitMix64) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1, 2: return selectionSet(0, &random)
        case 3, 4:
            let variables = chance(0.5, &random) ? "($v: \(type(0, &random)) = \(value(0, const: true, &random)))" : ""
            return
                "\(pick(["query", "mutation", "subscription"], &random)) \(pick(Self.names, &random))\(variables)\(directives(&random)) \(selectionSet(0, &random))"
        case 5:
            return "fragment \(pick(Self.names, &random)) on \(pick(Self.names, &random)) \(selectionSet(0, &random))"
        case 6:
            let fields = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                "\(description(&random))\(pick(Self.names, &random))(x: \(type(0, &random)) = \(value(0, const: true, &random))): \(type(0, &random))"
            }
            return
                "\(description(&random))type \(pick(Self.names, &random)) implements & A & B { \(fields.joined(separator: " ")) }"
        case 7:
            return
                "union U = | \(pick(Self.names, &random)) | B\nenum E { \(pick(Self.names, &random)) B }\nscalar S @d(x: 1)"
        case 8:
            return
                "directive @d(a: Int) repeatable on | FIELD | \(pick(["QUERY", "OBJECT", "FOO"], &random))\ninput I { a: Int = 1 }"
        default:
            return
                "extend \(pick(["type", "schema", "scalar", "union", "enum", "input", "interface"], &random)) \(pick(Self.names, &random)) @d"
        }
    }

    func description(_ random: inout SplitMix64) -> String {
        chance(0.3, &random) ? pick(Self.strings, &random) + " " : ""
    }

    func selectionSet(_ depth: Int, _ random: inout SplitMix64) -> String {
        let selections = (0..<Int.random(in: 0...3, using: &random)).map { _ -> String in
            switch Int.random(in: 0..<10, using: &random) {
            case 0: return "...\(pick(Self.names, &random))\(directives(&random))"
            case 1: return "... on \(pick(Self.names, &random)) \(selectionSet(depth + 1, &random))"
            default:
                let alias = chance(0.2, &random) ? "\(pick(Self.names, &random)): " : ""
                let arguments = chance(0.4, &random) ? "(x: \(value(0, const: false, &random)))" : ""
                let children = depth < 4 && chance(0.3, &random) ? selectionSet(depth + 1, &random) : ""
                return "\(alias)\(pick(Self.names, &random))\(arguments)\(directives(&random))\(children)"
            }
        }
        return "{" + selections.map { $0 + pick(Self.separators, &random) }.joined(separator: " ") + "}"
    }

    func directives(_ random: inout SplitMix64) -> String {
        chance(0.2, &random) ? " @\(pick(Self.names, &random))(if: \(value(0, const: false, &random)))" : ""
    }

    func type(_ depth: Int, _ random: inout SplitMix64) -> String {
        let named = depth < 3 && chance(0.3, &random) ? "[\(type(depth + 1, &random))]" : pick(Self.names, &random)
        return chance(0.3, &random) ? named + "!" : named
    }

    func value(_ depth: Int, const: Bool, _ random: inout SplitMix64) -> String {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &random) {
        case 0: return pick(Self.numbers, &random)
        case 1: return pick(Self.strings, &random)
        case 2: return pick(["true", "false", "null", "RED"], &random)
        case 3: return const && chance(0.8, &random) ? "X" : "$\(pick(Self.names, &random))"
        case 4: return pick(Self.names, &random)
        case 5, 6:
            let values = (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth + 1, const: const, &random)
            }
            return "[" + values.joined(separator: pick(Self.separators, &random)) + "]"
        default:
            let fields = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                "\(pick(Self.names, &random)): \(value(depth + 1, const: const, &random))"
            }
            return "{" + fields.joined(separator: ", ") + "}"
        }
    }

    /// Deletes, inserts or replaces a few characters, with syntax-laden replacements.
    static func mutate(_ source: String, using random: inout SplitMix64) -> String {
        var scalars = Array(source.unicodeScalars)
        let pool = Array("{}()[]:$@!=\"\\.#,|&-0e5\n\r a".unicodeScalars) + ["é", "😀", "\u{0}", "\u{FEFF}"]
        for _ in 0..<Int.random(in: 1...3, using: &random) where !scalars.isEmpty {
            let index = Int.random(in: 0..<scalars.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: scalars.remove(at: index)
            case 1: scalars.insert(pool[Int.random(in: 0..<pool.count, using: &random)], at: index)
            default: scalars[index] = pool[Int.random(in: 0..<pool.count, using: &random)]
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
