import GatewayHTTP
import WebSocket

/// A connection after `101 Switching Protocols`: RFC 6455 frames in both directions. Decodes
/// the client's frames, answers pings, pings a silent client, runs the close handshake
/// (`WebSocketStateMachine` decides, this carries it out) and queues data messages for the
/// handler's `TransportWebSocketSession`.
///
/// Runs on: its connection's event loop; the session's calls hop here.
final class WebSocketChannel: ConnectionProtocolHandler {
    // Strong, as HTTP1Channel's: `Connection.close()` drops the connection's reference to this
    // channel, which breaks the cycle.
    private let connection: Connection
    private let settings: WebSocketSettings
    private var decoder: WebSocketFrameDecoder
    private var machine: WebSocketStateMachine
    let closeCodeCell = WebSocketCloseCodeCell()

    /// The handler's task, cancelled when the socket goes (as for any HTTP handler).
    var handlerTask: Task<Void, Never>?

    // Messages the handler has not taken yet, oldest first from `inboxHead`.
    private var inbox: [WebSocketMessage] = []
    private var inboxHead = 0
    private var inboxBytes = 0
    private var waiter: CheckedContinuation<WebSocketMessage?, Never>?
    /// Nobody reads `messages` any more (the handler returned or stopped iterating): data is dropped.
    private var consumerGone = false
    /// Not decoding (and not reading the socket) until the handler takes queued messages.
    private var decodingPaused = false
    /// Set once the connection is told to close; past it the socket is closed outright (a peer
    /// that never reads would otherwise keep the close frame, and the socket, queued forever).
    private var hardCloseAt: UInt64?

    init(connection: Connection, settings: WebSocketSettings) {
        self.connection = connection
        self.settings = settings
        self.decoder = WebSocketFrameDecoder(configuration: .init(role: .server, maxMessageBytes: settings.maxMessageBytes))
        self.machine = WebSocketStateMachine(
            timing: .init(pingInterval: Self.nanoseconds(settings.pingInterval), pongTimeout: Self.nanoseconds(settings.pongTimeout),
                          closeGrace: Self.nanoseconds(settings.closeGrace)),
            now: EventLoop.now())
    }

