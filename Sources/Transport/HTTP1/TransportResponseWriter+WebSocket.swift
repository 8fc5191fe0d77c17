import GatewayHTTP
import WebSocket

/// Only an HTTP/1.1 exchange can become a WebSocket (RFC 8441's HTTP/2 upgrade is not offered).
extension TransportResponseWriter: WebSocketUpgradable where Sink == HTTP1Channel {
    /// On the connection's loop (the usual case: handlers run there) the answer is exact: nil
    /// when the exchange cannot be upgraded. Called from elsewhere it hops and returns the
    /// session at once; if the upgrade then fails, the session is born closed (1006, `send`
    /// throws, `messages` empty).
    func upgradeToWebSocket(key: String, subprotocol: String?, headers: HTTPHeaders) -> (any WebSocketSession)? {
        let connection = sink.connection
        let ws = WebSocketChannel(connection: connection, settings: connection.configuration.webSocket)
        let session = TransportWebSocketSession(channel: ws, loop: loop)
        if loop.inEventLoop {
            return sink.upgrade(id, to: ws, key: key, subprotocol: subprotocol, headers: headers) ? session : nil
        }
        let bound = LoopBound(ws, on: loop)
        onLoop { sink, id in
            if !sink.upgrade(id, to: bound.value, key: key, subprotocol: subprotocol, headers: headers) {
                bound.value.upgradeRefused()
            }
        }
        return session
    }
}
