import Foundation
import GatewayCore
import GatewayHTTP
import GatewayProto
import GatewayTestSupport
import Protobuf
import Synchronization
import Upstream

@testable import GRPCAPI

/// A gateway core over the nine models, every one at `upstream`, with health checks off, no
/// retries, `max_tokens` ≤ 100 and an embedded queue in a fresh directory; and the gRPC server in
/// front of it. Calls go through `GRPCServer.handle` exactly as the transport hands them over.
struct GRPCHarness {
    let core: PatternCore
    let server: GRPCServer
    let queue: EmbeddedBatchQueue
    let directory: String

    init(upstream: String, timeout: Double = 3) throws {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = [upstream]
            m.timeout = timeout
            m.healthCheck = .init(interval: 0)
            m.maxTokens = 100
            return m
        }
        var c = CoreConfiguration(registry: ModelRegistry(models: models))
        c.retryAttempts = 0
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-generate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        queue = try EmbeddedBatchQueue(dataDirectory: directory)
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: try UpstreamClient(), metrics: metrics)
        core = PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: queue, metrics: metrics)
        server = GRPCServer(core: core)
    }

    func close() {
        queue.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs the model's queued jobs once, as its worker would.
    func runQueue(model: String) async throws {
        _ = await BatchWorker(model: try core.model(named: model), core: core, consumer: "test").flushOnce()
    }

    static func request(_ method: String, _ message: some GatewayMessage, headers extra: [(String, String)] = []) -> Request {
        var headers: HTTPHeaders = ["content-type": "application/grpc", "te": "trailers"]
        for (n, v) in extra { headers.add(n, v) }
        let head = RequestHead(method: "POST", path: "/gateway.PatternService/\(method)", version: .http2, headers: headers,
                               connection: ConnectionInfo(remoteAddress: "127.0.0.1:1"))
        return Request(head: head, body: RequestBody(bytes: GRPCFrame.frame(message.encoded())))
    }

    /// One whole call: what came back, decoded.
    func call(_ method: String, _ message: some GatewayMessage, headers: [(String, String)] = [],
              writer: RecordingResponseWriter = RecordingResponseWriter()) async -> GRPCReply {
        await server.handle(Self.request(method, message, headers: headers), writer)
        return GRPCReply(writer.recorded)
    }
}

/// What a call answered: its messages, and its status from the trailers (or a Trailers-Only head).
struct GRPCReply {
    var messages: [[UInt8]] = []
    var status: Int?
    var message: String
    /// True when the status came after response headers (a stream or a unary answer), false for Trailers-Only.
    var streamed: Bool

    init(_ r: RecordingResponseWriter.Recorded) {
        var body = r.body[...]
        while body.count >= 5 {
            let n = Int(body[body.startIndex + 1]) << 24 | Int(body[body.startIndex + 2]) << 16
                | Int(body[body.startIndex + 3]) << 8 | Int(body[body.startIndex + 4])
            let start = body.startIndex + 5
            guard body.count >= 5 + n else { break }
            messages.append(Array(body[start..<(start + n)]))
            body = body[(start + n)...]
        }
        let fields = r.trailers ?? r.headers
        streamed = r.trailers != nil
        status = fields["grpc-status"].flatMap { Int($0) }
        message = fields["grpc-message"]?.removingPercentEncoding ?? ""
    }

    func decoded<M: GatewayMessage>(_ type: M.Type) throws -> [M] {
        try messages.map { try M(decoding: $0) }
    }
}

/// A client whose connection goes away: the `failAt`-th body write (1-based) and every one after
/// it fails, as a write to a reset stream does.
final class LeavingWriter: ResponseWriter {
    let recording = RecordingResponseWriter()
    private let failAt: Int
    private let writes = Atomic<Int>(0)

    init(failAt: Int) { self.failAt = failAt }

    func respond(status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        recording.respond(status: status, headers: headers, body: body, trailers: trailers)
    }

    func writeHead(status: Int, headers: HTTPHeaders) { recording.writeHead(status: status, headers: headers) }

    func write(_ bytes: [UInt8]) async throws {
        if writes.add(1, ordering: .relaxed).newValue >= failAt { throw CancellationError() }
        try await recording.write(bytes)
    }

    func finish(trailers: HTTPHeaders?) { recording.finish(trailers: trailers) }

    func abort() {}
}
