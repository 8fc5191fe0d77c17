/// Where a Redis server is and how to log in: `redis://[[user]:password@]host[:port][/db]`.
///
/// The password may be percent-encoded (it must be, if it holds `@`, `/` or `%`). An IPv6 host
/// goes in brackets. TLS (`rediss://`), Unix sockets and query options are not supported and are
/// rejected rather than ignored, so a typo never silently connects somewhere else.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// An ACL user (Redis 6+); nil logs in as the default user.
    public var username: String?
    public var password: String?
    /// Selected with SELECT on connect when not 0.
    public var database: Int

    public static let defaultPort = 6379

    public init(host: String, port: Int = defaultPort, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init(parsing text: String) throws(RedisError) {
        let scheme = "redis://"
        guard text.lowercased().hasPrefix(scheme) else {
            throw .badURL("expected a redis:// URL, got \(RedisURL.redacted(text))")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        guard !rest.contains("?"), !rest.contains("#") else {
            throw .badURL("query and fragment are not supported")
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            database = try RedisURL.parseDatabase(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        var username: String?
        var password: String?
        // The last "@" ends the user info: an unencoded "@" in a password still parses.
        if let at = rest.lastIndex(of: "@") {
            (username, password) = try RedisURL.parseUserInfo(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        let (host, port) = try RedisURL.parseHostPort(rest)
        self.init(host: host, port: port, username: username, password: password, database: database)
    }

    /// The URL with the password hidden, for logs.
    public var description: String {
        var text = "redis://"
        if password != nil { text += (username ?? "") + ":***@" }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port)"
        if database != 0 { text += "/\(database)" }
        return text
    }

    private static func parseDatabase(_ path: Substring) throws(RedisError) -> Int {
        if path.isEmpty { return 0 }
        guard path.allSatisfy(\.isASCIIDigit), path.count <= 9, let db = Int(path) else {
            throw .badURL("the path must be a database number, got /\(path)")
        }
        return db
    }

    private static func parseUserInfo(_ info: Substring) throws(RedisError) -> (String?, String) {
        guard let colon = info.firstIndex(of: ":") else {
            throw .badURL("user info must be user:password or :password")
        }
        let user = try percentDecoded(info[..<colon])
        let password = try percentDecoded(info[info.index(after: colon)...])
        guard !password.isEmpty else { throw .badURL("empty password") }
        return (user.isEmpty ? nil : user, password)
    }

    private static func parseHostPort(_ authority: Substring) throws(RedisError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .badURL("unclosed [ in host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .badURL("unexpected text after ]") }
                portText = after.dropFirst()
            }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw .badURL("an IPv6 host must be in brackets") }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
        }
        guard !host.isEmpty, host.allSatisfy({ !$0.isWhitespace && $0 != "@" && $0 != "[" && $0 != "]" }) else {
            throw .badURL("missing or invalid host")
        }
        guard let portText else { return (String(host), defaultPort) }
        guard portText.allSatisfy(\.isASCIIDigit), portText.count <= 5, let port = Int(portText), (1...65535).contains(port) else {
            throw .badURL("port must be 1-65535, got \"\(portText)\"")
        }
        return (String(host), port)
    }

    private static func percentDecoded(_ text: Substring) throws(RedisError) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else {
                throw .badURL("bad percent escape in user info")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .badURL("user info is not UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Error messages quote the URL with everything before the last "@" hidden: it may hold a password.
    private static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        return "<redacted>" + text[at...]
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
