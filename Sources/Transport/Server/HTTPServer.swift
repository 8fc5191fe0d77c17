#if canImport(Glibc)
import Glibc
#endif
import GatewayHTTP
import Logging
import Synchronization
import TLS

/// The one-port server: HTTP/1.1, h2c and TLS on the main port, TLS only on the TLS port, all
/// handed to one `HTTPHandler`.
///
/// Runs on: the caller, for start and shutdown; listeners and connections on the event loops it
/// starts.
public final class HTTPServer: Sendable {
    public struct BoundPorts: Sendable {
        public let port: Int
        public let tlsPort: Int?
    }

    private let state: ServerState
    private let group: EventLoopGroup
    private let listeners = Mutex<[LoopBound<Listener>]>([])
    /// The server's event loops, for the layers that run their I/O on them (upstream calls).
    public var eventLoops: [EventLoop] { group.eventLoops }

    public init(configuration: ServerConfiguration, logger: Logger, handler: @escaping HTTPHandler) throws {
        let context = try configuration.tls.map { cfg throws(TLSError) in try TLSContext(server: cfg) }
        state = ServerState(configuration: configuration, handler: handler, tlsContext: context, logger: logger)
        group = try EventLoopGroup(count: configuration.eventLoops)
    }

    /// Binds every loop's listeners and starts accepting. With port 0 the first bind picks the
    /// port and the other loops join it.
    public func start() throws -> BoundPorts {
        let cfg = state.configuration
        var port = cfg.port
        var tlsPort: Int? = nil
        var sockets: [(fd: Int32, loop: EventLoop, cleartext: Bool)] = []
        do {
            for loop in group.loops {
                let fd = try Socket.listen(host: cfg.host, port: port)
                if port == 0 { port = Socket.localPort(fd) }
                sockets.append((fd, loop, true))
            }
            if state.tlsContext != nil {
                var p = cfg.tlsPort
                for loop in group.loops {
                    let fd = try Socket.listen(host: cfg.host, port: p)
                    if p == 0 { p = Socket.localPort(fd) }
                    sockets.append((fd, loop, false))
                }
                tlsPort = p
            }
        } catch {
            for s in sockets { close(s.fd) }
            throw error
        }
        let made = sockets.map { s in
            LoopBound(Listener(fd: s.fd, loop: s.loop, server: state, acceptsCleartext: s.cleartext), on: s.loop)
        }
        listeners.withLock { $0 = made }
        for l in made { l.run { $0.start() } }
        return BoundPorts(port: port, tlsPort: tlsPort)
    }

    /// Stops accepting, lets in-flight requests finish for up to `gracePeriod` seconds, closes
    /// what is left and stops the loops. Blocks the calling thread (not a loop thread).
    public func shutdown(gracePeriod: Double) {
        for l in listeners.withLock({ $0 }) { l.run { $0.close() } }
        for loop in group.loops {
            let bound = LoopBound(loop, on: loop)
            bound.run { loop in
                loop.forEachSource { ($0 as? Connection)?.beginGracefulShutdown() }
            }
        }
        let deadline = EventLoop.now() + UInt64(max(0, gracePeriod) * 1e9)
        while state.openConnections > 0 && EventLoop.now() < deadline {
            usleep(20_000)
        }
        let left = state.openConnections
        if left > 0 {
            state.logger.warning("shutdown deadline reached; closing connections", metadata: ["open": "\(left)"])
            for loop in group.loops {
                LoopBound(loop, on: loop).run { loop in
                    loop.forEachSource { ($0 as? Connection)?.close() }
                }
            }
            usleep(50_000)
        }
        group.shutdown()
    }

    public var openConnections: Int { state.openConnections }
}

