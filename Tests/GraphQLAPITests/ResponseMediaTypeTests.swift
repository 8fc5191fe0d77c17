import Testing

@testable import GraphQLAPI

@Suite("ResponseMediaType: Accept negotiation (GraphQL over HTTP)")
struct ResponseMediaTypeTests {
    @Test("the chosen type", arguments: [
        (nil, ResponseMediaType.graphQLResponse),
        ("", .graphQLResponse),
        ("*/*", .graphQLResponse),
        ("application/*", .graphQLResponse),
        ("application/json", .json),
        ("Application/JSON; charset=utf-8", .json),
        ("application/graphql-response+json", .graphQLResponse),
        ("application/json, application/graphql-response+json", .graphQLResponse),
        ("application/json;q=0.9, application/graphql-response+json;q=0.8", .json),
        ("application/json, application/graphql-response+json;q=0.5", .json),
        ("text/html, */*;q=0.1", .graphQLResponse),
        ("text/html, application/json;q=0.2", .json),
        ("application/graphql-response+json;q=0, application/json", .json),
    ] as [(String?, ResponseMediaType)])
    func chosen(_ accept: String?, _ want: ResponseMediaType) {
        #expect(ResponseMediaType.negotiate(accept: accept) == want)
    }

    @Test("nothing acceptable", arguments: ["text/html", "image/png, text/*", "application/json;q=0", "application/xml"])
    func unacceptable(_ accept: String) {
        #expect(ResponseMediaType.negotiate(accept: accept) == nil)
    }
}
