/// What the parser hands the event loop: one head, its body in pieces as they arrive, then the end.
public enum HTTP1ParseEvent: Sendable {
    case head(HTTP1RequestHeadFields)
    /// Body bytes, already de-chunked; never empty.
    case body([UInt8])
    /// The request is complete; the parser is ready for the next pipelined one.
    case end
}
