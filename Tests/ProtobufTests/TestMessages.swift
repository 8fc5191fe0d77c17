import GatewayProto
import Protobuf
import GatewayTestSupport

/// Every message type under test, named as in the .proto, so that tables, the fuzzer and the
/// differential test can walk all of them generically.
enum MessageKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case embedRequest = "EmbedRequest"
    case embedding = "Embedding"
    case embedResponse = "EmbedResponse"
    case searchRequest = "SearchRequest"
    case scoredPoint = "ScoredPoint"
    case searchResponse = "SearchResponse"
    case point = "Point"
    case ingestRequest = "IngestRequest"
    case ingestResponse = "IngestResponse"
    case getBatchRequest = "GetBatchRequest"
    case batchStatus = "BatchStatus"
    case patternStatusRequest = "PatternStatusRequest"
    case modelStatus = "ModelStatus"
    case patternStatus = "PatternStatus"
    case chatMessage = "ChatMessage"
    case generateRequest = "GenerateRequest"
    case usage = "Usage"
    case generateResponse = "GenerateResponse"
    case generateChunk = "GenerateChunk"
    case healthCheckRequest = "HealthCheckRequest"
    case healthCheckResponse = "HealthCheckResponse"

    /// The messages of gateway.proto, the ones the Python oracle compiles.
    static let gateway = allCases.filter { $0 != .healthCheckRequest && $0 != .healthCheckResponse }

    var description: String { rawValue }

    var type: any GatewayMessage.Type {
        switch self {
        case .embedRequest: EmbedRequest.self
        case .embedding: Embedding.self
        case .embedResponse: EmbedResponse.self
        case .searchRequest: SearchRequest.self
        case .scoredPoint: ScoredPoint.self
        case .searchResponse: SearchResponse.self
        case .point: Point.self
        case .ingestRequest: IngestRequest.self
        case .ingestResponse: IngestResponse.self
        case .getBatchRequest: GetBatchRequest.self
        case .batchStatus: BatchStatus.self
        case .patternStatusRequest: PatternStatusRequest.self
        case .modelStatus: ModelStatus.self
        case .patternStatus: PatternStatus.self
        case .chatMessage: GatewayProto.ChatMessage.self
        case .generateRequest: GenerateRequest.self
        case .usage: Usage.self
        case .generateResponse: GenerateResponse.self
        case .generateChunk: GenerateChunk.self
        case .healthCheckRequest: HealthCheckRequest.self
        case .healthCheckResponse: HealthCheckResponse.self
        }
    }

    func decode(_ bytes: [UInt8]) throws(ProtoError) -> any GatewayMessage {
        try type.decodeAny(bytes)
    }

    func random(_ g: inout SeededRandom) -> any GatewayMessage {
        switch self {
        case .embedRequest: g.embedRequest()
        case .embedding: g.embedding()
        case .embedResponse: g.embedResponse()
        case .searchRequest: g.searchRequest()
        case .scoredPoint: g.scoredPoint()
        case .searchResponse: g.searchResponse()
        case .point: g.point()
        case .ingestRequest: g.ingestRequest()
        case .ingestResponse: g.ingestResponse()
        case .getBatchRequest: g.getBatchRequest()
        case .batchStatus: g.batchStatus()
        case .patternStatusRequest: PatternStatusRequest()
        case .modelStatus: g.modelStatus()
        case .patternStatus: g.patternStatus()
        case .chatMessage: g.chatMessage()
        case .generateRequest: g.generateRequest()
        case .usage: g.usage()
        case .generateResponse: g.generateResponse()
        case .generateChunk: g.generateChunk()
        case .healthCheckRequest: HealthCheckRequest(service: g.string())
        case .healthCheckResponse: HealthCheckResponse(status: .init(rawValue: g.int32()))
        }
    }
}

extension GatewayMessage {
    static func decodeAny(_ bytes: [UInt8]) throws(ProtoError) -> any GatewayMessage {
        try Self(decoding: bytes)
    }

