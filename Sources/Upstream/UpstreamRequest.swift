/// One call to an upstream: what to send and how long the whole exchange may take.
public struct UpstreamRequest: Sendable {
    public var method: String
    /// An absolute http:// or https:// URL.
    public var url: String
    /// Sent as given, in order. A `Content-Type` or `Expect` here replaces curl's default
    /// (curl would otherwise label a POST as a form and stall big bodies on 100-continue).
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// The deadline for the whole exchange, connect included (callers pass what is left of
    /// their own deadline). Connecting alone gets at most `UpstreamRequest.maxConnectTimeout`.
    public var timeout: Duration

    /// A dead host should fail fast enough for a retry to another replica to fit in the deadline.
    public static let maxConnectTimeout: Duration = .seconds(5)

    public init(
        method: String = "POST", url: String, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
