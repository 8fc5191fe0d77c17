/// The spellings the parser compares against, as byte arrays: comparing two byte sequences is
/// a tight loop, while walking a String literal's UTF-8 view costs several times more, and
/// these comparisons run for every request.
enum KnownBytes {
    // Lower-case field names and tokens, matched ignoring case.
    static let host = Array("host".utf8)
    static let expect = Array("expect".utf8)
    static let connection = Array("connection".utf8)
    static let contentLength = Array("content-length".utf8)
    static let transferEncoding = Array("transfer-encoding".utf8)
    static let close = Array("close".utf8)
    static let keepAlive = Array("keep-alive".utf8)
    static let hundredContinue = Array("100-continue".utf8)
    static let chunked = Array("chunked".utf8)

    // Matched exactly: methods and the protocol name are case-sensitive.
    static let connectMethod = Array("CONNECT".utf8)
    static let optionsMethod = Array("OPTIONS".utf8)
    static let httpSlash = Array("HTTP/".utf8)
}
