import GatewayHTTP
import JSON
import Synchronization
import Transport
import Upstream
@testable import GatewayCore

/// A Qdrant address on a free loopback port whose answers each test scripts, recording every
/// call: for the store's own decisions (create once, retry after a 404, ask for more on a tie)
/// and the pool's (breaker, deadline). The e2e suite's contract double checks the shapes.
final class FakeQdrant: Sendable {
    struct Call: Sendable {
        var method: String
        /// Path and query as sent: `/collections/general/points?wait=true`.
        var target: String
        var apiKey: String?
        var body: JSONValue?
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var delay: Duration = .zero

        /// Qdrant's success envelope around `result` (JSON text).
        static func ok(_ result: String) -> Reply { Reply(status: 200, body: #"{"result":\#(result),"status":"ok","time":0.0001}"#) }
        static func error(_ status: Int, _ message: String) -> Reply {
            Reply(status: status, body: #"{"status":{"error":"\#(message)"},"time":0.0001}"#)
        }
        static func missing(_ name: String) -> Reply { error(404, "Not found: Collection `\(name)` doesn't exist!") }
        static func collection(size: Int, points: Int = 0, distance: String = "Cosine") -> Reply {
            ok(#"{"status":"green","points_count":\#(points),"config":{"params":{"vectors":{"size":\#(size),"distance":"\#(distance)"}}}}"#)
        }
        static let done = ok(#"{"operation_id":1,"status":"completed"}"#)
    }

    let server: HTTPServer
    let url: String
    private final class Log: Sendable {
        let calls = Mutex<[Call]>([])
    }

    private let log = Log()

    init(_ answer: @escaping @Sendable (Call) -> Reply) throws {
        let log = self.log
        (server, url) = try loopbackServer { request, writer in
            let bytes = (try? await request.body.collect(upTo: 64 << 20)) ?? []
            let head = request.head
            let call = Call(method: head.method, target: head.query.isEmpty ? head.path : head.path + "?" + head.query,
                            apiKey: head.headers["api-key"], body: bytes.isEmpty ? nil : try? JSON.parse(bytes))
            log.calls.withLock { $0.append(call) }
            let reply = answer(call)
            if reply.delay > .zero { try? await Task.sleep(for: reply.delay) }
            writer.respond(status: reply.status, headers: ["Content-Type": "application/json"], body: Array(reply.body.utf8))
        }
    }

    var calls: [Call] { log.calls.withLock { $0 } }
    /// "METHOD target" of every call, for compact expectations.
    var lines: [String] { calls.map { "\($0.method) \($0.target)" } }
    func stop() { server.shutdown(gracePeriod: 0.5) }

    /// A store on a pool whose only vector store endpoint is this fake.
    func store(retries: Int = 0, threshold: Int = 10, timeout: Duration = .seconds(5), apiKey: String? = "k-123",
               maxChunkPoints: Int = QdrantVectorStore.maxChunkPoints, metrics: MetricsRegistry = MetricsRegistry(),
               client: UpstreamClient) -> QdrantVectorStore {
        var c = CoreConfiguration(registry: ModelRegistry(models: []))
        c.retryAttempts = retries
        c.circuitBreakerThreshold = threshold
        c.breakerCooldown = 30
        c.vectorStore = .qdrant
        c.qdrantURL = url
        let pool = UpstreamPool(configuration: c, client: client, metrics: metrics, retryBaseDelay: .milliseconds(5))
        return QdrantVectorStore(pool: pool, apiKey: apiKey, timeout: timeout, maxChunkPoints: maxChunkPoints)!
    }
}
