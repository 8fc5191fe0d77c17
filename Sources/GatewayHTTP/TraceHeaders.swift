import Tracing

extension TraceContext {
    /// The request's `traceparent` and `tracestate` (HTTP headers, or gRPC metadata, which is the
    /// same headers), or a new trace when there is none or it is malformed.
    public static func from(_ headers: HTTPHeaders) -> TraceContext {
        from(traceparent: headers["traceparent"], tracestate: headers["tracestate"])
    }
}
