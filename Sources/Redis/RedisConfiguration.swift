/// How a `RedisClient` reaches its server. Parsed once, up front, so a bad URL fails at startup
/// rather than on the first command.
public struct RedisConfiguration: Sendable {
    public let url: String
    public let endpoint: RedisURL
    /// Connections, each with its own thread. A blocking read (XREADGROUP BLOCK) holds one for
    /// its whole wait, so keep more than the number of such readers.
    public var poolSize = 4
    /// Seconds to wait for each reply before giving up on it and on its connection.
    public var commandTimeout: Double = 1
    /// Seconds to wait for the TCP connect.
    public var connectTimeout: Double = 1

    public init(url: String) throws(RedisError) {
        self.url = url
        self.endpoint = try RedisURL(parsing: url)
    }
}
