import HTTP1Codec
import TLS

/// Everything the transport needs to know to listen and serve.
public struct ServerConfiguration: Sendable {
    public var host: String = "0.0.0.0"
    /// 0 picks a free port (see `HTTPServer.start`'s result).
    public var port: Int = 8000
    /// The TLS-only listener; opened when `tls` is set.
    public var tlsPort: Int = 8443
    /// With a certificate configured, the main port also accepts TLS (first byte 0x16).
    public var tls: TLSConfiguration?
    public var eventLoops: Int = EventLoopGroup.availableCores
    public var http1Limits = HTTP1Limits()
    /// Seconds a client may take to send a request head (and a TLS handshake) before it is dropped.
    public var headerReadTimeout: Double = 10
    /// Seconds an idle keep-alive connection stays open.
    public var idleTimeout: Double = 60
    public var http2MaxConcurrentStreams: Int = 256
    /// Bytes queued for a slow reader before the connection stops reading more requests and
    /// streamed writes wait.
    public var writeHighWaterMark: Int = 1 << 20
    /// Connections upgraded to WebSocket (HTTP/1.1 only).
    public var webSocket = WebSocketSettings()

    public init() {}

    var maxHeaderBytes: Int { http1Limits.maxHeaderBytes }
    var maxBodyBytes: Int { http1Limits.maxBodyBytes }
}
