/// Bounds on what one request may make the parser hold. Each is checked before the bytes it
/// guards are buffered, so a peer cannot make a connection grow past them.
public struct HTTP1Limits: Sendable {
    /// The request line plus the header block (and, separately, a trailer section); over → 431.
    public var maxHeaderBytes: Int
    /// A declared Content-Length, or the running total of a chunked body; over → 413.
    public var maxBodyBytes: Int
    /// One chunk-size line including its extensions; over → 400, since only abuse needs more.
    public var maxChunkLineBytes: Int
    /// Header fields in one head (and trailer fields in one trailer section); over → 431.
    public var maxHeaderCount: Int

    public init(
        maxHeaderBytes: Int = 64 * 1024,
        maxBodyBytes: Int = 16 * 1024 * 1024,
        maxChunkLineBytes: Int = 4096,
        maxHeaderCount: Int = 200
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxHeaderCount = maxHeaderCount
    }
}
