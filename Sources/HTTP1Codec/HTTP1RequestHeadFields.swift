import GatewayHTTP

/// A parsed HTTP/1.x request head, with the framing and connection decisions already made so
/// the event loop never has to re-read the headers for them.
public struct HTTP1RequestHeadFields: Sendable {
    public var method: String
    /// The raw request-target, e.g. "/a/b?x=1", "http://host/a", "*" or "host:443".
    public var target: String
    /// `.http1_0` or `.http1_1`.
    public var version: HTTPVersion
    /// In arrival order, names as sent.
    public var headers: HTTPHeaders
    /// HTTP/1.1: true unless a "close" Connection token; HTTP/1.0: only with a "keep-alive" token.
    public var keepAlive: Bool
    /// "Expect: 100-continue" on an HTTP/1.1 request (HTTP/1.0 clients cannot wait for a 100).
    public var expectsContinue: Bool
    public var body: HTTP1BodyKind

    public init(
        method: String, target: String, version: HTTPVersion, headers: HTTPHeaders,
        keepAlive: Bool, expectsContinue: Bool, body: HTTP1BodyKind
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.body = body
    }
}
