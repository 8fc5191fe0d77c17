import GatewayProto
import Protobuf
import Testing
import GatewayTestSupport

@Suite("Gateway message round trips")
struct MessageRoundTripTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var message: any GatewayMessage
        var testDescription: String { name }
    }

    static let full: [Case] = [
        Case(name: "EmbedRequest", message: EmbedRequest(model: "m", texts: ["a", "", "ü"], urgent: true, priority: -7)),
        Case(name: "Embedding", message: Embedding(values: [0, -0.0, 1.5, -.leastNonzeroMagnitude, .greatestFiniteMagnitude])),
        Case(name: "EmbedResponse", message: EmbedResponse(
            model: "m", pattern: "sync", processingMode: "realtime", status: "completed",
            embeddings: [Embedding(values: [1, 2]), Embedding()], batchId: "b-1", queuePosition: 3,
            estimatedCompletion: "2024-01-01T00:00:00Z", processingTimeMs: 12.25, cached: true, endpoint: "e", degraded: true)),
        Case(name: "SearchRequest", message: SearchRequest(
            model: "vec", queryVector: [0.5, -0.25], query: "q", limit: .max, filter: [("k", "v"), ("a", "")],
            scoreThreshold: 0.75)),
        Case(name: "ScoredPoint", message: ScoredPoint(id: "p1", score: -1, payload: [("x", "y")])),
        Case(name: "SearchResponse", message: SearchResponse(
            model: "vec", results: [ScoredPoint(id: "1", score: 0.5), ScoredPoint()], cached: true, tookMs: 0.001)),
        Case(name: "Point", message: Point(id: "p", vector: [1, 2, 3], payload: [("lang", "en"), ("lang", "fr")])),
        Case(name: "IngestRequest", message: IngestRequest(model: "vec", points: [Point(id: "a"), Point(vector: [9])])),
        Case(name: "IngestResponse", message: IngestResponse(model: "vec", ingested: 2, ids: ["a", "b"])),
        Case(name: "GetBatchRequest", message: GetBatchRequest(batchId: "batch-42")),
        Case(name: "BatchStatus", message: BatchStatus(
            batchId: "b", model: "m", status: "failed", itemsCount: 10, completedItems: 4,
            embeddings: [Embedding(values: [0.1])], error: "upstream 503", attempts: 3,
            queuedAt: "2024-01-01T00:00:00Z", completedAt: "2024-01-01T00:00:01Z")),
        Case(name: "BatchStatus of a generation job", message: BatchStatus(
            batchId: "b", model: "mixtral", status: "completed", itemsCount: 1, completedItems: 1,
            outputs: [GenerateResponse(model: "mixtral", status: "completed", text: "hi", finishReason: "stop",
                                       usage: Usage(promptTokens: 3, completionTokens: 1, totalTokens: 4))])),
        Case(name: "ChatMessage", message: GatewayProto.ChatMessage(role: "user", content: "ü")),
        Case(name: "GenerateRequest", message: GenerateRequest(
            model: "general", prompt: "p", messages: [GatewayProto.ChatMessage(role: "system", content: "be brief"),
                                                      GatewayProto.ChatMessage()],
            maxTokens: 4096, temperature: 0.7, topP: -0.0, stop: ["\n", ""], urgent: true, priority: -1, seed: .max)),
        Case(name: "Usage", message: Usage(promptTokens: 1, completionTokens: .max, totalTokens: 0)),
        Case(name: "GenerateResponse", message: GenerateResponse(
            model: "m", pattern: "real_time", processingMode: "real_time", status: "completed", text: "t",
            finishReason: "length", usage: Usage(), batchId: "b", processingTimeMs: 1.5, endpoint: "e", cached: true)),
        Case(name: "GenerateResponse without usage", message: GenerateResponse(status: "queued", batchId: "b")),
        Case(name: "GenerateChunk", message: GenerateChunk(text: "", finishReason: "stop", usage: Usage(totalTokens: 9))),
        Case(name: "PatternStatusRequest", message: PatternStatusRequest()),
        Case(name: "ModelStatus", message: ModelStatus(
            name: "m", pattern: "circuit_breaker", breakerState: "half_open", failureCount: 5, requests: .max,
            successRate: 0.5, avgResponseTimeMs: 100.5, queueDepth: 7, cacheHitRatio: 0.25)),
        Case(name: "PatternStatus", message: PatternStatus(models: [ModelStatus(name: "a"), ModelStatus(requests: 1)])),
        Case(name: "HealthCheckRequest", message: HealthCheckRequest(service: "gateway.PatternService/m")),
        Case(name: "HealthCheckResponse", message: HealthCheckResponse(status: .notServing)),
        Case(name: "HealthCheckResponse unknown status", message: HealthCheckResponse(status: .init(rawValue: 42))),
    ]

    @Test(arguments: full)
    func roundTrips(_ c: Case) throws {
        try Self.check(c.message)
    }

    /// Decoding an encoding gives the value back, and encoding that gives the same bytes.
    static func check<M: GatewayMessage>(_ message: M) throws {
        let bytes = message.encoded()
        let decoded = try M(decoding: bytes)
        #expect(decoded == message)
        #expect(decoded.encoded() == bytes)
    }

    @Test(arguments: MessageKind.allCases)
    func randomMessagesRoundTrip(_ kind: MessageKind) throws {
        var g = SeededRandom(seed: 0x5EED_0000 + UInt64(kind.rawValue.utf8.count))
        for _ in 0..<300 {
            let message = kind.random(&g)
            let bytes = message.encoded()
            let decoded = try kind.decode(bytes)
            #expect(decoded.isEqual(to: message), "\(message)")
            #expect(decoded.encoded() == bytes)
        }
    }

    /// A singular message field has presence: an empty `usage` is written (tag, length 0), an
    /// absent one is not; one occurring twice on the wire is merged field by field.
    @Test func usageIsPresentEvenEmptyAndMergesWhenRepeated() throws {
        #expect(GenerateChunk(usage: Usage()).encoded() == [0x1A, 0x00])
        #expect(GenerateChunk().encoded() == [])
        #expect(try GenerateChunk(decoding: [0x1A, 0x00]).usage == Usage())
        let twice: [UInt8] = [0x3A, 0x04, 0x08, 0x01, 0x10, 0x02, 0x3A, 0x02, 0x10, 0x05]
        #expect(try GenerateResponse(decoding: twice).usage == Usage(promptTokens: 1, completionTokens: 5))
    }

    /// Field-number order on the wire, as protoc writes it, whatever the declaration order.
    @Test func fieldsAreWrittenInNumberOrder() {
        let bytes = EmbedResponse(model: "m", queuePosition: 1, degraded: true).encoded()
        #expect(bytes == [0x0A, 0x01, 0x6D, 0x38, 0x01, 0x60, 0x01])
        let status = ModelStatus(name: "n", requests: 300, cacheHitRatio: 1).encoded()
        #expect(status == [0x0A, 0x01, 0x6E, 0x28, 0xAC, 0x02, 0x49, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }
}
