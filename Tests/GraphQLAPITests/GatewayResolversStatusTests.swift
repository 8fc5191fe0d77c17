import GatewayCore
import GraphQL
import JSON
import Testing

@testable import GraphQLAPI

/// `PatternStatus.models`, what the dashboard page reads: the same numbers whether asked once or
/// subscribed to.
@Suite("Gateway resolvers: PatternStatus.models", .serialized)
struct GatewayResolversStatusTests {
    static let fields = "name pattern health breaker queueDepth tokensPerSecond cacheHitRatio avgResponseTimeMs requests successRate"

    @Test("a query and a subscription's first message list the nine models in configuration order")
    func queryAndSubscription() async throws {
        let core = try GatewayResolversGenerationTests.core()
        defer { core.close() }
        let server = GraphQLServer(core: core)
        _ = try await GatewayResolversGenerationTests.post(server, #"mutation { generate(model: "imp", prompt: "x") { __typename } }"#)

        let answer = try JSON.parse(Array(try await GatewayResolversGenerationTests.post(
            server, "{ patternStatus { models { \(Self.fields) } } }").body.utf8))
        let models = try #require(answer["data"]?["patternStatus"]?["models"]?.arrayValue)
        #expect(models.map { $0["name"]?.stringValue } == core.configuration.registry.models.map(\.name))
        let imp = try #require(models.first { $0["name"] == "imp" })
        #expect(imp["pattern"] == "BULK_ONLY" && imp["health"] == "UP" && imp["breaker"] == "CLOSED")
        #expect(imp["queueDepth"]?.numberValue?.int == 1, "\(imp)")
        #expect(imp["tokensPerSecond"]?.numberValue?.double == 0 && imp["successRate"]?.numberValue?.double == 100, "\(imp)")

        let prepared = try server.executor.prepare(
            document: try Parser.parse("subscription { patternStatus { models { \(Self.fields) } } }"), operationName: nil)
        let state = GraphQLCallState(call: CallContext(requestID: "t", protocolName: "graphql"))
        guard case .stream(let stream) = await server.executor.subscribe(prepared: prepared, variables: [:], context: state) else {
            Issue.record("no stream")
            return
        }
        var events = stream.makeIterator()
        let first = try JSON.parse(try #require(try await events.next()?.data))
        #expect(first["patternStatus"]?["models"]?.arrayValue == models)
    }
}
