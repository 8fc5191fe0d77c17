import GatewayCore
import GatewayHTTP
import GraphQL
import JSON
import Synchronization
import Tracing

/// GraphQL over Server-Sent Events, distinct connections mode (graphql-sse PROTOCOL.md; spec §7):
/// a POST (or GET) that accepts `text/event-stream` is answered 200 with an `event: next` per
/// result — one for a query or mutation, one per event for a subscription — then
/// `event: complete`. The same on HTTP/1.1 (chunked) and HTTP/2 (a DATA frame per event).
///
/// As the protocol asks, everything found after the request was accepted goes through the stream
/// as a `next` with `errors` — a body that is not a GraphQL request, parse and validation errors,
/// variables that do not coerce — since an EventSource reports nothing of a 400's body. Refusals
/// of the request itself stay HTTP answers: a method other than GET and POST (405), a mutation
/// over GET (405), API keys (401, 403, 429).
/// Runs on: the request's handler task (cancelled by the transport when the client goes, which
/// stops the operation and its upstream call) and a keep-alive task beside it.
extension GraphQLServer {
    func eventStream(_ request: Request, _ writer: any ResponseWriter) async {
        let head = request.head
        let requestID = RequestID.from(head.headers)
        let state = GraphQLCallState(call: CallContext(requestID: requestID, trace: TraceContext.from(head.headers), protocolName: "graphql",
                                                       credential: Credential.from(head.headers)))
        let isGet = head.method == "GET" || head.method == "HEAD"
        func refuse(_ answer: Answer) {
            var headers = answer.headers
            headers.add("X-Request-Id", requestID)
            writer.respond(status: answer.status, headers: headers, body: answer.body)
        }
        guard isGet || head.method == "POST" else {
            refuse(failure(405, "method \(head.method) is not allowed on /graphql; use GET or POST", code: "invalid_argument",
                           media: .json, extraHeaders: [("Allow", "GET, POST")]))
            return
        }
        let rateHeaders: [(String, String)]
        switch await admit(state) {
        case .success(let headers): rateHeaders = headers
        case .failure(let error):
            refuse(refused(error, media: .json))
            return
        }
        let read = await readOperation(request, isGet: isGet)
        if case .ready(let prepared, _) = read, isGet, prepared.operation.operation == .mutation {
            refuse(Self.mutationOverGet(media: .json))
            return
        }
        var headers = HTTPHeaders()
        headers.add("Content-Type", EventStreamFraming.contentType)
        headers.add("Cache-Control", "no-cache")
        // A buffering proxy in front (nginx) would hold the events back without it.
        headers.add("X-Accel-Buffering", "no")
        headers.add("X-Request-Id", requestID)
        for (name, value) in rateHeaders { headers.add(name, value) }
        writer.writeHead(status: 200, headers: headers)
        if head.method == "HEAD" {
            writer.finish()
            return
        }
        let origin = ContinuousClock.now
        let lastWrite = LastWrite()
        let keepAlive = Task { [interval = limits.eventStreamKeepAlive] in
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: interval)) != nil else { return }
                let quiet = Self.milliseconds(since: origin) - lastWrite.milliseconds.load(ordering: .relaxed)
                guard quiet >= Self.milliseconds(interval) else { continue }
                do { try await writer.write(EventStreamFraming.keepAlive) } catch { return }
            }
        }
        defer { keepAlive.cancel() }
        let send: ([UInt8]) async throws -> Void = { bytes in
            lastWrite.milliseconds.store(Self.milliseconds(since: origin), ordering: .relaxed)
            try await writer.write(bytes)
        }
        do {
            switch read {
            case .malformed(_, let message, let code):
                let error = GraphQLError(message, extensions: ["code": .string(code)])
                try await send(EventStreamFraming.next(SerializedExecutionResult(data: nil, errors: [error])))
            case .requestErrors(let errors):
                try await send(EventStreamFraming.next(SerializedExecutionResult(data: nil, errors: Self.coded(errors))))
            case .ready(let prepared, let httpRequest):
                await OperationRunner(executor: executor).run(prepared, variables: httpRequest.variables, state: state) {
                    result, extensions in
                    try await send(EventStreamFraming.next(result, extensions: extensions))
                }
            }
            guard !Task.isCancelled else { return }
            try await send(EventStreamFraming.complete)
        } catch {
            return  // the client is gone: nothing more can reach it
        }
        // No keep-alive may follow the end.
        keepAlive.cancel()
        await keepAlive.value
        writer.finish()
    }

    private static func milliseconds(since origin: ContinuousClock.Instant) -> Int64 {
        milliseconds(ContinuousClock.now - origin)
    }

    private static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}

/// When the stream last sent something (milliseconds after it started), for the keep-alive task.
private final class LastWrite: Sendable {
    let milliseconds = Atomic<Int64>(0)
}
