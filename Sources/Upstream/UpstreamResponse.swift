/// What came back: the final response (interim 1xx heads are dropped) and how long it took.
public struct UpstreamResponse: Sendable {
    public var status: Int
    /// Header fields in arrival order, names lower-cased; repeated fields stay separate.
    /// Trailers of a chunked response, if any, follow the header fields.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// From queueing the transfer to the last byte, as curl measured it.
    public var totalMicroseconds: Int
    /// Time until the TCP (and TLS) connection was up; near zero on a reused connection.
    public var connectMicroseconds: Int

    public init(
        status: Int, headers: [(String, String)], body: [UInt8], totalMicroseconds: Int,
        connectMicroseconds: Int
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.totalMicroseconds = totalMicroseconds
        self.connectMicroseconds = connectMicroseconds
    }

    /// The first value of `name` (any case).
    public func header(_ name: String) -> String? {
        let wanted = HeaderLine.lowercased(name)
        return headers.first { $0.0 == wanted }?.1
    }
}
