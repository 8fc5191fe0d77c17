#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// One listening socket on one loop. Every loop has its own (SO_REUSEPORT), so accepting is
/// spread over loops by the kernel with no hand-off between threads.
///
/// Runs on: its event loop.
final class Listener: EventSource {
    private let fd: Int32
    private let loop: EventLoop
    private let server: ServerState
    /// False for the TLS-only port: a first byte other than a TLS handshake closes the socket.
    private let acceptsCleartext: Bool
    private var closed = false

    init(fd: Int32, loop: EventLoop, server: ServerState, acceptsCleartext: Bool) {
        self.fd = fd
        self.loop = loop
        self.server = server
        self.acceptsCleartext = acceptsCleartext
    }

    func start() {
        loop.register(fd, self, events: EPOLLIN.rawValue)
    }

    func handleEvent(_ events: UInt32) {
        // Bounded, so one busy listener cannot keep the loop from serving its connections.
        for _ in 0..<64 {
            guard !closed else { return }
            let accepted: (fd: Int32, remote: String)?
            do {
                accepted = try Socket.accept(fd)
            } catch {
                // EMFILE and friends: log and try again on the next readiness event.
                server.logger.warning("accept failed", metadata: ["error": "\(error)"])
                return
            }
            guard let accepted else { return }
            server.connectionOpened()
            let c = Connection(fd: accepted.fd, remote: accepted.remote, loop: loop, server: server,
                               acceptsCleartext: acceptsCleartext)
            c.start()
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        loop.deregister(fd)
        Glibc.close(fd)
    }

    func tick(now: UInt64) {}
}
