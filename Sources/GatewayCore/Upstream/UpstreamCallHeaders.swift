import Tracing

/// The headers every upstream call made for a client carries: JSON, the request id, and the
/// caller's trace. Built once per attempt, so each attempt (a retry, another replica) is a span
/// of its own under the caller's trace.
enum UpstreamCallHeaders {
    static func json(requestID: String, trace: TraceContext) -> [(String, String)] {
        let span = trace.child()
        var headers = [("Content-Type", "application/json"), ("X-Request-Id", requestID), ("traceparent", span.traceparent)]
        if let state = span.state { headers.append(("tracestate", state)) }
        return headers
    }
}
