import Testing

import YAMLConfig

/// A document the reader must refuse, the line it must blame and words the message must hold.
struct InvalidCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var line: Int
    var message: String
    var testDescription: String { name }
}

@Suite("Refused documents")
struct InvalidDocumentTests {
    static let unsupported: [InvalidCase] = [
        InvalidCase(name: "anchor", text: "a: &x 1\n", line: 1, message: "anchors ('&') are not supported"),
        InvalidCase(name: "anchor on a mapping", text: "a: 1\nb: &x\n  c: 1\n", line: 2, message: "anchors"),
        InvalidCase(name: "alias", text: "a: 1\nb: *x\n", line: 2, message: "aliases ('*') are not supported"),
        InvalidCase(name: "alias in a flow sequence", text: "a: [1,\n  *x]\n", line: 2, message: "aliases"),
        InvalidCase(name: "tag", text: "a: !!str 1\n", line: 1, message: "tags ('!') are not supported"),
        InvalidCase(name: "tag on a key", text: "a: 1\n!t b: 1\n", line: 2, message: "tags"),
        InvalidCase(name: "literal block scalar", text: "a: |\n  text\n", line: 1, message: "literal block scalars ('|')"),
        InvalidCase(name: "folded block scalar", text: "x: 1\na: >-\n  text\n", line: 2, message: "folded block scalars ('>')"),
        InvalidCase(name: "complex key", text: "? a\n: b\n", line: 1, message: "complex keys ('?')"),
        InvalidCase(name: "complex key in a mapping", text: "a: 1\n? b\n", line: 2, message: "complex keys"),
        InvalidCase(name: "complex key in a flow mapping", text: "a: {? b: c}\n", line: 1, message: "complex keys"),
        InvalidCase(name: "flow collection as a key", text: "{a: 1}: b\n", line: 1, message: "flow collection as a mapping key"),
        InvalidCase(name: "flow collection as a flow key", text: "a: {[x]: 1}\n", line: 1, message: "flow collection as a mapping key"),
        InvalidCase(name: "single-pair mapping in a flow sequence", text: "a: [b: c]\n", line: 1, message: "single-pair"),
        InvalidCase(name: "second document", text: "a: 1\n---\nb: 2\n", line: 2, message: "multiple documents"),
        InvalidCase(name: "second document after end marker", text: "a: 1\n...\n---\nb: 2\n", line: 3, message: "multiple documents"),
        InvalidCase(name: "content after end marker", text: "a: 1\n...\nb: 2\n", line: 3, message: "after the end-of-document marker"),
        InvalidCase(name: "directive", text: "%YAML 1.2\n---\na: 1\n", line: 1, message: "directives"),
        InvalidCase(name: "content on the --- line", text: "--- a\n", line: 1, message: "content on the '---' line"),
        InvalidCase(name: "multi-line plain scalar", text: "a: hello\n  world\n", line: 2, message: "cannot continue on the next line"),
        InvalidCase(name: "multi-line quoted scalar", text: "a: \"hello\n  world\"\n", line: 1, message: "unterminated double-quoted"),
    ]

