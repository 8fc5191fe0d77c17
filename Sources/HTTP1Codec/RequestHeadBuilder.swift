import GatewayHTTP

/// Accumulates one request head line by line, so lines can be dropped from the caller's buffer
/// as soon as they are parsed, and turns each field into Strings exactly once.
struct RequestHeadBuilder {
    private var method = ""
    private(set) var target = ""
    private var version = HTTPVersion.http1_1
    private var fields: [HTTPHeaders.Field] = []
    private var framing = FramingFields()

    mutating func setRequestLine(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        let requestLine = try RequestLine(parsing: line)
        method = String(decoding: requestLine.method, as: UTF8.self)
        target = String(decoding: requestLine.target, as: UTF8.self)
        version = requestLine.version
    }

    /// `name` and `value` as checked by `HeadLineScanner`, the value trimmed of OWS.
    mutating func addField(
        name: ArraySlice<UInt8>, value: ArraySlice<UInt8>, limits: HTTP1Limits
    ) throws(HTTP1ParseError) {
        if fields.count >= limits.maxHeaderCount { throw .tooManyHeaders }
        try framing.note(name: name, value: value)
        if fields.isEmpty { fields.reserveCapacity(16) }
        // Values are decoded as UTF-8: obs-text that is not UTF-8 becomes U+FFFD, which nothing
        // downstream can act on anyway.
        fields.append((name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
    }

    /// The finished head; leaves the builder empty for the next request.
    mutating func finish(limits: HTTP1Limits) throws(HTTP1ParseError) -> HTTP1RequestHeadFields {
        let decision = try framing.decide(version: version, limits: limits)
        let head = HTTP1RequestHeadFields(
            method: method, target: target, version: version, headers: HTTPHeaders(fields),
            keepAlive: decision.keepAlive, expectsContinue: decision.expectsContinue, body: decision.body)
        self = RequestHeadBuilder()
        return head
    }
}
