import GatewayHTTP
import Logging
import Synchronization
import TLS

/// What every connection of one server shares: settings, the handler, the TLS context, and
/// the count of open connections that graceful shutdown waits on.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let handler: HTTPHandler
    let tlsContext: TLSContext?
    let logger: Logger
    private let open = Atomic<Int>(0)

    init(configuration: ServerConfiguration, handler: @escaping HTTPHandler, tlsContext: TLSContext?, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.tlsContext = tlsContext
        self.logger = logger
    }

    var openConnections: Int { open.load(ordering: .acquiring) }
    func connectionOpened() { open.add(1, ordering: .relaxed) }
    func connectionClosed() { open.subtract(1, ordering: .releasing) }
}