    private static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1e9) }

    /// A WebSocket never counts as idle: keep-alive pings decide when a silent one is dead.
    var isIdle: Bool { false }

    // MARK: input

    func receive(_ bytes: ArraySlice<UInt8>) {
        decoder.receive(bytes)
        decode()
    }

    private func decode() {
        while !decodingPaused && !connection.closed && machine.closeCode == nil {
            let event: WebSocketFrameDecoder.Event?
            do {
                event = try decoder.nextEvent()
            } catch {
                connection.logger.debug("websocket protocol error",
                                        metadata: ["remote": "\(connection.info.remoteAddress)", "close": "\(error)"])
                perform(machine.failed(error))
                return
            }
            guard let event else { return }
            perform(machine.received(event, now: EventLoop.now()))
        }
    }

    private func perform(_ actions: [WebSocketStateMachine.Action]) {
        for action in actions {
            switch action {
            case .deliver(let message):
                deliver(message)
            case .sendPong(let payload):
                connection.send(WebSocketFrameEncoder.pong(payload))
            case .sendPing(let payload):
                connection.send(WebSocketFrameEncoder.ping(payload))
            case .sendClose(let code, let reason):
                connection.send(WebSocketFrameEncoder.close(code: code, reason: reason))
            case .closeConnection:
                if hardCloseAt == nil { hardCloseAt = EventLoop.now() + Self.nanoseconds(settings.closeGrace) }
                connection.closeWhenFlushed()
            }
        }
        if let code = machine.closeCode {
            closeCodeCell.set(code.rawValue)
            finishMessages()
        }
    }

    // MARK: the handler's messages

    private func deliver(_ message: WebSocketMessage) {
        if consumerGone { return }
        if let w = waiter {
            waiter = nil
            w.resume(returning: message)
            return
        }
        inbox.append(message)
        inboxBytes += Self.size(of: message)
        if inboxBytes > settings.maxQueuedBytes && !decodingPaused {
            decodingPaused = true
            connection.pauseReading()
        }
    }

    private static func size(of message: WebSocketMessage) -> Int {
        switch message {
        case .text(let s): s.utf8.count
        case .binary(let b): b.count
        }
    }

    /// The session's `messages` asks for the next one.
    func nextMessage(_ c: CheckedContinuation<WebSocketMessage?, Never>) {
        if inboxHead < inbox.count {
            let m = inbox[inboxHead]
            inboxHead += 1
            inboxBytes -= Self.size(of: m)
            if inboxHead == inbox.count {
                inbox.removeAll(keepingCapacity: inbox.capacity <= 64)
                inboxHead = 0
            }
            c.resume(returning: m)
            if decodingPaused && inboxBytes <= settings.maxQueuedBytes / 2 { resumeDecoding() }
            return
        }
        if consumerGone || machine.closeCode != nil || connection.closed {
            c.resume(returning: nil)
            return
        }
        waiter?.resume(returning: nil)
        waiter = c
    }

    /// The task iterating `messages` was cancelled.
    func consumerCancelled() {
        dropConsumer()
    }

    private func dropConsumer() {
        consumerGone = true
        inbox = []
        inboxHead = 0
        inboxBytes = 0
        waiter?.resume(returning: nil)
        waiter = nil
        if decodingPaused { resumeDecoding() }
    }

    private func resumeDecoding() {
        decodingPaused = false
        connection.resumeReading()
        decode()
    }

    /// Ends `messages` once what is queued has been taken.
    private func finishMessages() {
        if inboxHead == inbox.count, let w = waiter {
            waiter = nil
            w.resume(returning: nil)
        }
    }

    // MARK: the handler's calls

    func send(_ message: WebSocketMessage, _ done: CheckedContinuation<Void, any Error>) {
        guard machine.isOpen, !connection.closed else {
            done.resume(throwing: ResponseWriterError.closed)
            return
        }
        connection.send(WebSocketFrameEncoder.message(message))
        connection.waitForWritable(done)
    }

    func close(code: UInt16, reason: String) {
        perform(machine.close(code: WebSocketCloseCode(code), reason: reason, now: EventLoop.now()))
    }

    /// The handler's task returned: nobody reads any more; close normally if still open.
    func handlerReturned() {
        dropConsumer()
        close(code: WebSocketCloseCode.normalClosure.rawValue, reason: "")
    }

    // MARK: ConnectionProtocolHandler

    func peerClosedInput() {
        // A FIN without a close frame (or after ours: the peer is done either way).
        machine.connectionLost()
        perform([])
        connection.close()
    }

    func outboundDrained() {}

    func beginGracefulShutdown() {
        perform(machine.close(code: .goingAway, reason: "server shutting down", now: EventLoop.now()))
    }

    func connectionClosed() {
        machine.connectionLost()
        perform([])
        waiter?.resume(returning: nil)
        waiter = nil
        handlerTask?.cancel()
    }

    func tick(now: UInt64) {
        if let hardCloseAt {
            if now >= hardCloseAt { connection.close() }
            return
        }
        // A client we are not reading from cannot answer a ping; it is not silent, we are deaf.
        if decodingPaused { machine.heard(now: now) }
        perform(machine.tick(now: now))
    }

    /// Starts on the bytes that came after the upgrade request (a client may send its first
    /// frames without waiting for the 101).
    func start(with leftover: ArraySlice<UInt8>) {
        if !leftover.isEmpty { receive(leftover) }
    }
}

extension WebSocketChannel {
    /// The upgrade this channel was made for did not happen (see `upgradeToWebSocket`): the
    /// session ends before it began.
    func upgradeRefused() {
        connectionClosed()
    }
}
