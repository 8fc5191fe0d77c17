import GatewayHTTP
import JSON
import Synchronization
import Transport
@testable import GatewayCore

/// A model server on a free loopback port whose next answers a test scripts: the
/// simulator's behaviour, small enough to steer precisely.
final class FakeUpstream: Sendable {
    enum Answer: Sendable {
        case ok
        case status(Int, retryAfter: Int?)
        case wrongDimensions
        case delay(milliseconds: Int)
    }

    let server: HTTPServer
    let url: String
    let size: Int
    private final class State: Sendable {
        let script = Mutex<[Answer]>([])
        let seen = Mutex<[String]>([])
        /// The `traceparent` and `tracestate` of every request ("" when absent).
        let traces = Mutex<[(parent: String, state: String)]>([])
        /// Method and path of every request, and the inputs of each embed call.
        let requests = Mutex<[(path: String, inputs: Int)]>([])
    }

    private let state = State()

    init(size: Int) throws {
        let state = self.state
        (server, url) = try loopbackServer { request, writer in
            let body = (try? await request.body.collect(upTo: 1 << 20)) ?? []
            state.seen.withLock { $0.append(request.head.headers["x-request-id"] ?? "") }
            state.traces.withLock {
                $0.append((request.head.headers["traceparent"] ?? "", request.head.headers["tracestate"] ?? ""))
            }
            let count = (try? JSON.parse(body))?["input"]?.arrayValue?.count ?? 1
            state.requests.withLock { $0.append(("\(request.head.method) \(request.head.path)", request.head.method == "GET" ? 0 : count)) }
            let answer = state.script.withLock { $0.isEmpty ? .ok : $0.removeFirst() }
            switch answer {
            case .status(let code, let retryAfter):
                var h: HTTPHeaders = ["Content-Type": "application/json"]
                if let retryAfter { h.add("Retry-After", String(retryAfter)) }
                writer.respond(status: code, headers: h, body: Array(#"{"object":"error"}"#.utf8))
                return
            case .delay(let ms):
                try? await Task.sleep(for: .milliseconds(ms))
            default:
                break
            }
            let dims = { if case .wrongDimensions = answer { return size - 1 } else { return size } }()
            var w = JSONWriter()
            w.beginObject()
            w.key("data")
            w.beginArray()
            for i in 0..<count {
                w.beginObject()
                w.key("index"); w.number(i)
                w.key("embedding")
                w.beginArray()
                for j in 0..<dims { w.number(Float(i + j)) }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            writer.respond(status: 200, headers: ["Content-Type": "application/json"], body: w.bytes)
        }
        self.size = size
    }

    func then(_ answers: Answer...) { state.script.withLock { $0.append(contentsOf: answers) } }
    var calls: Int { state.seen.withLock { $0.count } }
    var requestIDs: [String] { state.seen.withLock { $0 } }
    var traces: [(parent: String, state: String)] { state.traces.withLock { $0 } }
    /// Inputs per embed call, in the order they came.
    var embedSizes: [Int] { state.requests.withLock { $0.filter { $0.path.hasPrefix("POST") }.map(\.inputs) } }
    var healthProbes: Int { state.requests.withLock { $0.filter { $0.path.hasPrefix("GET") }.count } }
    func stop() { server.shutdown(gracePeriod: 0.5) }
}

/// A port with nothing listening: bind, read the port, close.
func closedPortURL() throws -> String {
    let (s, url) = try loopbackServer { _, w in w.respond(status: 500) }
    s.shutdown(gracePeriod: 0)
    return url
}

func configuration(endpoints: [String], size: Int, retries: Int = 3, threshold: Int = 10,
                   timeout: Double = 5) -> (CoreConfiguration, ModelConfig) {
    var model = ModelConfig(name: "general", pattern: .realTime, vectorSize: size, batchSize: 10, cacheTTL: 60,
                            timeout: timeout, indexM: 16, indexEfConstruct: 200, endpoints: endpoints)
    model.upstreamModel = "general-upstream"
    var c = CoreConfiguration(registry: ModelRegistry(models: [model]))
    c.retryAttempts = retries
    c.circuitBreakerThreshold = threshold
    c.breakerCooldown = 30
    return (c, model)
}