    func isEqual(to other: any GatewayMessage) -> Bool {
        (other as? Self) == self
    }
}

typealias SeededRandom = SplitMix64

/// What the message generators draw.
extension SplitMix64 {
    mutating func count(_ top: Int) -> Int { Int.random(in: 0...top, using: &self) }

    /// Half the fields stay at their default so that omission is exercised as much as presence.
    mutating func coin() -> Bool { Bool.random(using: &self) }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }

    mutating func string() -> String {
        let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
        var s = String.UnicodeScalarView()
        for _ in 0..<count(8) {
            let range = ranges[Int.random(in: 0..<ranges.count, using: &self)]
            s.append(Unicode.Scalar(UInt32.random(in: range, using: &self))!)
        }
        return String(s)
    }

    /// NaN and the infinities are left out: MessageToDict renders them as strings and NaN never
    /// compares equal, while their bits take the same fixed32/fixed64 path as any other value.
    mutating func float() -> Float {
        switch count(5) {
        case 0: return [0, -0.0, 1, -1][count(3)]
        case 1: return Float(bitPattern: UInt32.random(in: 1...0x7F_FFFF, using: &self))  // subnormal
        case 2: return [Float.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude][count(2)]
        case 3: return Float.random(in: -1...1, using: &self)
        default:
            while true {
                let v = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &self))
                if v.isFinite { return v }
            }
        }
    }

    mutating func double() -> Double {
        switch count(3) {
        case 0: return [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -2.5][count(4)]
        case 1: return Double.random(in: 0...10_000, using: &self)
        default:
            while true {
                let v = Double(bitPattern: next())
                if v.isFinite { return v }
            }
        }
    }

    mutating func int32() -> Int32 { [Int32.min, -1, 1, Int32.max, Int32.random(in: .min ... .max, using: &self)][count(4)] }
    mutating func uint32() -> UInt32 { [1, 127, 128, UInt32.max, UInt32.random(in: 0...UInt32.max, using: &self)][count(4)] }
    mutating func uint64() -> UInt64 { [1, 1 << 63, UInt64.max, next()][count(3)] }

    mutating func floats() -> [Float] { (0..<count(6)).map { _ in float() } }
    mutating func strings() -> [String] { (0..<count(4)).map { _ in string() } }

    /// Keys sometimes repeat, to check that every decoder agrees the last entry wins.
    mutating func map() -> [(key: String, value: String)] {
        (0..<count(4)).map { _ in (key: coin() ? ["", "k", "κ"][count(2)] : string(), value: string()) }
    }

    mutating func embedRequest() -> EmbedRequest {
        EmbedRequest(
            model: coin() ? string() : "", texts: strings(), urgent: coin(), priority: coin() ? int32() : 0)
    }

    mutating func embedding() -> Embedding { Embedding(values: floats()) }

    mutating func embedResponse() -> EmbedResponse {
        EmbedResponse(
            model: coin() ? string() : "", pattern: coin() ? string() : "", processingMode: coin() ? string() : "",
            status: coin() ? string() : "", embeddings: (0..<count(3)).map { _ in embedding() },
            batchId: coin() ? string() : "", queuePosition: coin() ? int32() : 0,
            estimatedCompletion: coin() ? string() : "", processingTimeMs: coin() ? double() : 0, cached: coin(),
            endpoint: coin() ? string() : "", degraded: coin())
    }

    mutating func searchRequest() -> SearchRequest {
        SearchRequest(
            model: coin() ? string() : "", queryVector: floats(), query: coin() ? string() : "",
            limit: coin() ? uint32() : 0, filter: map(), scoreThreshold: coin() ? float() : 0)
    }

    mutating func scoredPoint() -> ScoredPoint {
        ScoredPoint(id: coin() ? string() : "", score: coin() ? float() : 0, payload: map())
    }

    mutating func searchResponse() -> SearchResponse {
        SearchResponse(
            model: coin() ? string() : "", results: (0..<count(3)).map { _ in scoredPoint() }, cached: coin(),
            tookMs: coin() ? double() : 0)
    }

    mutating func point() -> Point { Point(id: coin() ? string() : "", vector: floats(), payload: map()) }

    mutating func ingestRequest() -> IngestRequest {
        IngestRequest(model: coin() ? string() : "", points: (0..<count(3)).map { _ in point() })
    }

    mutating func ingestResponse() -> IngestResponse {
        IngestResponse(model: coin() ? string() : "", ingested: coin() ? uint32() : 0, ids: strings())
    }

    mutating func getBatchRequest() -> GetBatchRequest { GetBatchRequest(batchId: coin() ? string() : "") }

    mutating func batchStatus() -> BatchStatus {
        BatchStatus(
            batchId: coin() ? string() : "", model: coin() ? string() : "", status: coin() ? string() : "",
            itemsCount: coin() ? uint32() : 0, completedItems: coin() ? uint32() : 0,
            embeddings: (0..<count(3)).map { _ in embedding() }, error: coin() ? string() : "",
            attempts: coin() ? uint32() : 0, queuedAt: coin() ? string() : "", completedAt: coin() ? string() : "",
            outputs: (0..<count(2)).map { _ in generateResponse() })
    }

    mutating func chatMessage() -> GatewayProto.ChatMessage {
        ChatMessage(role: coin() ? string() : "", content: coin() ? string() : "")
    }

    mutating func generateRequest() -> GenerateRequest {
        GenerateRequest(
            model: coin() ? string() : "", prompt: coin() ? string() : "", messages: (0..<count(3)).map { _ in chatMessage() },
            maxTokens: coin() ? uint32() : 0, temperature: coin() ? float() : 0, topP: coin() ? float() : 0,
            stop: strings(), urgent: coin(), priority: coin() ? int32() : 0, seed: coin() ? uint64() : 0)
    }

    mutating func usage() -> Usage {
        Usage(promptTokens: coin() ? uint32() : 0, completionTokens: coin() ? uint32() : 0, totalTokens: coin() ? uint32() : 0)
    }

    /// `usage` is absent half the time and, when present, sometimes all zeros (present but empty).
    mutating func generateResponse() -> GenerateResponse {
        GenerateResponse(
            model: coin() ? string() : "", pattern: coin() ? string() : "", processingMode: coin() ? string() : "",
            status: coin() ? string() : "", text: coin() ? string() : "", finishReason: coin() ? string() : "",
            usage: coin() ? (coin() ? usage() : Usage()) : nil, batchId: coin() ? string() : "",
            processingTimeMs: coin() ? double() : 0, endpoint: coin() ? string() : "", cached: coin())
    }

    mutating func generateChunk() -> GenerateChunk {
        GenerateChunk(text: coin() ? string() : "", finishReason: coin() ? string() : "",
                      usage: coin() ? (coin() ? usage() : Usage()) : nil)
    }

    mutating func modelStatus() -> ModelStatus {
        ModelStatus(
            name: coin() ? string() : "", pattern: coin() ? string() : "", breakerState: coin() ? string() : "",
            failureCount: coin() ? uint32() : 0, requests: coin() ? uint64() : 0, successRate: coin() ? double() : 0,
            avgResponseTimeMs: coin() ? double() : 0, queueDepth: coin() ? uint32() : 0,
            cacheHitRatio: coin() ? double() : 0)
    }

    mutating func patternStatus() -> PatternStatus {
        PatternStatus(models: (0..<count(3)).map { _ in modelStatus() })
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
}

func unhex(_ s: String) -> [UInt8]? {
    let chars = Array(s.utf8)
    guard chars.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 2)
    for i in stride(from: 0, to: chars.count, by: 2) {
        guard let b = UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
        out.append(b)
    }
    return out
}
