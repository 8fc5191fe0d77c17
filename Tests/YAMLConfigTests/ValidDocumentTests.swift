import Testing

import YAMLConfig

/// A document and the tree it must read as.
struct ValidCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var tree: YAMLValue
    var testDescription: String { name }
}

private func plain(_ s: String) -> YAMLValue { .scalar(s, .plain) }
private func single(_ s: String) -> YAMLValue { .scalar(s, .singleQuoted) }
private func double(_ s: String) -> YAMLValue { .scalar(s, .doubleQuoted) }
private func map(_ entries: (String, YAMLValue)...) -> YAMLValue { .mapping(entries.map { (key: $0.0, value: $0.1) }) }

@Suite("Valid documents")
struct ValidDocumentTests {
    static let cases: [ValidCase] = [
        ValidCase(name: "empty", text: "", tree: .null),
        ValidCase(name: "comments only", text: "# a\n  # b\n\n", tree: .null),
        ValidCase(name: "document markers", text: "---\na: 1\n...\n# after\n", tree: map(("a", plain("1")))),
        ValidCase(name: "marker with comment", text: "--- # start\na: 1\n", tree: map(("a", plain("1")))),
        ValidCase(name: "only a marker", text: "---\n", tree: .null),
        ValidCase(name: "root scalar", text: "hello world\n", tree: plain("hello world")),
        ValidCase(name: "nested block mappings", text: "a:\n  b:\n    c: 1\n  d: two\ne: 3\n",
                  tree: map(("a", map(("b", map(("c", plain("1")))), ("d", plain("two")))), ("e", plain("3")))),
        ValidCase(name: "empty values and nulls", text: "a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf:   # c\n",
                  tree: map(("a", .null), ("b", .null), ("c", .null), ("d", .null), ("e", single("null")), ("f", .null))),
        ValidCase(name: "block sequence, indented", text: "l:\n  - a\n  - b\n",
                  tree: map(("l", .sequence([plain("a"), plain("b")])))),
        ValidCase(name: "block sequence at the key's indentation", text: "l:\n- a\n- b\nm: 1\n",
                  tree: map(("l", .sequence([plain("a"), plain("b")])), ("m", plain("1")))),
        ValidCase(name: "sequence of mappings", text: "- name: x\n  port: 1\n- name: y\n",
                  tree: .sequence([map(("name", plain("x")), ("port", plain("1"))), map(("name", plain("y")))])),
        ValidCase(name: "nested sequences", text: "- - a\n  - b\n- -\n  - c\n",
                  tree: .sequence([.sequence([plain("a"), plain("b")]), .sequence([.null, plain("c")])])),
        ValidCase(name: "sequence entry on the next line", text: "-\n  a: 1\n- \n",
                  tree: .sequence([map(("a", plain("1"))), .null])),
        ValidCase(name: "value on the next line", text: "a:\n  hello\n", tree: map(("a", plain("hello")))),
        ValidCase(name: "trailing comments", text: "a: b # c\nd: e#f\ng: 'h # i' # j\n",
                  tree: map(("a", plain("b")), ("d", plain("e#f")), ("g", single("h # i")))),
        ValidCase(name: "plain scalars with colons and punctuation",
                  text: "url: http://127.0.0.1:11400/x?y=1\npath: C:\\tmp\nlist: a,b\nneg: -1\ncolon: :x\n",
                  tree: map(("url", plain("http://127.0.0.1:11400/x?y=1")), ("path", plain("C:\\tmp")),
                            ("list", plain("a,b")), ("neg", plain("-1")), ("colon", plain(":x")))),
        ValidCase(name: "trailing spaces are not part of a plain scalar", text: "a: b c   \n", tree: map(("a", plain("b c")))),
        ValidCase(name: "quoted keys", text: "\"a b\": 1\n'c:d': 2\n", tree: map(("a b", plain("1")), ("c:d", plain("2")))),
        ValidCase(name: "single-quoted escapes", text: "a: 'it''s \\n'\n", tree: map(("a", single("it's \\n")))),
        ValidCase(name: "double-quoted escapes",
                  text: #"a: "q\" b\\ n\n t\t u\u00e9 U\U0001F600 x\x41 s\/ p\u2028 pair\ud83d\ude00 z\0""# + "\n",
                  tree: map(("a", double("q\" b\\ n\n t\t u\u{e9} U\u{1F600} xA s/ p\u{2028} pair\u{1F600} z\u{0}")))),
        ValidCase(name: "empty quoted scalars", text: "a: ''\nb: \"\"\n", tree: map(("a", single("")), ("b", double("")))),
        ValidCase(name: "flow sequence", text: "a: [x, 'y', \"z\", 1, ~]\n",
                  tree: map(("a", .sequence([plain("x"), single("y"), double("z"), plain("1"), .null])))),
        ValidCase(name: "flow mapping nested", text: "a: {m: 16, ef: [1, 2], e: {}, s: []}\n",
                  tree: map(("a", map(("m", plain("16")), ("ef", .sequence([plain("1"), plain("2")])),
                                      ("e", .mapping([])), ("s", .sequence([])))))),
        ValidCase(name: "flow spanning lines, with comments and a trailing comma",
                  text: "a: [\n  one,   # first\n  two,\n]\nb: {x: 1,\n    y: 2}\n",
                  tree: map(("a", .sequence([plain("one"), plain("two")])), ("b", map(("x", plain("1")), ("y", plain("2")))))),
        ValidCase(name: "flow mapping: empty values and JSON-style keys", text: "a: {k:, j, \"q\":1}\n",
                  tree: map(("a", map(("k", .null), ("j", .null), ("q", plain("1")))))),
        ValidCase(name: "flow plain scalars with colons", text: "a: [http://h:1/p, a:b]\n",
                  tree: map(("a", .sequence([plain("http://h:1/p"), plain("a:b")])))),
        ValidCase(name: "root flow collection", text: "[1, {a: b}]\n", tree: .sequence([plain("1"), map(("a", plain("b")))])),
        ValidCase(name: "CRLF line ends and a BOM", text: "\u{FEFF}a: 1\r\nb:\r\n  - x\r\n",
                  tree: map(("a", plain("1")), ("b", .sequence([plain("x")])))),
        ValidCase(name: "tab after a key and in a blank line", text: "a:\t1\n\t\nb: 2\n", tree: map(("a", plain("1")), ("b", plain("2")))),
        ValidCase(name: "root indented", text: "  a: 1\n  b: 2\n", tree: map(("a", plain("1")), ("b", plain("2")))),
        ValidCase(name: "null-like keys are names", text: "null: 1\n~: 2\nx: {null: 3}\n",
                  tree: map(("null", plain("1")), ("~", plain("2")), ("x", map(("null", plain("3")))))),
        ValidCase(name: "comment after a sequence dash", text: "- # first\n  a: 1\n", tree: .sequence([map(("a", plain("1")))])),
        ValidCase(name: "dashes inside a plain scalar", text: "a: ---\nb: -x\n", tree: map(("a", plain("---")), ("b", plain("-x")))),
        ValidCase(name: "unicode", text: "名前: 値\n", tree: map(("名前", plain("値")))),
    ]

    @Test(arguments: cases)
    func parses(_ c: ValidCase) throws {
        #expect(try YAMLParser.parse(c.text).value == c.tree)
    }

    @Test func positions() throws {
        let root = try YAMLParser.parse("a:\n  b: [x,\n   yz]\n  c: 'q'\n")
        guard case let .mapping(top) = root.content, case let .mapping(inner) = top[0].value.content,
              case let .sequence(items) = inner[0].value.content else {
            Issue.record("unexpected shape")
            return
        }
        #expect(root.position == YAMLPosition(line: 1, column: 1))
        #expect(inner[0].keyPosition == YAMLPosition(line: 2, column: 3))
        #expect(inner[0].value.position == YAMLPosition(line: 2, column: 6))
        #expect(items[1].position == YAMLPosition(line: 3, column: 4))
        #expect(inner[1].value.position == YAMLPosition(line: 4, column: 6))
    }

    @Test func columnsCountScalarsNotBytes() {
        do {
            _ = try YAMLParser.parse("é: [a, &b]\n")
            Issue.record("accepted an anchor")
        } catch {
            #expect(error.position == YAMLPosition(line: 1, column: 8))
        }
    }
}
