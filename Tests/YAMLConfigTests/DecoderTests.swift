import Testing

import YAMLConfig

/// Types shaped like the configuration's: optionals everywhere, snake_case keys, a dictionary of
/// structs, arrays, nesting.
private struct Settings: Decodable, Equatable {
    struct Limits: Decodable, Equatable {
        var maxBytes: Int?
        var ratio: Double?
        enum CodingKeys: String, CodingKey {
            case maxBytes = "max_bytes"
            case ratio
        }
    }

    var name: String?
    var enabled: Bool?
    var count: Int?
    var timeout: Double?
    var tags: [String]?
    var limits: Limits?
    var services: [String: Limits]?
    var matrix: [[Int]]?
}

private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try YAMLDecoder().decode(type, from: text)
}

/// The coding path and description of a decoding failure, whatever its case.
private func failure(_ body: () throws -> Void) -> (path: String, description: String, kind: String)? {
    do {
        try body()
        return nil
    } catch let DecodingError.typeMismatch(_, ctx) {
        return (ctx.codingPath.map(\.stringValue).joined(separator: "."), ctx.debugDescription, "typeMismatch")
    } catch let DecodingError.valueNotFound(_, ctx) {
        return (ctx.codingPath.map(\.stringValue).joined(separator: "."), ctx.debugDescription, "valueNotFound")
    } catch let DecodingError.dataCorrupted(ctx) {
        return (ctx.codingPath.map(\.stringValue).joined(separator: "."), ctx.debugDescription, "dataCorrupted")
    } catch let DecodingError.keyNotFound(key, ctx) {
        return ((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."), ctx.debugDescription, "keyNotFound")
    } catch {
        return ("", "\(error)", "other")
    }
}

@Suite("Decoder")
struct DecoderTests {
    @Test func decodesEveryShape() throws {
        let s = try decode(Settings.self, """
            name: gateway
            enabled: TRUE
            count: -42
            timeout: 1.5e1
            tags: [a, "b c"]
            limits: {max_bytes: 0x10, ratio: .5}
            services:
              one: {max_bytes: 1}
              two:
                ratio: 2
            matrix:
              - [1, 2]
              - []
            """)
        #expect(s == Settings(
            name: "gateway", enabled: true, count: -42, timeout: 15, tags: ["a", "b c"],
            limits: .init(maxBytes: 16, ratio: 0.5),
            services: ["one": .init(maxBytes: 1, ratio: nil), "two": .init(maxBytes: nil, ratio: 2)],
            matrix: [[1, 2], []]))
    }

    @Test func missingAndNullAreNil() throws {
        #expect(try decode(Settings.self, "name:\ncount: ~\nlimits:\ntags: null\n") == Settings())
        #expect(try decode(Settings.self, "") == Settings())
        #expect(try decode(Settings.self, "# nothing but a comment\n") == Settings())
        #expect(try decode([String?].self, "[a, ~, '']") == ["a", nil, ""])
    }

    @Test func scalarsFollowTheCoreSchema() throws {
        #expect(try decode([Bool].self, "[true, True, TRUE, false, False, FALSE]") == [true, true, true, false, false, false])
        #expect(try decode([Int].self, "[0, +7, -7, 007, 0x1F, 0o17]") == [0, 7, -7, 7, 31, 15])
        #expect(try decode([Double].self, "[1, -2.5, .5, 1., 1e3, -1E-2, +3]") == [1, -2.5, 0.5, 1, 1000, -0.01, 3])
        #expect(try decode([Float].self, "[0.25]") == [0.25])
        #expect(try decode([String].self, "[123, true, 1.5, ~x]") == ["123", "true", "1.5", "~x"])
        #expect(try decode([Int8].self, "[-128, 127]") == [-128, 127])
        #expect(try decode(UInt64.self, "18446744073709551615") == UInt64.max)
        #expect(try decode(Int64.self, "-9223372036854775808") == Int64.min)
    }

    @Test(arguments: [
        ("count: 1.5", "count", "expected an integer, found '1.5'"),
        ("count: lots", "count", "expected an integer, found 'lots'"),
        ("count: '5'", "count", "expected an integer, found the quoted string \"5\""),
        ("count: 0x", "count", "expected an integer"),
        ("count: 99999999999999999999", "count", "out of range for Int"),
        ("enabled: yes", "enabled", "expected true or false, found 'yes'"),
        ("enabled: \"true\"", "enabled", "the quoted string"),
        ("timeout: fast", "timeout", "expected a number, found 'fast'"),
        ("timeout: .inf", "timeout", "infinity and NaN"),
        ("timeout: .nan", "timeout", "infinity and NaN"),
        ("timeout: 1e999", "timeout", "out of range for Double"),
        ("timeout: inf", "timeout", "expected a number"),
        ("timeout: 0x1p3", "timeout", "expected a number"),
        ("name: [a]", "name", "expected a string, found a sequence"),
        ("tags: a", "tags", "expected a sequence, found 'a'"),
        ("tags: [a, {b: 1}]", "tags.1", "expected a string, found a mapping"),
        ("tags: [a, ~]", "tags.1", "expected a string, found null"),
        ("limits: 5", "limits", "expected a mapping, found '5'"),
        ("limits: {max_bytes: x}", "limits.max_bytes", "found 'x'"),
        ("services: {one: {ratio: no}}", "services.one.ratio", "expected a number, found 'no'"),
        ("services:\n  one:\n    max_bytes: 1\n  two:\n    max_bytes: lots\n", "services.two.max_bytes", "line 5, column 16"),
        ("matrix: [[1], [2, x]]", "matrix.1.1", "found 'x'"),
    ])
    func mismatchesNameThePath(_ text: String, _ path: String, _ words: String) {
        guard let f = failure({ _ = try decode(Settings.self, text) }) else {
            Issue.record("decoded \(text)")
            return
        }
        #expect(f.path == path, "\(f)")
        #expect(f.description.contains(words), "\(f)")
        #expect(f.description.hasPrefix("line "), "\(f)")
    }

    @Test func nonOptionalFieldsReportWhatIsMissing() {
        struct Strict: Decodable { var port: Int; var hosts: [String] }
        let missing = failure { _ = try decode(Strict.self, "hosts: []") }
        #expect(missing?.kind == "keyNotFound")
        #expect(missing?.path == "port")
        let null = failure { _ = try decode(Strict.self, "port:\nhosts: []") }
        #expect(null?.kind == "valueNotFound")
        #expect(null?.path == "port")
        #expect(null?.description == "line 1, column 1: expected an integer, found null")
        let short = failure { _ = try decode(Pair.self, "[1]") }
        #expect(short?.kind == "valueNotFound")
        #expect(short?.path == "1")
    }

    @Test func dictionariesKeepEveryKey() throws {
        let d = try decode([String: [String: Int]].self, "b: {x: 1}\na: {}\n'c d': {y: 2, z: 3}\n")
        #expect(d == ["a": [:], "b": ["x": 1], "c d": ["y": 2, "z": 3]])
        #expect(try decode([Int: String].self, "1: one\n2: two\n") == [1: "one", 2: "two"])
    }

    @Test func parseErrorsBecomeDataCorrupted() {
        let f = failure { _ = try decode(Settings.self, "services:\n  one: {max_bytes: 1}\n  one: {}\n") }
        #expect(f?.kind == "dataCorrupted")
        #expect(f?.path == "services.one")
        #expect(f?.description == "line 3, column 3: duplicate key 'one'")
    }
}

/// Two integers read from a sequence, to run an unkeyed container past its end.
private struct Pair: Decodable {
    var a: Int
    var b: Int
    init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        a = try c.decode(Int.self)
        b = try c.decode(Int.self)
    }
}
