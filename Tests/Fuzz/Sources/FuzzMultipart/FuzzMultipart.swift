import GatewayHTTP

// The multipart/form-data reader of `POST /v1/files`, boundary "x". Invariants (a violation traps):
// - reading never crashes, whatever the bytes;
// - there are at most maxParts parts;
// - every part's body is bytes of the input, in order: a part never invents or reorders content;
// - parts written back out (CRLF framing, quoted names) read back as the same parts, when their
//   names and file names hold nothing that would need escaping.

private func encode(_ parts: [MultipartForm.Part]) -> [UInt8] {
    var out: [UInt8] = []
    for p in parts {
        out += Array("--x\r\nContent-Disposition: form-data; name=\"\(p.name)\"".utf8)
        if let f = p.filename { out += Array("; filename=\"\(f)\"".utf8) }
        out += [13, 10]
        if let t = p.contentType { out += Array("Content-Type: \(t)\r\n".utf8) }
        out += [13, 10]
        out += p.body
        out += [13, 10]
    }
    return out + Array("--x--\r\n".utf8)
}

private func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
    guard hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
    for i in from...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
    return nil
}

private func plain(_ s: String?) -> Bool {
    guard let s else { return true }
    return !s.contains("\"") && !s.contains(";") && !s.contains("\r") && !s.contains("\n") && !s.contains("=")
        && s.trimmed == s && !s.isEmpty
}

private extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let parts = try? MultipartForm.parse(input, boundary: "x", maxParts: 8) else { return 0 }
    precondition(parts.count <= 8, "more parts than allowed")
    var from = 0
    for p in parts where !p.body.isEmpty {
        guard let at = find(p.body, in: input, from: from) else {
            fatalError("a part's body is not in the input")
        }
        from = at + p.body.count
    }
    if parts.allSatisfy({ plain($0.name) && plain($0.filename) && plain($0.contentType) && $0.contentType?.contains(":") != true }) {
        let again = try? MultipartForm.parse(encode(parts), boundary: "x", maxParts: 8)
        precondition(again == parts, "parts written back do not read back the same")
    }
    return 0
}
