/// The transfer codings listed across all Transfer-Encoding fields of a request, in order.
/// We de-chunk but decode nothing else, so anything but a lone final "chunked" is refused.
struct TransferCodings {
    private var count = 0
    private var chunkedCount = 0
    private var lastIsChunked = false
    private var invalid = false

    mutating func note(_ value: ArraySlice<UInt8>) {
        for element in CommaList(value) where !element.isEmpty {
            // Parameters (";q=…") do not change which coding it is.
            let name = ASCII.trimmingWhitespace(element.prefix { $0 != ASCII.semicolon })
            guard ASCII.isToken(name) else {
                invalid = true
                continue
            }
            count += 1
            lastIsChunked = ASCII.equalsIgnoringCase(name, KnownBytes.chunked)
            if lastIsChunked { chunkedCount += 1 }
        }
    }

    /// RFC 9112 §6.1: chunked at most once and last; other codings we cannot undo → 501.
    func checkChunkedOnly() throws(HTTP1ParseError) {
        if invalid || count == 0 { throw .invalidTransferEncoding }
        if chunkedCount > 1 { throw .chunkedTwice }
        if !lastIsChunked || count > 1 { throw .unsupportedTransferCoding }
    }
}
