import GatewayCore
import GatewayHTTP
import GraphQL
import JSON
import Synchronization
import Testing

@testable import GraphQLAPI

/// graphql-transport-ws end to end over an in-memory session: the driver runs operations on
/// their own tasks, stops them on complete or close, and applies the init timeout and the keys.
@Suite("graphql-transport-ws connection over a fake session")
struct TransportWSConnectionTests {
    static let sdl = """
        type Query { a: Int }
        type Mutation { bump: Int }
        type Subscription { ticks(n: Int!): Int!  endless: Int }
        """

    final class Probe: Sendable {
        let terminated = Atomic<Int>(0)
        var count: Int { terminated.load(ordering: .relaxed) }
    }

    /// Keys "good" (accepted) and nothing else.
    struct OneKey: CallAdmission {
        var requiresKeys: Bool { true }
        func admit(credential: String?, needs role: APIKeyRole, operation: String) async throws(GatewayError)
            -> AccessControl.Grant?
        {
            try require(role, credential: credential, operation: operation)
            return nil
        }
        func require(_ role: APIKeyRole, credential: String?, operation: String) throws(GatewayError) {
            guard credential == "good" else { throw GatewayError(.unauthenticated, "the API key is not valid") }
        }
    }

    static func server(_ probe: Probe = Probe(), keys: Bool = false, initTimeout: Duration = .seconds(10)) throws
        -> GraphQLServer
    {
        var map = ResolverMap()
        map["Query", "a"] = { _, _, _ in .json(1) }
        map["Mutation", "bump"] = { _, _, _ in .json(2) }
        map["Subscription", "ticks"] = { e, _, _ in e }
        map["Subscription", "endless"] = { e, _, _ in e }
        map[subscribe: "Subscription", "ticks"] = { _, args, _ in
            let n = args["n"]?.intValue ?? 0
            return SourceEventStream { c in
                for i in 0..<n { c.yield(.json(.number(JSONNumber(i)))) }
                c.finish()
            }
        }
        map[subscribe: "Subscription", "endless"] = { _, _, _ in
            SourceEventStream { c in
                c.onTermination = { _ in probe.terminated.add(1, ordering: .relaxed) }
                c.yield(.json(7))
            }
        }
        var limits = GraphQLServer.Limits()
        limits.connectionInitTimeout = initTimeout
        return GraphQLServer(schema: try SchemaBuilder.build(sdl: sdl), resolvers: map, limits: limits,
                             access: keys ? OneKey() : nil)
    }

    /// Starts a connection on a fresh session; the task ends when the connection does.
    static func connect(_ server: GraphQLServer, headerCredential: String? = nil) -> (FakeWebSocketSession, Task<Void, Never>) {
        let session = FakeWebSocketSession()
        let connection = TransportWSConnection(session: session, headerCredential: headerCredential, trace: nil,
                                               services: server.webSocketServices)
        return (session, Task { await connection.run() })
    }

    static func json(_ text: String) -> JSONValue { (try? JSON.parse(Array(text.utf8))) ?? .null }

