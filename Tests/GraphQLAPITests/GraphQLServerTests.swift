import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import GraphQL
import JSON
import Testing

@testable import GraphQLAPI

/// The HTTP side of /graphql against a small schema with resolvers that record what they were
/// asked: status codes, media types, the document cache, cache extensions.
@Suite("GraphQLServer over an in-memory writer")
struct GraphQLServerTests {
    static let sdl = """
        type Query { greeting(name: String = "world"): String!  count: Int  boom: String }
        type Mutation { bump(by: Int!): Int! }
        """

    static func server() throws -> GraphQLServer {
        var resolvers = ResolverMap()
        resolvers["Query", "greeting"] = { _, args, info in
            (info.context as! GraphQLCallState).recordCache(info.path, hit: args["name"] == "cached")
            return .json(.string("hello \(args["name"]?.stringValue ?? "?")"))
        }
        resolvers["Query", "count"] = { _, _, _ in .json(3) }
        resolvers["Query", "boom"] = { _, _, _ in throw FieldError("it broke", code: "upstream_error") }
        resolvers["Mutation", "bump"] = { _, args, _ in .json(.number(JSONNumber((args["by"]?.intValue ?? 0) + 1))) }
        return GraphQLServer(schema: try SchemaBuilder.build(sdl: sdl), resolvers: resolvers)
    }

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: JSONValue
    }

    static func send(_ server: GraphQLServer, _ method: String, query: String = "", body: String? = nil,
                     headers: [(String, String)] = []) async throws -> Answer {
        let head = RequestHead(method: method, path: "/graphql", query: query, version: .http1_1,
                               headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }),
                               connection: ConnectionInfo(remoteAddress: "127.0.0.1"))
        let writer = RecordingResponseWriter()
        await server.handle(Request(head: head, body: RequestBody(bytes: Array((body ?? "").utf8))), writer)
        let r = writer.recorded
        return Answer(status: try #require(r.status), headers: r.headers, json: try JSON.parse(r.body))
    }

    static func post(_ server: GraphQLServer, _ query: String, accept: String? = nil) async throws -> Answer {
        let body = JSON.serialize(.object(["query": .string(query)]))
        return try await send(server, "POST", body: String(decoding: body, as: UTF8.self),
                              headers: accept.map { [("Accept", $0)] } ?? [])
    }

    @Test("a query answers 200 with data in graphql-response+json, stamped with request id and timing")
    func query() async throws {
        let a = try await Self.send(try Self.server(), "POST", body: #"{"query":"{ greeting count }"}"#,
                                    headers: [("X-Request-Id", "rid-7")])
        #expect(a.status == 200)
        #expect(a.headers["Content-Type"] == "application/graphql-response+json; charset=utf-8")
        #expect(a.headers["X-Request-Id"] == "rid-7")
        #expect(a.headers["Server-Timing"]?.hasPrefix("gateway;dur=") == true)
        #expect(a.json == ["data": ["greeting": "hello world", "count": 3], "extensions": ["cache": ["greeting": "MISS"]]])
    }

    @Test("field errors are 200 with data and errors; the code comes from the resolver")
    func fieldError() async throws {
        let a = try await Self.post(try Self.server(), "{ count boom }")
        #expect(a.status == 200)
        #expect(a.json["data"] == ["count": 3, "boom": nil])
        #expect(a.json["errors"]?[0]?["message"] == "it broke")
        #expect(a.json["errors"]?[0]?["extensions"]?["code"] == "upstream_error")
        #expect(a.json["errors"]?[0]?["path"] == ["boom"])
    }

    @Test("request errors: 400 for graphql-response+json, 200 for application/json, never a data key", arguments: [
        "{ nope }", "{ greeting(", "query A { count } query A { count }", "query($x: Int!) { count }",
    ])
    func requestErrors(_ query: String) async throws {
        let server = try Self.server()
        let strict = try await Self.post(server, query)
        #expect(strict.status == 400)
        #expect(strict.json["data"] == nil && strict.json["errors"]?[0]?["message"]?.stringValue != nil)
        #expect(strict.json["errors"]?[0]?["extensions"]?["code"] == "invalid_argument")
        let lenient = try await Self.post(server, query, accept: "application/json")
        #expect(lenient.status == 200)
        #expect(lenient.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(lenient.json["data"] == nil)
    }

    @Test("variable coercion errors are request errors too")
    func variableErrors() async throws {
        let a = try await Self.send(try Self.server(), "POST",
                                    body: #"{"query":"mutation($b: Int!) { bump(by: $b) }","variables":{"b":"x"}}"#)
        #expect(a.status == 400)
        #expect(a.json["data"] == nil)
    }

    @Test("GET runs queries; a mutation over GET is 405 with Allow: POST")
    func getRules() async throws {
        let server = try Self.server()
        let q = try await Self.send(server, "GET", query: "query=%7B+count+%7D")
        #expect(q.status == 200 && q.json["data"] == ["count": 3])
        let m = try await Self.send(server, "GET", query: "query=mutation+%7B+bump(by%3A+1)+%7D")
        #expect(m.status == 405)
        #expect(m.headers["Allow"] == "POST")
        let posted = try await Self.send(server, "POST", body: #"{"query":"mutation { bump(by: 1) }"}"#)
        #expect(posted.json == ["data": ["bump": 2]])
    }

    @Test("other methods are 405, unacceptable Accept is 406, oversized documents are 413")
    func httpErrors() async throws {
        let server = try Self.server()
        let put = try await Self.send(server, "PUT", body: #"{"query":"{ count }"}"#)
        #expect(put.status == 405 && put.headers["Allow"] == "GET, POST")
        let html = try await Self.post(server, "{ count }", accept: "text/html")
        #expect(html.status == 406)
        let big = try await Self.post(server, "{ count " + String(repeating: " ", count: 100_001) + "}")
        #expect(big.status == 413)
        #expect(big.json["errors"]?[0]?["extensions"]?["code"] == "payload_too_large")
    }

    @Test("operationName picks the operation; a missing one is a request error")
    func operationName() async throws {
        let server = try Self.server()
        let body = #"{"query":"query A { count } query B { greeting }","operationName":"B"}"#
        let a = try await Self.send(server, "POST", body: body)
        #expect(a.json["data"] == ["greeting": "hello world"])
        let none = try await Self.post(server, "query A { count } query B { greeting }")
        #expect(none.status == 400)
    }

    @Test("a document is parsed and validated once per distinct text")
    func documentCache() async throws {
        let server = try Self.server()
        for _ in 0..<3 { _ = try await Self.post(server, "{ count }") }
        _ = try await Self.post(server, "{ nope }")
        _ = try await Self.post(server, "{ nope }")
        #expect(server.documents.count == 2)
    }
}
