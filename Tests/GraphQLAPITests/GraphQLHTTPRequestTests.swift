import GatewayHTTP
import JSON
import Testing

@testable import GraphQLAPI

@Suite("GraphQLHTTPRequest: GET parameters and POST bodies")
struct GraphQLHTTPRequestTests {
    @Test("GET parameters are form-decoded; variables and extensions are JSON objects")
    func getParameters() throws {
        let r = try GraphQLHTTPRequest.fromQueryString(
            "query=query+Q(%24n%3A+String!)+%7B+model(name%3A+%24n)+%7B+name+%7D+%7D&operationName=Q&variables=%7B%22n%22%3A%22phi3%22%7D")
        #expect(r.query == "query Q($n: String!) { model(name: $n) { name } }")
        #expect(r.operationName == "Q")
        #expect(r.variables == ["n": "phi3"])
        #expect(r.extensions == nil)
    }

    @Test("malformed GET parameters", arguments: [
        "", "operationName=Q", "query=%7", "query=%FF%FE", "query=x&variables=%5B1%5D", "query=x&variables=%7B",
        "query=x&extensions=3",
    ])
    func badGet(_ query: String) {
        #expect(throws: GraphQLHTTPRequest.Malformed.self) { try GraphQLHTTPRequest.fromQueryString(query) }
    }

    @Test("a JSON body whatever the Content-Type", arguments: [nil, "application/json", "text/plain", "application/x-www-form-urlencoded"])
    func jsonBody(_ contentType: String?) throws {
        let body = Array(#"{"query":"{ a }","variables":{"x":1},"operationName":null,"extensions":{"k":true}}"#.utf8)
        let r = try GraphQLHTTPRequest.fromBody(body, contentType: contentType)
        #expect(r.query == "{ a }")
        #expect(r.variables == ["x": 1])
        #expect(r.operationName == nil)
        #expect(r.extensions == ["k": true])
    }

    @Test("application/graphql carries the bare document")
    func graphQLBody() throws {
        let r = try GraphQLHTTPRequest.fromBody(Array("{ a }".utf8), contentType: "application/graphql; charset=utf-8")
        #expect(r.query == "{ a }")
    }

    @Test("malformed bodies", arguments: [
        "", "nope", "[1]", "\"q\"", #"{"query":5}"#, #"{"variables":{}}"#, #"{"query":"x","variables":[1]}"#,
        #"{"query":"x","variables":"{}"}"#, #"{"query":"x","operationName":3}"#, #"{"query":"x","extensions":1}"#,
    ])
    func badBody(_ body: String) {
        #expect(throws: GraphQLHTTPRequest.Malformed.self) {
            try GraphQLHTTPRequest.fromBody(Array(body.utf8), contentType: "application/json")
        }
    }

    @Test("form decoding", arguments: [
        ("a=b+c", "b c"), ("a=%2B%26%3D", "+&="), ("a=%C3%A9t%C3%A9", "été"), ("x=1&a=", ""), ("a", ""),
    ])
    func formDecoding(_ query: String, _ want: String) {
        #expect(QueryString.decodedValue("a", in: query) == want)
    }
}
