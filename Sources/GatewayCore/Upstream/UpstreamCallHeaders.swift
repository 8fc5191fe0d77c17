import Tracing

/// The headers every upstream call made for a client carries: JSON, the request id, and the
/// caller's trace. Built once per attempt, so each attempt (a retry, another replica) is a span
/// of its own under the caller's trace.
enum UpstreamCallHeaders {
    static func json(requestID: String, trace: TraceContext) -> [(String, String)] {
        [("Content-Type", "application/json"), ("X-Request-Id", requestID)] + traced(trace)
    }

    /// `traceparent` (a new span of `trace`) and, when the caller sent one, `tracestate`.
    static func traced(_ trace: TraceContext?) -> [(String, String)] {
        guard let span = trace?.child() else { return [] }
        guard let state = span.state else { return [("traceparent", span.traceparent)] }
        return [("traceparent", span.traceparent), ("tracestate", state)]
    }
}

/// The trace of the client call a task is serving, for upstream calls made under an interface
/// that takes no `CallContext`: the `VectorStore` protocol's (Qdrant). `PatternCore.search` and
/// `ingest` bind it; nil elsewhere (startup, background work), where no trace is sent.
enum CallTrace {
    @TaskLocal static var current: TraceContext?

    /// `operation` with `trace` bound, keeping its typed error (`withValue` only rethrows).
    static func with<Value: Sendable>(_ trace: TraceContext,
                                      _ operation: () async throws(GatewayError) -> Value) async throws(GatewayError) -> Value {
        let result: Result<Value, GatewayError> = await $current.withValue(trace) {
            do throws(GatewayError) {
                return .success(try await operation())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
