/// How a request's body is framed, decided from its head (RFC 9112 §6.3).
public enum HTTP1BodyKind: Sendable, Equatable {
    /// Neither Content-Length nor Transfer-Encoding: a request without them has no body.
    case none
    /// A declared Content-Length, which may be 0.
    case length(Int)
    case chunked
}
