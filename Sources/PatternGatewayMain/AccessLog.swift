import GatewayHTTP
import GRPCAPI
import GraphQLAPI
import Synchronization
import Tracing

/// `--access-log`: one JSON line per answered request, logger `access` — protocol, method,
/// path, status (and gRPC status), duration, the request id and the trace id — so an operator can
/// join the gateway's lines with the client's by `request_id` and with the model servers' by
/// `trace_id`.
///
/// The request's id and trace are fixed here, before any front-end sees it: a missing
/// `X-Request-Id` or a missing or malformed `traceparent` is replaced by the one the gateway
/// makes, so the front-end (which reads the same headers) answers and calls upstream with exactly
/// what this line says.
/// Runs on: the request's handler task; the line goes to `LogWriter`, which writes elsewhere.
struct AccessLog: Sendable {
    /// Serves `request` with `handle`, then logs it.
    func serve(_ request: Request, _ writer: any ResponseWriter,
               _ handle: @Sendable (Request, any ResponseWriter) async -> Void) async {
        let started = ContinuousClock.now
        var request = request
        let identity = Self.stamp(&request.head)
        let recorder: any AnswerRecorder = if let upgradable = writer as? any WebSocketUpgradable {
            UpgradeRecordingWriter(upgradable)
        } else {
            RecordingWriter(writer)
        }
        await handle(request, recorder)
        let answer = recorder.answer
        // Written straight to bytes: a metadata dictionary sorted per line cost more than the
        // rest of the line (the fields are in the order `JSONLogHandler` would sort them to).
        var line = "{\"ts\":\"" + JSONLogHandler.timestamp() + "\",\"level\":\"info\",\"logger\":\"access\",\"message\":\"request\""
        line += ",\"duration_ms\":\"" + ServerTiming.milliseconds(since: started) + "\""
        if let grpcStatus = answer.grpcStatus { line += ",\"grpc_status\":" + String(grpcStatus) }
        line += ",\"method\":" + JSONString.quote(request.head.method)
        line += ",\"path\":" + JSONString.quote(request.head.path)
        line += ",\"protocol\":\"" + Self.protocolName(request.head) + "\""
        line += ",\"request_id\":" + JSONString.quote(identity.requestID)
        line += ",\"status\":" + String(answer.status)
        line += ",\"trace_from\":\"" + (identity.fromCaller ? "caller" : "gateway") + "\""
        line += ",\"trace_id\":\"" + identity.trace.traceID + "\"}\n"
        LogWriter.standardError.append(Array(line.utf8))
    }

    /// Puts the request id and trace the request will be served with into its headers.
    static func stamp(_ head: inout RequestHead) -> (requestID: String, trace: TraceContext, fromCaller: Bool) {
        let requestID = RequestID.from(head.headers)
        if head.headers["x-request-id"] != requestID { head.headers.set("x-request-id", requestID) }
        let sent = head.headers["traceparent"]
        let parsed = sent.flatMap(TraceContext.parse)
        let trace = parsed?.with(state: head.headers["tracestate"]) ?? .fresh()
        if sent != trace.traceparent {
            head.headers.set("traceparent", trace.traceparent)
            if parsed == nil { head.headers.remove("tracestate") }
        }
        return (requestID, trace, parsed != nil)
    }

    static func protocolName(_ head: RequestHead) -> String {
        if GRPCServer.accepts(head) { return "grpc" }
        if GraphQLServer.accepts(head) {
            return head.headers["upgrade"] == nil ? "graphql" : "graphql-ws"
        }
        return head.path.hasPrefix("/v1/") ? "openai" : "rest"
    }
}

/// The status a handler answered with, and the gRPC status of its trailers.
struct RecordedAnswer: Sendable {
    var status = 0
    var grpcStatus: Int?
}

protocol AnswerRecorder: ResponseWriter {
    var answer: RecordedAnswer { get }
}

/// Passes every call on and keeps the status; the handler may call it from any task.
final class RecordingWriter: AnswerRecorder {
    private let inner: any ResponseWriter
    private let recorded = Mutex(RecordedAnswer())

    init(_ inner: any ResponseWriter) { self.inner = inner }

    var answer: RecordedAnswer { recorded.withLock { $0 } }

    func note(status: Int?, trailers: HTTPHeaders?) {
        recorded.withLock { r in
            if let status { r.status = status }
            if let code = trailers?["grpc-status"].flatMap({ Int($0) }) { r.grpcStatus = code }
        }
    }

    func respond(status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        // gRPC's Trailers-Only answer carries grpc-status in the headers.
        note(status: status, trailers: trailers ?? headers)
        inner.respond(status: status, headers: headers, body: body, trailers: trailers)
    }

    func writeHead(status: Int, headers: HTTPHeaders) {
        note(status: status, trailers: nil)
        inner.writeHead(status: status, headers: headers)
    }

    func write(_ bytes: [UInt8]) async throws { try await inner.write(bytes) }

    func finish(trailers: HTTPHeaders?) {
        note(status: nil, trailers: trailers)
        inner.finish(trailers: trailers)
    }

    func abort() { inner.abort() }
}

/// The same for a request that may become a WebSocket: the upgrade is answered 101.
final class UpgradeRecordingWriter: AnswerRecorder, WebSocketUpgradable {
    private let inner: any WebSocketUpgradable
    private let recording: RecordingWriter

    init(_ inner: any WebSocketUpgradable) {
        self.inner = inner
        recording = RecordingWriter(inner)
    }

    var answer: RecordedAnswer { recording.answer }

    func upgradeToWebSocket(key: String, subprotocol: String?, headers: HTTPHeaders) -> (any WebSocketSession)? {
        let session = inner.upgradeToWebSocket(key: key, subprotocol: subprotocol, headers: headers)
        if session != nil { recording.note(status: 101, trailers: nil) }
        return session
    }

    func respond(status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        recording.respond(status: status, headers: headers, body: body, trailers: trailers)
    }
    func writeHead(status: Int, headers: HTTPHeaders) { recording.writeHead(status: status, headers: headers) }
    func write(_ bytes: [UInt8]) async throws { try await recording.write(bytes) }
    func finish(trailers: HTTPHeaders?) { recording.finish(trailers: trailers) }
    func abort() { recording.abort() }
}