    @Test("init, ack, then a query, a mutation and a subscription: next per result, then complete")
    func operations() async throws {
        let (session, run) = Self.connect(try Self.server())
        session.client(#"{"type":"connection_init"}"#)
        session.client(#"{"type":"subscribe","id":"q","payload":{"query":"{ a }"}}"#)
        var sent = await session.sent(atLeast: 3)
        #expect(sent.prefix(3) == [#"{"type":"connection_ack"}"#, #"{"id":"q","type":"next","payload":{"data":{"a":1}}}"#,
                                   #"{"id":"q","type":"complete"}"#])
        session.client(#"{"type":"subscribe","id":"m","payload":{"query":"mutation { bump }"}}"#)
        sent = await session.sent(atLeast: 5)
        #expect(sent[3] == #"{"id":"m","type":"next","payload":{"data":{"bump":2}}}"#)
        session.client(#"{"type":"subscribe","id":"s","payload":{"query":"subscription($n: Int!) { ticks(n: $n) }","variables":{"n":2}}}"#)
        sent = await session.sent(atLeast: 8)
        #expect(Array(sent[5...]) == [#"{"id":"s","type":"next","payload":{"data":{"ticks":0}}}"#,
                                      #"{"id":"s","type":"next","payload":{"data":{"ticks":1}}}"#,
                                      #"{"id":"s","type":"complete"}"#])
        session.clientCloses()
        await run.value
    }

    @Test("document errors are an error message (no complete); execution errors are next then complete")
    func errors() async throws {
        let (session, run) = Self.connect(try Self.server())
        session.client(#"{"type":"connection_init"}"#)
        session.client(#"{"type":"subscribe","id":"bad","payload":{"query":"{ nope }"}}"#)
        session.client(#"{"type":"subscribe","id":"vars","payload":{"query":"subscription($n: Int!) { ticks(n: $n) }"}}"#)
        let sent = await session.sent(atLeast: 4)
        let bad = sent.map(Self.json).first { $0["id"] == "bad" }
        #expect(bad?["type"] == "error")
        #expect(bad?["payload"]?[0]?["extensions"]?["code"] == "invalid_argument")
        let vars = sent.map(Self.json).filter { $0["id"] == "vars" }
        #expect(vars.map { $0["type"] } == ["next", "complete"])
        #expect(vars.first?["payload"]?["errors"] != nil && vars.first?["payload"]?["data"] == nil)
        session.clientCloses()
        await run.value
    }

    @Test("a client complete stops the subscription's source; closing the socket stops the rest")
    func stopping() async throws {
        let probe = Probe()
        let (session, run) = Self.connect(try Self.server(probe))
        session.client(#"{"type":"connection_init"}"#)
        session.client(#"{"type":"subscribe","id":"1","payload":{"query":"subscription { endless }"}}"#)
        session.client(#"{"type":"subscribe","id":"2","payload":{"query":"subscription { endless }"}}"#)
        _ = await session.sent(atLeast: 3)
        session.client(#"{"type":"complete","id":"1"}"#)
        for _ in 0..<200 where probe.count < 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(probe.count == 1)
        #expect(!session.sent.contains(#"{"id":"1","type":"complete"}"#), "the client's own complete is not echoed")
        session.clientCloses()
        await run.value
        #expect(probe.count == 2)
    }

    @Test("no connection_init within the timeout closes 4408")
    func initTimeout() async throws {
        let (session, run) = Self.connect(try Self.server(initTimeout: .milliseconds(50)))
        await run.value
        #expect(session.closeCode == 4408 && session.closeReason == "Connection initialisation timeout")
    }

    @Test("with keys: none or an unknown one closes 4403 after init; the payload's or the headers' good key is acked")
    func keys() async throws {
        let server = try Self.server(keys: true)
        for payload in [#"{"type":"connection_init"}"#, #"{"type":"connection_init","payload":{"authorization":"Bearer bad"}}"#] {
            let (session, run) = Self.connect(server)
            session.client(payload)
            await run.value
            #expect(session.closeCode == 4403)
        }
        let (viaPayload, run1) = Self.connect(server, headerCredential: "bad")
        viaPayload.client(#"{"type":"connection_init","payload":{"authorization":"Bearer good"}}"#)
        viaPayload.client(#"{"type":"subscribe","id":"q","payload":{"query":"{ a }"}}"#)
        #expect(await viaPayload.sent(atLeast: 3).prefix(2) == [#"{"type":"connection_ack"}"#,
                                                                 #"{"id":"q","type":"next","payload":{"data":{"a":1}}}"#])
        viaPayload.clientCloses()
        await run1.value
        let (viaHeaders, run2) = Self.connect(server, headerCredential: "good")
        viaHeaders.client(#"{"type":"connection_init"}"#)
        #expect(await viaHeaders.sent(atLeast: 1) == [#"{"type":"connection_ack"}"#])
        viaHeaders.clientCloses()
        await run2.value
    }

    @Test("protocol violations close with their codes", arguments: [
        ([#"{"type":"subscribe","id":"1","payload":{"query":"{ a }"}}"#], 4401),
        ([#"{"type":"connection_init"}"#, #"{"type":"connection_init"}"#], 4429),
        ([#"{"type":"connection_init"}"#, "{"], 4400),
    ] as [([String], UInt16)])
    func violations(_ messages: [String], _ code: UInt16) async throws {
        let (session, run) = Self.connect(try Self.server())
        for m in messages { session.client(m) }
        await run.value
        #expect(session.closeCode == code)
    }

    @Test("a second subscribe with a running id closes 4409 and stops the running one")
    func duplicateID() async throws {
        let probe = Probe()
        let (session, run) = Self.connect(try Self.server(probe))
        let subscribe = #"{"type":"subscribe","id":"1","payload":{"query":"subscription { endless }"}}"#
        session.client(#"{"type":"connection_init"}"#)
        session.client(subscribe)
        // Its first event proves the operation is running; sent at once, the duplicate could close
        // the socket before the first operation's task had subscribed, leaving nothing to stop.
        #expect(await session.sent(atLeast: 2).last == #"{"id":"1","type":"next","payload":{"data":{"endless":7}}}"#)
        session.client(subscribe)
        await run.value
        #expect(session.closeCode == 4409)
        #expect(probe.count == 1, "the running one was stopped")
    }
}
