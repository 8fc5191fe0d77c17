/// Which wire protocol carried a request; front-ends use it for labels and protocol-specific rules.
public enum HTTPVersion: String, Sendable {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"
    case http2 = "HTTP/2"
}

/// What the transport knows about the connection a request came on.
public struct ConnectionInfo: Sendable {
    /// "127.0.0.1:54321" or "[::1]:54321".
    public var remoteAddress: String
    public var isTLS: Bool
    /// The ALPN protocol chosen in the TLS handshake ("h2", "http/1.1"), nil without TLS or ALPN.
    public var alpn: String?
    /// The verified client certificate's subject (RFC 2253), when mutual TLS is on and one was sent.
    public var peerCertificateSubject: String?

    public init(remoteAddress: String, isTLS: Bool = false, alpn: String? = nil, peerCertificateSubject: String? = nil) {
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
        self.alpn = alpn
        self.peerCertificateSubject = peerCertificateSubject
    }
}

/// The head of one request, the same for HTTP/1.1 and HTTP/2.
public struct RequestHead: Sendable {
    public var method: String
    /// The path without the query string, still percent-encoded.
    public var path: String
    /// The raw query string after "?", without the "?"; empty when there is none.
    public var query: String
    public var version: HTTPVersion
    /// Regular header fields; HTTP/2 pseudo-headers are mapped to `method`, `path` and `authority`.
    public var headers: HTTPHeaders
    /// `Host` for HTTP/1.1, `:authority` for HTTP/2.
    public var authority: String?
    public var connection: ConnectionInfo

    public init(method: String, path: String, query: String = "", version: HTTPVersion,
                headers: HTTPHeaders, authority: String? = nil, connection: ConnectionInfo) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.authority = authority
        self.connection = connection
    }

    /// Splits a request target such as "/a/b?x=1" into path and query.
    public static func split(target: String) -> (path: String, query: String) {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        return (String(target[..<q]), String(target[target.index(after: q)...]))
    }
}

/// One request as handed to a front-end: its head and its body, which streams in while the
/// handler runs.
public struct Request: Sendable {
    public var head: RequestHead
    public var body: RequestBody

    public init(head: RequestHead, body: RequestBody) {
        self.head = head
        self.body = body
    }
}
