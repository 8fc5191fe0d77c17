/// `multipart/form-data` (RFC 7578 over RFC 2046's framing), read whole: what `POST /v1/files`
/// receives from the OpenAI SDKs. Parts are delimited by `--boundary` lines; each part has its
/// header lines (`Content-Disposition: form-data; name="file"; filename="in.jsonl"`, maybe
/// `Content-Type`), a blank line and its bytes. No I/O; the part count is bounded.
/// Runs on: whichever task holds the body (a handler; the body is at most the request limit).
public enum MultipartForm {
    public struct Part: Sendable, Equatable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var body: [UInt8]

        public init(name: String, filename: String? = nil, contentType: String? = nil, body: [UInt8]) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.body = body
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        case noBoundary
        case malformed(String)
        case tooManyParts(limit: Int)
    }

    /// The boundary of a `multipart/form-data; boundary=...` Content-Type (quoted or not).
    public static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for p in parts.dropFirst() {
            guard let eq = p.firstIndex(of: "="), p[..<eq].lowercased() == "boundary" else { continue }
            var value = p[p.index(after: eq)...]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            // RFC 2046: 1 to 70 characters.
            guard (1...70).contains(value.count) else { return nil }
            return String(value)
        }
        return nil
    }

    public static func parse(_ body: [UInt8], boundary: String, maxParts: Int = 16) throws(Failure) -> [Part] {
        guard !boundary.isEmpty else { throw .noBoundary }
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        // The first delimiter may come first or after a preamble line.
        guard var at = find(delimiter, in: body, from: 0), at == 0 || body[..<at].suffix(2).elementsEqual(crlf) else {
            throw .malformed("no opening boundary")
        }
        var parts: [Part] = []
        while true {
            at += delimiter.count
            if body[at...].starts(with: [45, 45]) { return parts }  // "--": the closing delimiter
            // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
            while at < body.count, body[at] == 32 || body[at] == 9 { at += 1 }
            guard body[at...].starts(with: crlf) else { throw .malformed("a boundary line does not end in CRLF") }
            at += 2
            let headers: [UInt8]
            let contentStart: Int
            if body[at...].starts(with: crlf) {
                headers = []  // no header lines at all: the blank line comes at once
                contentStart = at + 2
            } else {
                guard let headerEnd = find([13, 10, 13, 10], in: body, from: at) else {
                    throw .malformed("a part's headers never end")
                }
                headers = Array(body[at..<headerEnd])
                contentStart = headerEnd + 4
            }
            guard let next = find(crlf + delimiter, in: body, from: contentStart) else {
                throw .malformed("a part is not followed by a boundary")
            }
            guard parts.count < maxParts else { throw .tooManyParts(limit: maxParts) }
            parts.append(try part(headers: headers, body: Array(body[contentStart..<next])))
            at = next + 2
        }
    }

    private static func part(headers: [UInt8], body: [UInt8]) throws(Failure) -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: 10) {
            var text = String(decoding: line, as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            guard let colon = text.firstIndex(of: ":") else { throw .malformed("a part header has no colon") }
            let field = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmingCharacters(in: " \t")
            switch field {
            case "content-disposition":
                let params = value.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
                guard params.first?.lowercased() == "form-data" else { throw .malformed("a part is not form-data") }
                for p in params.dropFirst() {
                    guard let eq = p.firstIndex(of: "=") else { continue }
                    var v = p[p.index(after: eq)...]
                    if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = v.dropFirst().dropLast() }
                    switch p[..<eq].lowercased() {
                    case "name": name = String(v)
                    case "filename": filename = String(v)
                    default: break
                    }
                }
            case "content-type":
                contentType = value
            default:
                break
            }
        }
        guard let name else { throw .malformed("a part has no name") }
        return Part(name: name, filename: filename, contentType: contentType, body: body)
    }

    /// The first index of `needle` in `hay` at or after `from`.
    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// Without Foundation: drops the given characters from both ends.
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
