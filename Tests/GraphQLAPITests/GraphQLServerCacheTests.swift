import GatewayHTTP
import GraphQL
import JSON
import Testing

@testable import GraphQLAPI

/// What /graphql keeps between requests — documents and their prepared operations — must never change
/// an answer: the same bytes under another Content-Type, another operation of the same document,
/// and repeated requests answer as a first request does.
@Suite("GraphQLServer's request caches")
struct GraphQLServerCacheTests {
    typealias Fixture = GraphQLServerTests

    @Test("the same body is JSON under application/json and a document under application/graphql")
    func contentTypeDecidesHowTheBodyIsRead() async throws {
        let server = try Fixture.server()
        let json = #"{"query":"{ count }"}"#
        for _ in 0..<2 {
            let a = try await Fixture.send(server, "POST", body: json, headers: [("Content-Type", "application/json")])
            #expect(a.status == 200)
            #expect(a.json["data"] == ["count": 3])
            // As a document, the JSON text is not GraphQL: a syntax error.
            let b = try await Fixture.send(server, "POST", body: json, headers: [("Content-Type", "application/graphql")])
            #expect(b.json["data"] == nil)
            #expect(b.json["errors"] != nil)
        }
        let document = try await Fixture.send(
            server, "POST", body: "{ count }", headers: [("Content-Type", "application/graphql")])
        #expect(document.json["data"] == ["count": 3])
    }

    @Test("a malformed body answers the same every time")
    func malformedBodiesAnswerTheSameEveryTime() async throws {
        let server = try Fixture.server()
        let first = try await Fixture.send(server, "POST", body: #"{"query": 1}"#)
        let second = try await Fixture.send(server, "POST", body: #"{"query": 1}"#)
        #expect(first.status == 400 && second.status == 400)
        #expect(first.json == second.json)
    }

    @Test("each operation of a cached document runs as itself, again and again")
    func preparedOperationsPerName() async throws {
        let server = try Fixture.server()
        let text = "query A { count } query B { greeting } query C { boom count }"
        for _ in 0..<3 {
            for (name, expected) in [("A", ["count": 3]), ("B", ["greeting": "hello world"])] as [(String, JSONValue)] {
                let body = JSON.serialize(.object(["query": .string(text), "operationName": .string(name)]))
                let a = try await Fixture.send(server, "POST", body: String(decoding: body, as: UTF8.self))
                #expect(a.json["data"] == expected)
            }
            let body = JSON.serialize(.object(["query": .string(text), "operationName": "C"]))
            let c = try await Fixture.send(server, "POST", body: String(decoding: body, as: UTF8.self))
            #expect(c.json["data"] == ["boom": nil, "count": 3])
            #expect(c.json["errors"]?.arrayValue?.count == 1)
            let missing = JSON.serialize(.object(["query": .string(text), "operationName": "D"]))
            let d = try await Fixture.send(server, "POST", body: String(decoding: missing, as: UTF8.self))
            #expect(d.status == 400)
        }
        #expect(server.documents.count == 1)
    }

    @Test("variables are read by every request of a cached document")
    func variablesPerRequest() async throws {
        let server = try Fixture.server()
        for name in ["ann", "bob", "ann"] {
            let body = JSON.serialize(.object([
                "query": "query($n: String) { greeting(name: $n) }", "variables": ["n": .string(name)],
            ]))
            let a = try await Fixture.send(server, "POST", body: String(decoding: body, as: UTF8.self))
            #expect(a.json["data"] == ["greeting": .string("hello \(name)")])
        }
    }
}
