import GatewayHTTP

/// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3), split and checked
/// in one left-to-right pass; the parts stay byte slices until the head is known to be valid.
struct RequestLine {
    var method: ArraySlice<UInt8>
    var target: ArraySlice<UInt8>
    var version: HTTPVersion

    /// `line` is the request line without its line ending.
    init(parsing line: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        do throws(HTTP1ParseError) {
            let end = line.endIndex
            var index = line.startIndex
            while index < end, ASCII.isTokenChar(line[index]) { index += 1 }
            guard index < end, line[index] == ASCII.sp else {
                throw index == end ? .malformedRequestLine : .invalidMethod
            }
            // An empty method means the line began with SP: one SP between parts, no more.
            guard index > line.startIndex else { throw .malformedRequestLine }
            method = line[line.startIndex..<index]

            index += 1
            let targetStart = index
            while index < end, line[index] != ASCII.sp {
                if ASCII.isControl(line[index]) { throw .invalidTarget }
                index += 1
            }
            guard index > targetStart, index < end else { throw .malformedRequestLine }
            target = line[targetStart..<index]

            version = try Self.version(line[(index + 1)...])
            try Self.checkTargetForm(target, method: method)
        } catch {
            // A CR inside the line is the root cause whatever check tripped over it first.
            throw line.contains(ASCII.cr) ? .bareCR : error
        }
    }

    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT`; a well-formed version we do not speak is 505,
    /// anything else is not a version at all.
    private static func version(_ bytes: ArraySlice<UInt8>) throws(HTTP1ParseError) -> HTTPVersion {
        guard bytes.count == 8, bytes.prefix(5).elementsEqual(KnownBytes.httpSlash) else { throw .invalidVersion }
        let start = bytes.startIndex
        let major = bytes[start + 5]
        let minor = bytes[start + 7]
        guard ASCII.isDigit(major), bytes[start + 6] == UInt8(ascii: "."), ASCII.isDigit(minor) else {
            throw .invalidVersion
        }
        switch (major, minor) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .http1_1
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .http1_0
        default: throw .versionNotSupported
        }
    }

    /// RFC 9112 §3.2: origin-form for ordinary requests, absolute-form as a proxy would send,
    /// authority-form only for CONNECT and asterisk-form only for OPTIONS.
    private static func checkTargetForm(
        _ target: ArraySlice<UInt8>, method: ArraySlice<UInt8>
    ) throws(HTTP1ParseError) {
        if method.elementsEqual(KnownBytes.connectMethod) {
            guard isAuthorityForm(target) else { throw .invalidTarget }
            return
        }
        if target.first == ASCII.slash { return }
        if target.count == 1, target.first == UInt8(ascii: "*") {
            guard method.elementsEqual(KnownBytes.optionsMethod) else { throw .invalidTarget }
            return
        }
        guard isAbsoluteForm(target) else { throw .invalidTarget }
    }

    /// `scheme "://" …`, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). The rest is left
    /// to whoever routes on it; we only need to know this is not garbage.
    private static func isAbsoluteForm(_ target: ArraySlice<UInt8>) -> Bool {
        guard let colon = target.firstIndex(of: ASCII.colon), colon > target.startIndex else {
            return false
        }
        let scheme = target[..<colon]
        guard scheme.first.map(isAlpha) == true,
              scheme.allSatisfy({ isAlpha($0) || ASCII.isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return false }
        let rest = target[(colon + 1)...]
        return rest.count > 2 && rest.starts(with: "//".utf8)
    }

    /// `uri-host ":" port`, with the host possibly an IPv6 literal in brackets.
    private static func isAuthorityForm(_ target: ArraySlice<UInt8>) -> Bool {
        guard let colon = target.lastIndex(of: ASCII.colon) else { return false }
        let host = target[..<colon]
        let port = target[(colon + 1)...]
        return !host.isEmpty && !host.contains(ASCII.slash)
            && (1...5).contains(port.count) && port.allSatisfy(ASCII.isDigit)
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        ASCII.lowercased(byte) &- 0x61 < 26
    }
}
