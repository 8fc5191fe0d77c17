import GatewayHTTP
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    /// "Name: value" for every field, in order; what the tests compare against.
    static func lines(_ headers: HTTPHeaders) -> [String] {
        headers.map { "\($0.name): \($0.value)" }
    }

    @Test("subscript ignores case and returns the first value", arguments: [
        "Content-Type", "content-type", "CONTENT-TYPE", "cOnTeNt-TyPe",
    ])
    func subscriptIgnoresCase(_ name: String) {
        let headers: HTTPHeaders = ["Content-Type": "text/plain", "X-A": "1", "content-type": "application/json"]
        #expect(headers[name] == "text/plain")
        #expect(headers.contains(name))
    }

    @Test("subscript and contains miss on absent names and on prefixes")
    func subscriptMisses() {
        let headers: HTTPHeaders = ["Content-Type": "text/plain"]
        #expect(headers["Content-Length"] == nil)
        #expect(headers["Content"] == nil)
        #expect(headers["Content-Type-X"] == nil)
        #expect(!headers.contains("content-length"))
        #expect(HTTPHeaders()["anything"] == nil)
    }

    @Test("values returns every matching value in arrival order")
    func valuesInOrder() {
        let headers = HTTPHeaders([
            (name: "Accept", value: "a"), (name: "X-Other", value: "x"),
            (name: "ACCEPT", value: "b"), (name: "accept", value: "c"),
        ])
        #expect(headers.values("accept") == ["a", "b", "c"])
        #expect(headers.values("Accept") == ["a", "b", "c"])
        #expect(headers.values("x-other") == ["x"])
        #expect(headers.values("missing") == [])
    }

    @Test("add appends, keeping the name's case and the order")
    func addKeepsOrderAndCase() {
        var headers = HTTPHeaders()
        #expect(headers.isEmpty)
        headers.add("X-B", "2")
        headers.add("x-a", "1")
        headers.add("X-B", "3")
        #expect(Self.lines(headers) == ["X-B: 2", "x-a: 1", "X-B: 3"])
        #expect(headers.count == 3)
        #expect(!headers.isEmpty)
    }

    @Test("dictionary literal keeps the written order")
    func literalOrder() {
        let headers: HTTPHeaders = ["Z": "1", "A": "2", "M": "3"]
        #expect(Self.lines(headers) == ["Z: 1", "A: 2", "M: 3"])
        #expect(headers.fields.map(\.name) == ["Z", "A", "M"])
    }

    @Test("set replaces every field of that name, whatever its case, and leaves the others in order")
    func setReplacesAll() {
        var headers: HTTPHeaders = ["X-A": "1", "Vary": "a", "x-a": "2", "Via": "v", "X-A": "3"]
        headers.set("x-A", "new")
        #expect(Self.lines(headers) == ["Vary: a", "Via: v", "x-A: new"])
        #expect(headers.values("X-A") == ["new"])
    }

    @Test("set on an absent name appends it")
    func setAbsent() {
        var headers: HTTPHeaders = ["A": "1"]
        headers.set("B", "2")
        #expect(Self.lines(headers) == ["A: 1", "B: 2"])
    }

    @Test("remove drops every field of that name, whatever its case, and keeps the rest in order")
    func removeAll() {
        var headers: HTTPHeaders = ["Set-Cookie": "a", "Date": "d", "SET-COOKIE": "b", "Server": "s", "set-cookie": "c"]
        headers.remove("set-Cookie")
        #expect(Self.lines(headers) == ["Date: d", "Server: s"])
        #expect(!headers.contains("Set-Cookie"))
        headers.remove("absent")
        #expect(Self.lines(headers) == ["Date: d", "Server: s"])
    }

    @Test("equalsIgnoringASCIICase", arguments: [
        ("Content-Type", "content-type", true),
        ("CONTENT-TYPE", "content-type", true),
        ("x-request-id", "X-Request-ID", true),
        ("AZaz", "azAZ", true),
        ("", "", true),
        ("a", "", false),
        ("abc", "abcd", false),
        ("content-type", "content-typ", false),
        ("content-type", "content-typf", false),
        // Only A–Z fold: bytes 0x20 apart that are not letters stay different.
        ("@", "`", false),
        ("[", "{", false),
        ("^", "~", false),
        // Non-ASCII bytes compare exactly; only the ASCII letters around them fold.
        ("é", "é", true),
        ("é", "É", false),
        ("naïve", "NAïVE", true),
        ("naïve", "NAÏVE", false),
        ("Straße", "STRASSE", false),
        ("日本", "日本", true),
        ("日本", "日本語", false),
        // Byte comparison, not Unicode canonical equivalence.
        ("\u{E9}", "e\u{301}", false),
    ] as [(String, String, Bool)])
    func equalsIgnoringASCIICase(_ a: String, _ b: String, _ expected: Bool) {
        #expect(a.equalsIgnoringASCIICase(b) == expected)
        #expect(b.equalsIgnoringASCIICase(a) == expected, "not symmetric")
    }
}
