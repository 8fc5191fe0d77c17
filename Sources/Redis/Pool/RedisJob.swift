/// Commands to run back to back on one connection, and where their replies go.
struct RedisJob: Sendable {
    let commands: [[[UInt8]]]
    /// Seconds to wait for each reply: the configured command timeout, or more for a blocking read.
    let timeout: Double
    /// Called exactly once, on the connection's thread; it only resumes a continuation.
    let complete: @Sendable (Result<[RedisReply], RedisError>) -> Void
}
