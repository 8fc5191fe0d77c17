import GatewayHTTP

/// One WebSocket's lifecycle as a pure state machine: the close handshake (RFC 6455 §7) and
/// keep-alive pings. Callers pass `now` (monotonic nanoseconds) and carry out the returned
/// actions; it never reads a clock, sleeps or writes. The transport drives it.
///
///     open ──peer's close──▶ closed(peer's code, 1005 if none)   [echo the code (1000 if none), close TCP]
///     open ──close(code)──▶ closing(code)                         [send close]
///     closing ──peer's close, or the grace period over──▶ closed(code)   [close TCP]
///     open ──protocol error──▶ closed(error's code)               [send close with it, close TCP]
///     open ──no answer to a ping within pongTimeout──▶ closed(1006)   [send close 1001, close TCP]
///     open ──TCP gone──▶ closed(1006); closing(code) ──TCP gone──▶ closed(code)
///
/// While open, `pingInterval` of silence from the peer sends a ping; anything the peer sends
/// (a pong, data, another ping) counts as an answer.
public struct WebSocketStateMachine: Sendable {
    public struct Timing: Sendable {
        /// Silence (ns) after which the server pings; 0 turns keep-alive off.
        public var pingInterval: UInt64
        /// How long (ns) a ping may go unanswered before the peer counts as gone.
        public var pongTimeout: UInt64
        /// How long (ns) the server waits for the peer's close after sending its own.
        public var closeGrace: UInt64

        public init(pingInterval: UInt64 = 30_000_000_000, pongTimeout: UInt64 = 30_000_000_000,
                    closeGrace: UInt64 = 2_000_000_000) {
            self.pingInterval = pingInterval
            self.pongTimeout = pongTimeout
            self.closeGrace = closeGrace
        }
    }

    public enum State: Sendable, Equatable {
        case open
        /// The server sent a close frame with this code and waits for the peer's until `deadline`.
        case closing(sent: WebSocketCloseCode, deadline: UInt64)
        /// Done; the code the connection ended with.
        case closed(WebSocketCloseCode)
    }

    public enum Action: Sendable, Equatable {
        /// Hand a data message to the application.
        case deliver(WebSocketMessage)
        case sendPong([UInt8])
        case sendPing([UInt8])
        /// Send a close frame (nil code: an empty one).
        case sendClose(WebSocketCloseCode?, reason: String)
        /// Close the TCP connection once what is queued has been written.
        case closeConnection
    }

    public let timing: Timing
    public private(set) var state: State = .open
    private var lastHeard: UInt64
    private var pingSentAt: UInt64?
    private var pingsSent: UInt32 = 0

    public init(timing: Timing = Timing(), now: UInt64) {
        self.timing = timing
        self.lastHeard = now
    }

    /// True while the application may send data messages.
    public var isOpen: Bool { state == .open }

    /// The code the connection ended with; nil until closed.
    public var closeCode: WebSocketCloseCode? {
        if case .closed(let code) = state { return code }
        return nil
    }

    /// An event from the decoder.
    public mutating func received(_ event: WebSocketFrameDecoder.Event, now: UInt64) -> [Action] {
        heard(now: now)
        switch (event, state) {
        case (.message(let m), .open):
            return [.deliver(m)]
        case (.ping(let payload), .open):
            return [.sendPong(payload)]
        case (.close(let code, _), .open):
            state = .closed(code ?? .noStatusReceived)
            return [.sendClose(code ?? .normalClosure, reason: ""), .closeConnection]
        case (.close, .closing(let sent, _)):
            state = .closed(sent)
            return [.closeConnection]
        default:
            // Pongs; and data or pings that cross the server's own close, which it no longer answers.
            return []
        }
    }

    /// The decoder failed: send its close code and end the connection.
    public mutating func failed(_ error: WebSocketProtocolError) -> [Action] {
        switch state {
        case .open:
            state = .closed(error.closeCode)
            return [.sendClose(error.closeCode, reason: error.reason), .closeConnection]
        case .closing(let sent, _):
            state = .closed(sent)
            return [.closeConnection]
        case .closed:
            return []
        }
    }

    /// The application (or a shutting-down server) starts the close handshake. A code that may
    /// not appear on the wire (1005, 1006, 1015, unassigned ones) is sent as 1000.
    public mutating func close(code: WebSocketCloseCode, reason: String, now: UInt64) -> [Action] {
        guard state == .open else { return [] }
        let sent = code.isAllowedOnWire ? code : .normalClosure
        state = .closing(sent: sent, deadline: now &+ timing.closeGrace)
        return [.sendClose(sent, reason: reason)]
    }

    /// The TCP connection ended (or the peer half-closed) without finishing the handshake.
    public mutating func connectionLost() {
        switch state {
        case .open: state = .closed(.abnormalClosure)
        case .closing(let sent, _): state = .closed(sent)
        case .closed: break
        }
    }

    /// The peer is known to be alive (it sent something, or the server is not reading from it).
    public mutating func heard(now: UInt64) {
        lastHeard = now
        pingSentAt = nil
    }

    /// Timers: the close grace period, keep-alive pings and their timeout.
    public mutating func tick(now: UInt64) -> [Action] {
        switch state {
        case .closing(let sent, let deadline):
            guard now >= deadline else { return [] }
            state = .closed(sent)
            return [.closeConnection]
        case .open:
            if let sentAt = pingSentAt {
                guard now &- sentAt >= timing.pongTimeout else { return [] }
                state = .closed(.abnormalClosure)
                return [.sendClose(.goingAway, reason: "no answer to ping"), .closeConnection]
            }
            guard timing.pingInterval > 0, now &- lastHeard >= timing.pingInterval else { return [] }
            pingSentAt = now
            pingsSent &+= 1
            let n = pingsSent
            return [.sendPing([UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16),
                               UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)])]
        case .closed:
            return []
        }
    }
}
