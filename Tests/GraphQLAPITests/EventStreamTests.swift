import GatewayHTTP
import GatewayTestSupport
import GraphQL
import JSON
import Testing

@testable import GraphQLAPI

/// GraphQL over SSE (graphql-sse, distinct connections mode) through `GraphQLServer.handle`:
/// `next` per result, then `complete`; request errors inside the stream; HTTP refusals outside it.
@Suite("GraphQL over Server-Sent Events")
struct EventStreamTests {
    typealias Fixture = TransportWSConnectionTests

    static func send(_ server: GraphQLServer, _ method: String, query: String = "", body: String = "",
                     accept: String = "text/event-stream") async -> RecordingResponseWriter.Recorded {
        let head = RequestHead(method: method, path: "/graphql", query: query, version: .http1_1,
                               headers: ["Accept": accept], connection: ConnectionInfo(remoteAddress: "127.0.0.1"))
        let writer = RecordingResponseWriter()
        await server.handle(Request(head: head, body: RequestBody(bytes: Array(body.utf8))), writer)
        return writer.recorded
    }

    static func body(_ query: String) -> String {
        String(decoding: JSON.serialize(.object(["query": .string(query)])), as: UTF8.self)
    }

    @Test("a subscription is an event per result, then complete, in one streamed 200")
    func subscription() async throws {
        let r = await Self.send(try Fixture.server(), "POST", body: Self.body("subscription { ticks(n: 2) }"))
        #expect(r.status == 200 && r.writeHeadCalls == 1 && r.finishCalls == 1)
        #expect(r.headers["Content-Type"] == "text/event-stream; charset=utf-8")
        #expect(r.headers["Cache-Control"] == "no-cache" && r.headers["X-Request-Id"] != nil)
        #expect(r.bodyString == """
            event: next\ndata: {"data":{"ticks":0}}\n\nevent: next\ndata: {"data":{"ticks":1}}\n\nevent: complete\ndata:\n\n
            """)
    }

    @Test("queries and mutations are one next and complete; GET works for queries and subscriptions")
    func singleResults() async throws {
        let server = try Fixture.server()
        let q = await Self.send(server, "POST", body: Self.body("{ a }"))
        #expect(q.bodyString == "event: next\ndata: {\"data\":{\"a\":1}}\n\nevent: complete\ndata:\n\n")
        let m = await Self.send(server, "POST", body: Self.body("mutation { bump }"))
        #expect(m.bodyString.hasPrefix("event: next\ndata: {\"data\":{\"bump\":2}}\n\n"))
        let g = await Self.send(server, "GET", query: "query=subscription%7Bticks(n%3A1)%7D")
        #expect(g.status == 200 && g.bodyString.hasPrefix("event: next\ndata: {\"data\":{\"ticks\":0}}"))
    }

    @Test("request errors go through the stream as a next with errors (graphql-sse), not as a 400")
    func requestErrorsInTheStream() async throws {
        let server = try Fixture.server()
        for body in [Self.body("{ nope }"), "not json", Self.body("subscription($n: Int!) { ticks(n: $n) }")] {
            let r = await Self.send(server, "POST", body: body)
            #expect(r.status == 200)
            let events = r.bodyString.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.count == 2 && events[1] == "event: complete\ndata:")
            let data = try JSON.parse(Array(events[0].dropFirst("event: next\ndata: ".count).utf8))
            #expect(data["errors"]?[0]?["extensions"]?["code"] == "invalid_argument" && data["data"] == nil, "\(body)")
        }
    }

    @Test("refusals stay HTTP: other methods and GET mutations are 405")
    func refusals() async throws {
        let server = try Fixture.server()
        #expect(await Self.send(server, "PUT", body: Self.body("{ a }")).status == 405)
        #expect(await Self.send(server, "GET", query: "query=mutation%7Bbump%7D").status == 405)
    }

    @Test("without text/event-stream a subscription is 406; the Accept test honours q")
    func plainHTTPSubscription() async throws {
        let r = await Self.send(try Fixture.server(), "POST", body: Self.body("subscription { ticks(n: 1) }"),
                                accept: "application/json")
        #expect(r.status == 406)
        #expect(EventStreamFraming.accepts("text/event-stream"))
        #expect(EventStreamFraming.accepts("application/json, Text/Event-Stream;q=0.5"))
        #expect(!EventStreamFraming.accepts("text/event-stream;q=0"))
        #expect(!EventStreamFraming.accepts("*/*"))
        #expect(!EventStreamFraming.accepts(nil))
    }
}
