import GatewayHTTP

/// Writes HTTP/1.1 response heads and chunked framing into the caller's output buffer. The
/// encoder owns the framing and connection fields, so a handler cannot contradict them.
public enum HTTP1ResponseEncoder {
    /// Appends "HTTP/1.1 <status> <reason>\r\n" + headers + "\r\n" to `out`. If `contentLength` is
    /// nil the response is chunked ("Transfer-Encoding: chunked" is added); else "Content-Length" is
    /// added. Adds "Connection: close" when !keepAlive (and "Connection: keep-alive" for an
    /// HTTP/1.0 request kept alive).
    ///
    /// Content-Length, Transfer-Encoding and Connection in `headers` are dropped, as are fields
    /// whose name is not a token; CR, LF and NUL in values become SP, so a value built from
    /// client input cannot start a new header line. 1xx, 204 and 304 responses carry no body,
    /// so they get no framing field (and 1xx, being interim, no Connection field either).
    public static func writeHead(
        into out: inout [UInt8], status: Int, headers: HTTPHeaders, requestVersion: HTTPVersion,
        keepAlive: Bool, contentLength: Int?
    ) {
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status, to: &out)
        out.append(ASCII.sp)
        out.append(contentsOf: reasonPhrase(status).utf8)
        appendCRLF(to: &out)
        writeFields(headers, into: &out)
        if status >= 200 {
            if status != 204, status != 304 {
                if let contentLength {
                    out.append(contentsOf: "Content-Length: ".utf8)
                    appendDecimal(contentLength, to: &out)
                    appendCRLF(to: &out)
                } else {
                    out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
                }
            }
            if !keepAlive {
                out.append(contentsOf: "Connection: close\r\n".utf8)
            } else if requestVersion == .http1_0 {
                // An HTTP/1.0 client closes unless told the connection persists.
                out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
            }
        }
        appendCRLF(to: &out)
    }

    /// Appends one chunk: hex size CRLF data CRLF. Nothing for empty `bytes`, since a zero-size
    /// chunk would end the body.
    public static func writeChunk(into out: inout [UInt8], _ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        appendHex(bytes.count, to: &out)
        appendCRLF(to: &out)
        out.append(contentsOf: bytes)
        appendCRLF(to: &out)
    }

    /// Appends the last chunk: "0\r\n", the trailer fields, "\r\n".
    public static func writeLastChunk(into out: inout [UInt8], trailers: HTTPHeaders?) {
        out.append(contentsOf: "0\r\n".utf8)
        if let trailers { writeFields(trailers, into: &out) }
        appendCRLF(to: &out)
    }

    private static func writeFields(_ fields: HTTPHeaders, into out: inout [UInt8]) {
        for field in fields where isWritableName(field.name) && !isFramingName(field.name) {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            appendValue(field.value, to: &out)
            appendCRLF(to: &out)
        }
    }

    private static func isWritableName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(ASCII.isTokenChar)
    }

    private static func isFramingName(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10: name.equalsIgnoringASCIICase("connection")
        case 14: name.equalsIgnoringASCIICase("content-length")
        case 17: name.equalsIgnoringASCIICase("transfer-encoding")
        default: false
        }
    }

    private static func appendValue(_ value: String, to out: inout [UInt8]) {
        let isLineBreaking = { (byte: UInt8) in byte == ASCII.cr || byte == ASCII.lf || byte == 0 }
        if value.utf8.contains(where: isLineBreaking) {
            out.append(contentsOf: value.utf8.lazy.map { isLineBreaking($0) ? ASCII.sp : $0 })
        } else {
            out.append(contentsOf: value.utf8)
        }
    }

    private static func appendCRLF(to out: inout [UInt8]) {
        out.append(ASCII.cr)
        out.append(ASCII.lf)
    }

    /// Formats without going through String, which would allocate per number.
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        assert(value >= 0, "negative number in a response head")
        let value = max(value, 0)
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: value / divisor % 10) &+ 0x30)
            divisor /= 10
        }
    }

    private static func appendHex(_ value: Int, to out: inout [UInt8]) {
        var shift = (Int.bitWidth - value.leadingZeroBitCount + 3) / 4 * 4 - 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value >> shift) & 0xF
            out.append(nibble < 10 ? nibble &+ 0x30 : nibble &+ 0x57)
            shift -= 4
        }
    }
}
