import GatewayHTTP
import Testing

@Suite("multipart/form-data")
struct MultipartFormTests {
    private func body(_ text: String) -> [UInt8] { Array(text.replacingCRLF().utf8) }

    @Test("boundaries from Content-Type", arguments: [
        ("multipart/form-data; boundary=abc", "abc"),
        ("multipart/form-data; boundary=\"a b\"", "a b"),
        ("Multipart/Form-Data;charset=utf-8; BOUNDARY=x-1", "x-1"),
        ("multipart/mixed; boundary=abc", nil),
        ("multipart/form-data", nil),
        ("application/json", nil),
    ] as [(String, String?)])
    func boundaries(_ header: String, _ expected: String?) {
        #expect(MultipartForm.boundary(contentType: header) == expected)
    }

    @Test func anOpenAIUploadReadsAsItsParts() throws {
        let parts = try MultipartForm.parse(body("""
            --b0\n\
            Content-Disposition: form-data; name="purpose"\n\
            \n\
            batch\n\
            --b0\n\
            Content-Disposition: form-data; name="file"; filename="in.jsonl"\n\
            Content-Type: application/octet-stream\n\
            \n\
            {"custom_id":"a"}\n{"custom_id":"b"}\n\
            --b0--\n
            """), boundary: "b0")
        #expect(parts.count == 2)
        #expect(parts[0] == .init(name: "purpose", filename: nil, contentType: nil, body: Array("batch".utf8)))
        #expect(parts[1].name == "file" && parts[1].filename == "in.jsonl" && parts[1].contentType == "application/octet-stream")
        // The part's own line breaks are content; only the CRLF before the boundary is framing.
        #expect(parts[1].body == Array("{\"custom_id\":\"a\"}\r\n{\"custom_id\":\"b\"}".utf8))
    }

    @Test func aPreambleAPartWithoutHeadersAndAnEmptyPartAreFine() throws {
        let parts = try MultipartForm.parse(body("""
            ignored preamble\n\
            --x\n\
            Content-Disposition: form-data; name=empty\n\
            \n\
            \n\
            --x  \n\
            Content-Disposition: form-data; name="k"\n\
            \n\
            v\n\
            --x--
            """), boundary: "x")
        #expect(parts.map(\.name) == ["empty", "k"])
        #expect(parts[0].body.isEmpty && parts[1].body == Array("v".utf8))
    }

    @Test("broken bodies are refused, never trapped on", arguments: [
        "no boundary at all",
        "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever closed",
        "--x\r\nContent-Disposition: form-data; name=\"a\"",
        "--x\r\nno colon here\r\n\r\nv\r\n--x--",
        "--x\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--x--",
        "--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--",
        "--xjunk\r\n",
        "--x",
    ])
    func broken(_ text: String) {
        #expect(throws: MultipartForm.Failure.self) { try MultipartForm.parse(Array(text.utf8), boundary: "x") }
    }

    @Test func thePartCountIsBounded() {
        let many = (0..<5).map { "--x\r\nContent-Disposition: form-data; name=\"p\($0)\"\r\n\r\nv\r\n" }.joined() + "--x--"
        #expect(throws: MultipartForm.Failure.tooManyParts(limit: 3)) {
            try MultipartForm.parse(Array(many.utf8), boundary: "x", maxParts: 3)
        }
    }
}

private extension String {
    /// Test bodies are written with "\n"; multipart frames with CRLF.
    func replacingCRLF() -> String {
        var out = ""
        for c in self { if c == "\n" { out += "\r\n" } else { out.append(c) } }
        return out
    }
}
