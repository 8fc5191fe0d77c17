import GatewayHTTP
import Testing

@testable import WebSocket

@Suite struct WebSocketStateMachineTests {
    static let second: UInt64 = 1_000_000_000
    static let timing = WebSocketStateMachine.Timing(pingInterval: 30 * second, pongTimeout: 10 * second, closeGrace: 2 * second)

    static func machine() -> WebSocketStateMachine { WebSocketStateMachine(timing: timing, now: 0) }

    @Test func messagesAreDeliveredAndPingsAnswered() {
        var m = Self.machine()
        #expect(m.received(.message(.text("hi")), now: 1) == [.deliver(.text("hi"))])
        #expect(m.received(.ping([1, 2]), now: 2) == [.sendPong([1, 2])])
        #expect(m.received(.pong([9]), now: 3) == [])
        #expect(m.isOpen && m.closeCode == nil)
    }

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4499, 4999] as [UInt16])
    func thePeersCloseIsEchoed(_ code: UInt16) {
        var m = Self.machine()
        let c = WebSocketCloseCode(code)
        #expect(m.received(.close(code: c, reason: "why"), now: 5) == [.sendClose(c, reason: ""), .closeConnection])
        #expect(m.closeCode == c)
        #expect(!m.isOpen)
        #expect(m.received(.message(.text("late")), now: 6) == [])
    }

    @Test func anEmptyCloseIsAnsweredWith1000AndRecordedAs1005() {
        var m = Self.machine()
        #expect(m.received(.close(code: nil, reason: ""), now: 5) == [.sendClose(.normalClosure, reason: ""), .closeConnection])
        #expect(m.closeCode == .noStatusReceived)
    }

    @Test func serverCloseWaitsForThePeer() {
        var m = Self.machine()
        #expect(m.close(code: WebSocketCloseCode(4400), reason: "bad", now: 10) == [.sendClose(WebSocketCloseCode(4400), reason: "bad")])
        #expect(!m.isOpen && m.closeCode == nil)
        #expect(m.close(code: .normalClosure, reason: "", now: 11) == [])           // later calls do nothing
        #expect(m.received(.message(.text("crossing")), now: 11) == [])             // data after our close is dropped
        #expect(m.received(.ping([]), now: 11) == [])
        #expect(m.received(.close(code: .normalClosure, reason: ""), now: 11) == [.closeConnection])
        #expect(m.closeCode == WebSocketCloseCode(4400))
    }

    @Test func serverCloseGivesUpAfterTheGracePeriod() {
        var m = Self.machine()
        _ = m.close(code: .normalClosure, reason: "", now: 10)
        #expect(m.tick(now: 10 + 2 * Self.second - 1) == [])
        #expect(m.tick(now: 10 + 2 * Self.second) == [.closeConnection])
        #expect(m.closeCode == .normalClosure)
    }

    @Test func codesNotAllowedOnTheWireAreSentAs1000() {
        for code in [1005, 1006, 1015, 2000, 999] as [UInt16] {
            var m = Self.machine()
            #expect(m.close(code: WebSocketCloseCode(code), reason: "", now: 0) == [.sendClose(.normalClosure, reason: "")])
        }
    }

    @Test(arguments: [
        WebSocketProtocolError(.protocolError, "unmasked client frame"),
        WebSocketProtocolError(.invalidPayload, "invalid UTF-8 in a text message"),
        WebSocketProtocolError(.messageTooBig, "message over 1 bytes"),
    ])
    func protocolErrorsSendTheirCodeAndClose(_ error: WebSocketProtocolError) {
        var m = Self.machine()
        #expect(m.failed(error) == [.sendClose(error.closeCode, reason: error.reason), .closeConnection])
        #expect(m.closeCode == error.closeCode)
        #expect(m.failed(error) == [])
    }

    @Test func aProtocolErrorWhileClosingJustCloses() {
        var m = Self.machine()
        _ = m.close(code: .goingAway, reason: "", now: 0)
        #expect(m.failed(WebSocketProtocolError(.protocolError, "x")) == [.closeConnection])
        #expect(m.closeCode == .goingAway)
    }

    @Test func lostConnectionIs1006UnlessTheServerWasClosing() {
        var open = Self.machine()
        open.connectionLost()
        #expect(open.closeCode == .abnormalClosure)
        var closing = Self.machine()
        _ = closing.close(code: .normalClosure, reason: "", now: 0)
        closing.connectionLost()
        #expect(closing.closeCode == .normalClosure)
    }

    @Test func keepAlivePingsAfterSilenceAndGivesUpWithoutAnAnswer() {
        var m = Self.machine()
        #expect(m.tick(now: 29 * Self.second) == [])
        guard case .sendPing(let payload)? = m.tick(now: 30 * Self.second).first else {
            Issue.record("no ping after 30 s of silence")
            return
        }
        #expect(payload.count == 4)
        #expect(m.tick(now: 35 * Self.second) == [])                                 // one ping outstanding at a time
        #expect(m.tick(now: 40 * Self.second) == [.sendClose(.goingAway, reason: "no answer to ping"), .closeConnection])
        #expect(m.closeCode == .abnormalClosure)
    }

    @Test func anyTrafficAnswersAPing() {
        var m = Self.machine()
        _ = m.tick(now: 30 * Self.second)
        _ = m.received(.message(.binary([1])), now: 31 * Self.second)
        #expect(m.tick(now: 45 * Self.second) == [])                                 // no timeout: the peer spoke
        guard case .sendPing? = m.tick(now: 61 * Self.second).first else {
            Issue.record("no second ping")
            return
        }
        _ = m.received(.pong([]), now: 62 * Self.second)
        #expect(m.isOpen)
    }

    @Test func keepAliveCanBeTurnedOff() {
        var m = WebSocketStateMachine(timing: .init(pingInterval: 0), now: 0)
        #expect(m.tick(now: 1000 * Self.second) == [])
    }
}