    static let malformed: [InvalidCase] = [
        InvalidCase(name: "tab in indentation", text: "a:\n\tb: 1\n", line: 2, message: "tab in indentation"),
        InvalidCase(name: "tab after spaces in indentation", text: "a:\n  b: 1\n  \tc: 2\n", line: 3, message: "tab in indentation"),
        InvalidCase(name: "duplicate key", text: "a: 1\nb: 2\na: 3\n", line: 3, message: "duplicate key 'a'"),
        InvalidCase(name: "duplicate key, quoted", text: "a: 1\n\"a\": 3\n", line: 2, message: "duplicate key 'a'"),
        InvalidCase(name: "duplicate key in a flow mapping", text: "a: {x: 1,\n x: 2}\n", line: 2, message: "duplicate key 'x'"),
        InvalidCase(name: "dedent to no level", text: "a:\n    b: 1\n  c: 2\n", line: 3, message: "unexpected indentation"),
        InvalidCase(name: "sequence dedent to no level", text: "a:\n  - x\n - y\n", line: 3, message: "unexpected indentation"),
        InvalidCase(name: "over-indented key", text: "a: 1\n  b: 2\n", line: 2, message: "unexpected indentation"),
        InvalidCase(name: "sequence entry among keys", text: "a: 1\n- b\n", line: 2, message: "sequence entry where a mapping key"),
        InvalidCase(name: "key after a root sequence", text: "- a\nb: 1\n", line: 2, message: "unexpected content"),
        InvalidCase(name: "line without a colon", text: "a: 1\nb\n", line: 2, message: "expected 'key: value'"),
        InvalidCase(name: "key: value on the line of its key", text: "a: b: c\n", line: 1, message: "on the line of its key"),
        InvalidCase(name: "sequence on the line of its key", text: "a: - b\n", line: 1, message: "block sequence cannot start"),
        InvalidCase(name: "text after a flow collection", text: "a: [1] x\n", line: 1, message: "unexpected text after the value"),
        InvalidCase(name: "text after a quoted scalar", text: "a: 'x' y\n", line: 1, message: "unexpected text after the value"),
        InvalidCase(name: "comment glued to a quoted scalar", text: "a: 'x'#c\n", line: 1, message: "unexpected text"),
        InvalidCase(name: "unterminated flow sequence", text: "a: [1, 2\n", line: 2, message: "unterminated flow collection opened at line 1, column 4"),
        InvalidCase(name: "flow sequence swallowing a key", text: "a: [1, 2\nb: 3\n", line: 2, message: "expected ',' or ']'"),
        InvalidCase(name: "flow mapping missing a comma", text: "a: {x: 1 y: 2}\n", line: 1, message: "expected ',' or '}'"),
        InvalidCase(name: "double comma", text: "a: [1,,2]\n", line: 1, message: "unexpected ','"),
        InvalidCase(name: "document marker inside flow", text: "a: [1,\n---\n]\n", line: 2, message: "document marker inside"),
        InvalidCase(name: "stray closing bracket", text: "a: ]\n", line: 1, message: "unexpected ']'"),
        InvalidCase(name: "reserved indicator", text: "a: @x\n", line: 1, message: "cannot start a plain scalar"),
        InvalidCase(name: "empty key", text: ": v\n", line: 1, message: "mapping key is missing"),
        InvalidCase(name: "unterminated single quote", text: "a: 1\nb: 'abc\n", line: 2, message: "unterminated single-quoted"),
        InvalidCase(name: "unknown escape", text: "a: \"x\\q\"\n", line: 1, message: "unknown escape '\\q'"),
        InvalidCase(name: "short \\u escape", text: "a: \"\\u12\"\n", line: 1, message: "4 hexadecimal digits"),
        InvalidCase(name: "lone surrogate", text: "a: \"\\udc00\"\n", line: 1, message: "surrogate"),
        InvalidCase(name: "high surrogate without low", text: "a: \"\\ud800\\u0041\"\n", line: 1, message: "surrogate"),
    ]

    @Test(arguments: unsupported + malformed)
    func refuses(_ c: InvalidCase) {
        do {
            let tree = try YAMLParser.parse(c.text)
            Issue.record("read as \(tree.value)")
        } catch {
            #expect(error.position.line == c.line, "\(error)")
            #expect(error.message.contains(c.message), "\(error)")
            #expect(error.description.hasPrefix("line \(c.line), column "))
        }
    }

    @Test func errorsCarryTheKeyPath() {
        do {
            _ = try YAMLParser.parse("models:\n  phi3:\n    batch_size: 1\n    batch_size: 2\n")
            Issue.record("accepted a duplicate key")
        } catch {
            #expect(error.path == ["models", "phi3", "batch_size"])
            #expect(error.position == YAMLPosition(line: 4, column: 5))
        }
        do {
            _ = try YAMLParser.parse("models:\n  phi3: {endpoints: [a, &b]}\n")
            Issue.record("accepted an anchor")
        } catch {
            #expect(error.path == ["models", "phi3", "endpoints", "1"])
        }
        // The bad line follows a value: it is blamed on the mapping around it, not on that value's key.
        do {
            _ = try YAMLParser.parse("server:\n  port: 1\n\tidle_timeout: 3\n")
            Issue.record("accepted a tab")
        } catch {
            #expect(error.path == ["server"])
            #expect(error.position.line == 3)
        }
        do {
            _ = try YAMLParser.parse("server:\n  port: 1\n     idle_timeout: 3\n")
            Issue.record("accepted an over-indented key")
        } catch {
            #expect(error.path == ["server"])
        }
    }

    @Test func decoderReportsParseErrorsAsDataCorrupted() {
        struct Doc: Decodable { var a: Int? }
        do {
            _ = try YAMLDecoder().decode(Doc.self, from: "a:\n\tb: 1\n")
            Issue.record("decoded a tab-indented document")
        } catch DecodingError.dataCorrupted(let ctx) {
            #expect(ctx.codingPath.map(\.stringValue) == ["a"])
            #expect(ctx.debugDescription == "line 2, column 1: a tab in indentation (indent with spaces only)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
