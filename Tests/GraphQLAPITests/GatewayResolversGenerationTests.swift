import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import GraphQL
import JSON
import Testing
import Upstream

@testable import GraphQLAPI

/// The generation and subscription resolvers over a real core whose model servers are
/// unreachable and whose queue is a fresh journal nobody works: what can be answered without an
/// upstream (queued jobs, refusals, the state streams' first messages) and the value shapes.
@Suite("Gateway resolvers: generation and subscriptions", .serialized)
struct GatewayResolversGenerationTests {
    static func core() throws -> PatternCore {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = ["http://127.0.0.1:9"]
            m.timeout = 2
            m.healthCheck = .init(interval: 0)
            return m
        }
        var c = CoreConfiguration(registry: ModelRegistry(models: models))
        c.retryAttempts = 0
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: try UpstreamClient(), metrics: metrics)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gql-queue-\(UUID().uuidString)").path
        return PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(),
                           queue: try EmbeddedBatchQueue(dataDirectory: dir), metrics: metrics)
    }

    static func post(_ server: GraphQLServer, _ query: String, variables: JSONObject = [:], sse: Bool = false) async throws
        -> (status: Int, body: String)
    {
        let body = JSON.serialize(.object(["query": .string(query), "variables": .object(variables)]))
        let head = RequestHead(method: "POST", path: "/graphql", version: .http1_1,
                               headers: sse ? ["Accept": "text/event-stream"] : [:],
                               connection: ConnectionInfo(remoteAddress: "127.0.0.1"))
        let writer = RecordingResponseWriter()
        await server.handle(Request(head: head, body: RequestBody(bytes: body)), writer)
        return (writer.recorded.status ?? 0, writer.recorded.bodyString)
    }

    static func events(_ body: String) throws -> [JSONValue] {
        try body.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: next\n") }
            .map { try JSON.parse(Array($0.dropFirst("event: next\ndata: ".count).utf8)) }
    }

    @Test("a bulk_only generate mutation is a QueuedJob; batch(id:) shows it queued with no outputs yet")
    func queuedGeneration() async throws {
        let core = try Self.core()
        defer { core.close() }
        let server = GraphQLServer(core: core)
        let r = try await Self.post(server, """
            mutation { generate(model: "mixtral", prompt: "hi", maxTokens: 5) {
              __typename ... on QueuedJob { batchId status itemsCount processingMode } } }
            """)
        let answer = try JSON.parse(Array(r.body.utf8))
        let job = try #require(answer["data"]?["generate"])
        #expect(job["__typename"] == "QueuedJob" && job["status"] == "QUEUED" && job["itemsCount"] == 1)
        #expect(job["processingMode"] == "BULK")
        let id = try #require(job["batchId"]?.stringValue)
        let batch = try JSON.parse(Array(try await Self.post(server, "query($id: ID!) { batch(id: $id) { status outputs { text } } }",
                                                             variables: ["id": .string(id)]).body.utf8))
        #expect(batch["data"] == ["batch": ["status": "QUEUED", "outputs": nil]])
    }

    @Test("the arguments are checked as REST checks the body, with the argument named")
    func badArguments() async throws {
        let core = try Self.core()
        defer { core.close() }
        let server = GraphQLServer(core: core)
        for (args, code) in [(#"prompt: "a", messages: [{role: "user", content: "b"}]"#, "invalid_argument"),
                             ("", "invalid_argument"), (#"prompt: "a", seed: -1"#, "invalid_argument"),
                             (#"prompt: "", "#, "invalid_argument"), (#"prompt: "a", maxTokens: 0"#, "invalid_argument"),
                             (#"messages: [{role: "robot", content: "b"}]"#, "invalid_argument")] {
            let r = try JSON.parse(Array(try await Self.post(
                server, "mutation { generate(model: \"phi3\", \(args)) { __typename } }").body.utf8))
            #expect(r["errors"]?[0]?["extensions"]?["code"] == .string(code), "\(args)")
            #expect(r["errors"]?[0]?["path"] == ["generate"])
        }
        // The core's message and details name the argument the caller wrote, not REST's field.
        let over = try JSON.parse(Array(try await Self.post(
            server, #"mutation { generate(model: "phi3", prompt: "a", maxTokens: 100000000) { __typename } }"#).body.utf8))
        let message = over["errors"]?[0]?["message"]?.stringValue ?? ""
        #expect(message.contains("maxTokens") && !message.contains("max_tokens"), "\(message)")
        #expect(over["errors"]?[0]?["extensions"]?["details"]?["field"] == "maxTokens")
        let unknown = try JSON.parse(Array(try await Self.post(
            server, #"mutation { generate(model: "nope", prompt: "a") { __typename } }"#).body.utf8))
        #expect(unknown["errors"]?[0]?["extensions"]?["code"] == "not_found")
    }

    @Test("Subscription.generate on a bulk_only model is one invalid_argument result, then complete")
    func bulkOnlyCannotStream() async throws {
        let core = try Self.core()
        defer { core.close() }
        let r = try await Self.post(GraphQLServer(core: core),
                                    #"subscription { generate(model: "mixtral", prompt: "hi") { text } }"#, sse: true)
        #expect(r.status == 200 && r.body.hasSuffix("event: complete\ndata:\n\n"))
        let events = try Self.events(r.body)
        #expect(events.count == 1)
        #expect(events[0]["errors"]?[0]?["extensions"]?["code"] == "invalid_argument")
        #expect(events[0]["errors"]?[0]?["message"]?.stringValue?.contains("bulk_only") == true)
        #expect(events[0]["data"] == nil)
    }

    @Test("Subscription.batch: an unknown id is one null, then complete")
    func unknownBatch() async throws {
        let core = try Self.core()
        defer { core.close() }
        let r = try await Self.post(GraphQLServer(core: core), #"subscription { batch(id: "batch_nope") { status } }"#, sse: true)
        #expect(r.body == "event: next\ndata: {\"data\":{\"batch\":null}}\n\nevent: complete\ndata:\n\n")
    }

    @Test("Subscription.batch and patternStatus send the current state at once")
    func firstMessages() async throws {
        let core = try Self.core()
        defer { core.close() }
        let server = GraphQLServer(core: core)
        let queued = try JSON.parse(Array(try await Self.post(
            server, #"mutation { generate(model: "imp", prompt: "x") { ... on QueuedJob { batchId } } }"#).body.utf8))
        let id = try #require(queued["data"]?["generate"]?["batchId"]?.stringValue)
        for (query, check) in [
            ("subscription($id: ID!) { batch(id: $id) { batchId status } }", { (v: JSONValue) in v["batch"]?["status"] == "QUEUED" }),
            ("subscription { patternStatus { bulkOnly { models } } }", { (v: JSONValue) in v["patternStatus"]?["bulkOnly"]?["models"]?[0] != nil }),
        ] {
            let prepared = try server.executor.prepare(document: try Parser.parse(query), operationName: nil)
            let state = GraphQLCallState(call: CallContext(requestID: "t", protocolName: "graphql"))
            guard case .stream(let stream) = await server.executor.subscribe(prepared: prepared, variables: ["id": .string(id)],
                                                                              context: state) else {
                Issue.record("no stream for \(query)"); continue
            }
            var events = stream.makeIterator()
            let first = try #require(try await events.next())
            let data = try JSON.parse(try #require(first.data))
            #expect(check(data), "\(data)")
        }
    }

    @Test("values: usage, a queued job's outputs, a chunk")
    func values() throws {
        let text = GeneratedText(text: "hi there", finishReason: "stop", usage: TokenUsage(promptTokens: 3, completionTokens: 2),
                                 isChat: true)
        #expect(CoreValues.usage(text.usage) == ["promptTokens": 3, "completionTokens": 2, "totalTokens": 5])
        let job = BatchJob(id: "b1", model: "imp", texts: [], pattern: .bulkOnly, queuedAt: UnixTime(secondsSinceEpoch: 0), requestID: "r",
                           generation: GenerationRequest(input: .prompt("x"), options: GenerationOptions()))
        let done = CoreValues.batch(BatchRecord(job: job, state: .completed, attempts: 1, completedItems: 1,
                                                outputs: [GeneratedText(text: "t", finishReason: "length",
                                                                        usage: TokenUsage(promptTokens: 1, completionTokens: 4),
                                                                        isChat: false)]))
        #expect(done["outputs"]?[0]?["text"] == "t" && done["outputs"]?[0]?["message"] == .null)
        #expect(done["outputs"]?[0]?["processingMode"] == "BULK" && done["outputs"]?[0]?["endpoint"] == .null)
        #expect(CoreValues.chunk(GenerationChunk(text: "a")) == ["text": "a", "finishReason": nil, "usage": nil])
    }
}
