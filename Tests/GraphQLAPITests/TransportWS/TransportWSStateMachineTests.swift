import GatewayHTTP
import JSON
import Testing

@testable import GraphQLAPI

/// graphql-transport-ws's rules as the state machine applies them, fed messages and events
/// directly: no socket, no clock.
@Suite("graphql-transport-ws state machine")
struct TransportWSStateMachineTests {
    typealias Machine = TransportWSStateMachine

    static let query = SubscribePayload(query: "{ a }")

    /// A machine past connection_init and its ack.
    static func acknowledged(headerCredential: String? = nil) -> Machine {
        var m = Machine(headerCredential: headerCredential, maxOperations: 2)
        _ = m.received(.text(#"{"type":"connection_init"}"#))
        _ = m.authenticated(true)
        return m
    }

    @Test("connection_init asks for the key (payload first, then the upgrade headers) and the ack follows acceptance")
    func initThenAck() {
        var m = Machine(headerCredential: "from-headers")
        #expect(m.received(.text(#"{"type":"connection_init","payload":{"Authorization":"Bearer k1"}}"#))
                == [.authenticate(credential: "k1")])
        #expect(m.phase == .authenticating)
        #expect(m.authenticated(true) == [.send(.connectionAck)])
        #expect(m.phase == .acknowledged)

        var h = Machine(headerCredential: "from-headers")
        #expect(h.received(.text(#"{"type":"connection_init","payload":null}"#)) == [.authenticate(credential: "from-headers")])
        var x = Machine(headerCredential: nil)
        #expect(x.received(.text(#"{"type":"connection_init","payload":{"x-api-key":"k2"}}"#)) == [.authenticate(credential: "k2")])
    }

    @Test("close codes", arguments: [
        // (messages before the last, the last message, expected close code)
        ([String](), #"{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}"#, UInt16(4401)),
        ([#"{"type":"connection_init"}"#], #"{"type":"connection_init"}"#, 4429),
        ([], "not json", 4400),
        ([], #"["type"]"#, 4400),
        ([], #"{"type":"connection_ack"}"#, 4400),
        ([], #"{"type":"next","id":"1","payload":{}}"#, 4400),
        ([], #"{"type":"subscriptions"}"#, 4400),
        ([], #"{"id":"1"}"#, 4400),
        ([], #"{"type":"connection_init","payload":"x"}"#, 4400),
        ([], #"{"type":"subscribe","id":"","payload":{"query":"{ a }"}}"#, 4400),
        ([], #"{"type":"subscribe","id":"1","payload":{"query":1}}"#, 4400),
        ([], #"{"type":"subscribe","id":"1","payload":{"query":"{ a }","variables":[]}}"#, 4400),
        ([], #"{"type":"complete"}"#, 4400),
    ])
    func closeCodes(_ before: [String], _ last: String, _ code: UInt16) {
        var m = Machine(headerCredential: nil)
        for message in before { _ = m.received(.text(message)) }
        let actions = m.received(.text(last))
        guard case .close(let got, let reason)? = actions.first else {
            Issue.record("no close for \(last): \(actions)")
            return
        }
        #expect(got == code)
        #expect(!reason.isEmpty && reason.utf8.count <= 123)
        #expect(m.phase == .closed)
        #expect(m.received(.text(#"{"type":"ping"}"#)).isEmpty, "nothing after a close")
    }

    @Test("a binary message is not part of the protocol: 4400")
    func binary() {
        var m = Machine(headerCredential: nil)
        #expect(m.received(.binary([1, 2])).first.map { if case .close(4400, _) = $0 { true } else { false } } == true)
    }

    @Test("an unknown or missing key closes 4403 after init; nothing is acknowledged")
    func forbidden() {
        var m = Machine(headerCredential: nil)
        _ = m.received(.text(#"{"type":"connection_init"}"#))
        #expect(m.authenticated(false) == [.close(code: 4403, reason: "Forbidden")])
    }

    @Test("no init before the timer: 4408; after the ack the timer does nothing")
    func initTimeout() {
        var waiting = Machine(headerCredential: nil)
        #expect(waiting.initTimeoutElapsed() == [.close(code: 4408, reason: "Connection initialisation timeout")])
        var ready = Self.acknowledged()
        #expect(ready.initTimeoutElapsed().isEmpty)
        #expect(ready.phase == .acknowledged)
    }

    @Test("ping gets a pong with the same payload, before and after the ack; pong is ignored")
    func pingPong() {
        var m = Machine(headerCredential: nil)
        #expect(m.received(.text(#"{"type":"ping"}"#)) == [.send(.pong(payload: nil))])
        #expect(m.received(.text(#"{"type":"ping","payload":{"t":1}}"#)) == [.send(.pong(payload: ["t": 1]))])
        #expect(m.received(.text(#"{"type":"pong"}"#)).isEmpty)
        #expect(TransportWSServerMessage.pong(payload: ["t": 1]).text == #"{"type":"pong","payload":{"t":1}}"#)
    }

    @Test("an operation starts, sends its results, and completes; a duplicate running id closes 4409")
    func operationLifecycle() {
        var m = Self.acknowledged()
        let start = m.received(.text(#"{"type":"subscribe","id":"a","payload":{"query":"{ a }","operationName":null}}"#))
        guard case .start("a", let token, let payload)? = start.first else { Issue.record("\(start)"); return }
        #expect(payload == Self.query)
        #expect(m.operation("a", token: token, .next(Array("{}".utf8))) == [.send(.next(id: "a", result: Array("{}".utf8)))])
        #expect(m.operation("a", token: token, .finished) == [.send(.complete(id: "a"))])
        #expect(m.operation("a", token: token, .next([])).isEmpty, "nothing after complete")
        // The id is free again once its operation ended.
        guard case .start("a", let second, _)? = m.received(.text(#"{"type":"subscribe","id":"a","payload":{"query":"{ a }"}}"#)).first
        else { Issue.record("restart"); return }
        #expect(second != token)
        let duplicate = m.received(.text(#"{"type":"subscribe","id":"a","payload":{"query":"{ a }"}}"#))
        #expect(duplicate == [.close(code: 4409, reason: "Subscriber for a already exists"), .stop(id: "a", token: second)])
    }

    @Test("a client complete stops the operation; its late results and those of an old run under a reused id are dropped")
    func clientComplete() {
        var m = Self.acknowledged()
        guard case .start(_, let first, _)? = m.received(.text(#"{"type":"subscribe","id":"s","payload":{"query":"{ a }"}}"#)).first
        else { return }
        #expect(m.received(.text(#"{"type":"complete","id":"s"}"#)) == [.stop(id: "s", token: first)])
        #expect(m.received(.text(#"{"type":"complete","id":"unknown"}"#)).isEmpty)
        #expect(m.operation("s", token: first, .next([])).isEmpty)
        guard case .start(_, let second, _)? = m.received(.text(#"{"type":"subscribe","id":"s","payload":{"query":"{ a }"}}"#)).first
        else { return }
        #expect(m.operation("s", token: first, .finished).isEmpty, "the old run cannot complete the new one")
        #expect(m.isRunning("s", token: second))
    }

    @Test("an operation that cannot start gets error and no complete; too many at once are refused one by one")
    func rejectedAndLimited() {
        var m = Self.acknowledged()
        guard case .start(_, let t, _)? = m.received(.text(#"{"type":"subscribe","id":"1","payload":{"query":"{"}}"#)).first
        else { return }
        let error: JSONValue = ["message": "Syntax Error"]
        #expect(m.operation("1", token: t, .rejected([error])) == [.send(.error(id: "1", errors: [error]))])
        _ = m.received(.text(#"{"type":"subscribe","id":"2","payload":{"query":"{ a }"}}"#))
        _ = m.received(.text(#"{"type":"subscribe","id":"3","payload":{"query":"{ a }"}}"#))
        let refused = m.received(.text(#"{"type":"subscribe","id":"4","payload":{"query":"{ a }"}}"#))
        guard case .send(.error(id: "4", let errors))? = refused.first else { Issue.record("\(refused)"); return }
        #expect(errors.first?["extensions"]?["code"] == "rate_limited")
        #expect(m.phase == .acknowledged)
    }

    @Test("the socket closing stops every running operation; 4500 does too")
    func closingStopsAll() {
        var m = Self.acknowledged()
        _ = m.received(.text(#"{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}"#))
        _ = m.received(.text(#"{"type":"subscribe","id":"2","payload":{"query":"{ a }"}}"#))
        let stops = m.socketClosed()
        #expect(stops.count == 2 && stops.allSatisfy { if case .stop = $0 { true } else { false } })
        var n = Self.acknowledged()
        _ = n.received(.text(#"{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}"#))
        let failed = n.internalError("Internal server error")
        #expect(failed.first == .close(code: 4500, reason: "Internal server error") && failed.count == 2)
    }

    @Test("server messages are the protocol's JSON")
    func serverMessages() {
        #expect(TransportWSServerMessage.connectionAck.text == #"{"type":"connection_ack"}"#)
        #expect(TransportWSServerMessage.next(id: "1", result: Array(#"{"data":{}}"#.utf8)).text
                == #"{"id":"1","type":"next","payload":{"data":{}}}"#)
        #expect(TransportWSServerMessage.error(id: "1", errors: [["message": "m"]]).text
                == #"{"id":"1","type":"error","payload":[{"message":"m"}]}"#)
        #expect(TransportWSServerMessage.complete(id: "1").text == #"{"id":"1","type":"complete"}"#)
        #expect(TransportWSClose.reason(String(repeating: "é", count: 100)).utf8.count == 122)
    }
}
