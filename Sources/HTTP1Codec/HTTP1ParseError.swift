/// Why a request was rejected: the status to answer with and a short sentence for the body and
/// the log. The connection is closed after any of these, since the framing can no longer be trusted.
public struct HTTP1ParseError: Error, Sendable, Equatable {
    public var status: Int
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }
}

extension HTTP1ParseError {
    static func badRequest(_ reason: String) -> HTTP1ParseError {
        HTTP1ParseError(status: 400, reason: reason)
    }

    // Request line.
    static let malformedRequestLine = badRequest("malformed request line")
    static let invalidMethod = badRequest("invalid method")
    static let invalidTarget = badRequest("invalid request target")
    static let invalidVersion = badRequest("invalid HTTP version")
    static let versionNotSupported = HTTP1ParseError(status: 505, reason: "HTTP version not supported")

    // Field lines.
    static let bareCR = badRequest("CR not followed by LF")
    static let obsoleteLineFolding = badRequest("obsolete line folding")
    static let missingColon = badRequest("header line without colon")
    static let whitespaceBeforeColon = badRequest("whitespace before header colon")
    static let emptyHeaderName = badRequest("empty header name")
    static let invalidHeaderName = badRequest("invalid header name")
    static let invalidHeaderValue = badRequest("invalid byte in header value")
    static let headTooLarge = HTTP1ParseError(status: 431, reason: "request header section too large")
    static let tooManyHeaders = HTTP1ParseError(status: 431, reason: "too many header fields")

    // Field semantics.
    static let missingHost = badRequest("missing Host header")
    static let multipleHosts = badRequest("more than one Host header")
    static let invalidContentLength = badRequest("invalid Content-Length")
    static let conflictingContentLength = badRequest("conflicting Content-Length values")
    static let lengthAndChunked = badRequest("Content-Length and Transfer-Encoding together")
    static let transferEncodingInHTTP10 = badRequest("Transfer-Encoding in an HTTP/1.0 request")
    static let invalidTransferEncoding = badRequest("invalid Transfer-Encoding")
    static let chunkedTwice = badRequest("chunked applied more than once")
    static let unsupportedTransferCoding = HTTP1ParseError(status: 501, reason: "unsupported transfer coding")
    static let bodyTooLarge = HTTP1ParseError(status: 413, reason: "request body too large")
    static let unsupportedExpectation = HTTP1ParseError(status: 417, reason: "unsupported expectation")

    // Chunked body.
    static let invalidChunkSize = badRequest("invalid chunk size")
    static let chunkSizeTooLarge = badRequest("chunk size too large")
    static let invalidChunkExtension = badRequest("invalid chunk extension")
    static let chunkLineTooLong = badRequest("chunk extension abuse")
    static let chunkLineWithoutCR = badRequest("chunk line not ended by CRLF")
    static let missingChunkDataCRLF = badRequest("missing CRLF after chunk data")
}
