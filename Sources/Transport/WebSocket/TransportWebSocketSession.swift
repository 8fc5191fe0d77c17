import GatewayHTTP

/// The handle a front-end holds on an accepted WebSocket: every call hops to the connection's
/// event loop, where `WebSocketChannel` owns the socket, the decoder and the close handshake.
///
/// Runs on: any task; each call hops to the connection's event loop (inline when already there).
struct TransportWebSocketSession: WebSocketSession {
    let channel: LoopBound<WebSocketChannel>
    let cell: WebSocketCloseCodeCell
    let messages: AsyncStream<WebSocketMessage>

    init(channel: WebSocketChannel, loop: EventLoop) {
        let bound = LoopBound(channel, on: loop)
        self.channel = bound
        self.cell = channel.closeCodeCell
        // Pulled one at a time, so the channel knows what the handler has taken and can stop
        // reading the socket while messages pile up (an AsyncStream continuation would buffer
        // without bound).
        self.messages = AsyncStream(unfolding: {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<WebSocketMessage?, Never>) in
                    bound.run { $0.nextMessage(c) }
                }
            } onCancel: {
                bound.run { $0.consumerCancelled() }
            }
        })
    }

    func send(_ message: WebSocketMessage) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            channel.run { $0.send(message, c) }
        }
    }

    func close(code: UInt16, reason: String) {
        channel.run { $0.close(code: code, reason: reason) }
    }

    var closeCode: UInt16? { cell.code }
}
