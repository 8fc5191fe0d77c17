import GatewayHTTP
import Synchronization

/// A `WebSocketSession` in memory: the test plays the client (`client(_:)`, `clientCloses()`) and
/// reads what the server sent and how it closed. A server close ends `messages` at once, as a
/// peer answering the close frame would.
final class FakeWebSocketSession: WebSocketSession {
    let messages: AsyncStream<WebSocketMessage>
    private let input: AsyncStream<WebSocketMessage>.Continuation
    private struct State {
        var sent: [String] = []
        var closed: (code: UInt16, reason: String)?
    }
    private let state = Mutex(State())

    init() {
        (messages, input) = AsyncStream.makeStream()
    }

    func client(_ text: String) { input.yield(.text(text)) }

    func clientCloses() {
        state.withLock { if $0.closed == nil { $0.closed = (1000, "") } }
        input.finish()
    }

    func send(_ message: WebSocketMessage) async throws {
        try state.withLock { s in
            guard s.closed == nil else { throw ResponseWriterError.closed }
            if case .text(let t) = message { s.sent.append(t) }
        }
    }

    func close(code: UInt16, reason: String) {
        state.withLock { if $0.closed == nil { $0.closed = (code, reason) } }
        input.finish()
    }

    var closeCode: UInt16? { state.withLock { $0.closed?.code } }
    var closeReason: String? { state.withLock { $0.closed?.reason } }
    var sent: [String] { state.withLock { $0.sent } }

    /// Waits (up to 5 s) until `count` messages were sent; returns them all.
    func sent(atLeast count: Int) async -> [String] {
        for _ in 0..<500 {
            let now = sent
            if now.count >= count { return now }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return sent
    }
}
