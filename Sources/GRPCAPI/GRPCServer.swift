import GatewayCore
import GatewayHTTP
import GatewayProto
import GRPCReflection
import Tracing

/// The gRPC front-end: `gateway.PatternService`, `grpc.health.v1.Health` and server reflection
/// (v1alpha and v1) on the HTTP/2 streams the transport hands over. Everything a call does goes
/// through the same `PatternCore` as REST, with `protocol="grpc"` on its metrics.
public struct GRPCServer: Sendable {
    public static let defaultMaxMessageBytes = 4 << 20

    let core: PatternCore
    let maxMessageBytes: Int
    private let methods: [String: GRPCMethod]

    public init(core: PatternCore, maxMessageBytes: Int = GRPCServer.defaultMaxMessageBytes) {
        self.core = core
        self.maxMessageBytes = maxMessageBytes
        var table: [String: GRPCMethod] = [:]
        for (path, m) in PatternServiceMethods(core: core).table() { table[path] = m }
        for (path, m) in HealthMethods(core: core).table() { table[path] = m }
        for (path, m) in ReflectionMethods(service: .gatewayDefault).table() { table[path] = m }
        methods = table
    }

    /// Services this server answers; a request for any other is UNIMPLEMENTED.
    static let services = [
        "gateway.PatternService", "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection",
    ]

    /// True for requests that belong here: a gRPC content type, or a path naming one of our
    /// services (so a wrong content type there is answered 415 as gRPC prescribes, not 404).
    /// Called for every request on the port, so it allocates nothing.
    public static func accepts(_ head: RequestHead) -> Bool {
        if head.headers["content-type"]?.hasPrefix("application/grpc") == true { return true }
        return servicePrefixes.contains { head.path.hasPrefix($0) }
    }

    private static let servicePrefixes = services.map { "/\($0)/" }

    public func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let head = request.head
        guard head.method == "POST" else {
            await Self.drain(request)
            return Self.httpError(writer, head, 405, "gRPC calls are POST requests", extra: [("Allow", "POST")])
        }
        let contentType = head.headers["content-type"] ?? ""
        guard contentType == "application/grpc" || contentType.hasPrefix("application/grpc+proto")
                || contentType.hasPrefix("application/grpc;") else {
            await Self.drain(request)
            return Self.httpError(writer, head, 415, "gRPC needs content-type application/grpc (protobuf), not \"\(contentType)\"")
        }
        guard head.version == .http2 else {
            await Self.drain(request)
            return Self.httpError(writer, head, 505, "gRPC needs HTTP/2 (h2c with prior knowledge, or TLS with ALPN h2)")
        }
        let responder = GRPCResponder(writer)
        if let encoding = head.headers["grpc-encoding"], encoding != "identity" {
            return responder.finish(GRPCStatus(.unimplemented, "grpc-encoding \(encoding) is not supported; this server accepts identity"))
        }
        guard let method = methods[head.path] else {
            return responder.finish(Self.unknownMethod(head.path))
        }
        let call = GRPCCall(request: request, responder: responder, maxMessageBytes: maxMessageBytes,
                            context: CallContext(requestID: RequestID.from(head.headers), trace: TraceContext.from(head.headers),
                                                 protocolName: "grpc",
                                                 credential: Credential.from(head.headers)))
        let deadline = head.headers["grpc-timeout"].flatMap(GRPCTimeout.parse)
        await Self.run(method, call, deadline: deadline)
    }

    /// Runs the method, racing it against the deadline; whichever ends first ends the call and
    /// the other is cancelled (a cancelled core call aborts its upstream transfer).
    private static func run(_ method: @escaping GRPCMethod, _ call: GRPCCall, deadline: Duration?) async {
        guard let deadline else {
            // Nothing to race: no task group (and no child task) for the common call.
            do {
                try await method(call)
                call.responder.finish(.ok)
            } catch {
                call.responder.finish(status(for: error))
            }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await method(call)
                    call.responder.finish(.ok)
                } catch {
                    call.responder.finish(status(for: error))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: deadline)
                    call.responder.finish(GRPCStatus(.deadlineExceeded, "the deadline of \(deadline) passed"))
                } catch {}
            }
            await group.next()
            group.cancelAll()
        }
    }

    static func status(for error: any Error) -> GRPCStatus {
        switch error {
        case let s as GRPCStatus: s
        case let e as GatewayError: GRPCStatus(e)
        case is CancellationError: GRPCStatus(.cancelled, "the call was cancelled")
        // An error of no known kind: its description may name types or files, so it stays inside.
        default: GRPCStatus(.internalError, "internal error")
        }
    }

    private static func unknownMethod(_ path: String) -> GRPCStatus {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count == 2, services.contains(String(parts[0])) {
            return GRPCStatus(.unimplemented, "unknown method \(parts[1]) for service \(parts[0])")
        }
        return GRPCStatus(.unimplemented, "unknown service \(parts.first.map(String.init) ?? path)")
    }

    /// A plain HTTP client (curl) that is still uploading when the error arrives treats the reset
    /// that follows an early answer as a failure, so a small body is read before answering.
    private static func drain(_ request: Request) async {
        _ = try? await request.body.collect(upTo: 1 << 20)
    }

    /// Errors before the call is gRPC at all (wrong method, content type or HTTP version): plain
    /// HTTP answers with the spec's JSON error body.
    private static func httpError(_ writer: any ResponseWriter, _ head: RequestHead, _ status: Int, _ message: String,
                                  extra: [(String, String)] = []) {
        let requestID = RequestID.from(head.headers)
        var headers: HTTPHeaders = ["Content-Type": "application/json", "X-Request-Id": requestID]
        for (n, v) in extra { headers.add(n, v) }
        let code = status == 405 || status == 415 ? "invalid_argument" : "unavailable"
        let body = "{\"error\":{\"code\":\"\(code)\",\"message\":\(JSONString.quote(message)),\"details\":{}},\"request_id\":\(JSONString.quote(requestID))}"
        writer.respond(status: status, headers: headers, body: Array(body.utf8), trailers: nil)
    }
}

/// One gRPC method: reads its request messages from the call and answers through its responder.
/// Returning normally ends the call OK (unless the method already ended it); a thrown error ends
/// it with that error's status.
typealias GRPCMethod = @Sendable (GRPCCall) async throws -> Void

struct GRPCCall: Sendable {
    let request: Request
    let responder: GRPCResponder
    let maxMessageBytes: Int
    let context: CallContext

    func messages() -> GRPCMessageReader {
        GRPCMessageReader(request.body, maxMessageBytes: maxMessageBytes)
    }

    /// The single request message of a unary or server-streaming call, decoded.
    func request<M: GatewayMessage>(_ type: M.Type) async throws(GRPCStatus) -> M {
        var reader = messages()
        return try PatternServiceMethods.decode(type, try await reader.single())
    }
}
