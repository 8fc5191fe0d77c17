import GatewayHTTP

/// What the few fields that decide framing and connection handling said (Host, Content-Length,
/// Transfer-Encoding, Connection, Expect), noted as each line is parsed so the finished head is
/// never searched again.
struct FramingFields {
    private var hostCount = 0
    private var contentLength: Int?
    private var transferEncoding: TransferCodings?
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var expectsContinue = false
    private var unsupportedExpectation = false

    /// The outcome for a complete head.
    struct Decision {
        var body: HTTP1BodyKind
        var keepAlive: Bool
        var expectsContinue: Bool
    }

    mutating func note(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        // Length and first letter rule out nearly every other field before a full comparison.
        guard let first = name.first else { return }
        switch (name.count, first | 0x20) {
        case (4, UInt8(ascii: "h")) where ASCII.equalsIgnoringCase(name, KnownBytes.host):
            hostCount += 1
        case (6, UInt8(ascii: "e")) where ASCII.equalsIgnoringCase(name, KnownBytes.expect):
            noteExpect(value)
        case (10, UInt8(ascii: "c")) where ASCII.equalsIgnoringCase(name, KnownBytes.connection):
            noteConnection(value)
        case (14, UInt8(ascii: "c")) where ASCII.equalsIgnoringCase(name, KnownBytes.contentLength):
            try noteContentLength(value)
        case (17, UInt8(ascii: "t")) where ASCII.equalsIgnoringCase(name, KnownBytes.transferEncoding):
            transferEncoding = transferEncoding ?? TransferCodings()
            transferEncoding?.note(value)
        default:
            break
        }
    }

    /// Applies RFC 9112 §6.3 and the Host and Expect rules of RFC 9110 to the whole head.
    func decide(version: HTTPVersion, limits: HTTP1Limits) throws(HTTP1ParseError) -> Decision {
        if hostCount > 1 { throw .multipleHosts }
        if version == .http1_1, hostCount == 0 { throw .missingHost }

        let body: HTTP1BodyKind
        if let transferEncoding {
            // RFC 9112 §6.1: either combination lets two parsers disagree on where the body ends.
            if version == .http1_0 { throw .transferEncodingInHTTP10 }
            if contentLength != nil { throw .lengthAndChunked }
            try transferEncoding.checkChunkedOnly()
            body = .chunked
        } else if let contentLength {
            if contentLength > limits.maxBodyBytes { throw .bodyTooLarge }
            body = .length(contentLength)
        } else {
            body = .none
        }

        if unsupportedExpectation { throw .unsupportedExpectation }
        let keepAlive = !connectionClose && (version == .http1_1 || connectionKeepAlive)
        // RFC 9110 §10.1.1: a 100-continue from an HTTP/1.0 client must be ignored.
        return Decision(body: body, keepAlive: keepAlive, expectsContinue: expectsContinue && version == .http1_1)
    }

    /// `Content-Length = 1*DIGIT`; a list or repeat of one value is tolerated (RFC 9110 §8.6)
    /// because some intermediaries fold duplicates into one line.
    private mutating func noteContentLength(_ value: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        for element in CommaList(value) {
            guard !element.isEmpty else { throw .invalidContentLength }
            var length = 0
            for byte in element {
                guard ASCII.isDigit(byte) else { throw .invalidContentLength }
                let (times10, overflowA) = length.multipliedReportingOverflow(by: 10)
                let (sum, overflowB) = times10.addingReportingOverflow(Int(byte &- 0x30))
                if overflowA || overflowB { throw .invalidContentLength }
                length = sum
            }
            if let contentLength, contentLength != length { throw .conflictingContentLength }
            contentLength = length
        }
    }

    private mutating func noteConnection(_ value: ArraySlice<UInt8>) {
        for option in CommaList(value) {
            if ASCII.equalsIgnoringCase(option, KnownBytes.close) {
                connectionClose = true
            } else if ASCII.equalsIgnoringCase(option, KnownBytes.keepAlive) {
                connectionKeepAlive = true
            }
        }
    }

    private mutating func noteExpect(_ value: ArraySlice<UInt8>) {
        for expectation in CommaList(value) where !expectation.isEmpty {
            if ASCII.equalsIgnoringCase(expectation, KnownBytes.hundredContinue) {
                expectsContinue = true
            } else {
                unsupportedExpectation = true
            }
        }
    }
}
