import GatewayHTTP
import Logging
import Transport

/// A started HTTP server on a free 127.0.0.1 port, one event loop, silent: what the scripted
/// upstreams of these tests (model servers, Qdrant) listen with.
func loopbackServer(_ handler: @escaping HTTPHandler) throws -> (server: HTTPServer, url: String) {
    var cfg = ServerConfiguration()
    cfg.host = "127.0.0.1"
    cfg.port = 0
    cfg.eventLoops = 1
    var logger = Logger(label: "loopback-test-server")
    logger.logLevel = .critical
    let server = try HTTPServer(configuration: cfg, logger: logger, handler: handler)
    return (server, "http://127.0.0.1:\(try server.start().port)")
}
