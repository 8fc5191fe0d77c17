import GatewayHTTP

/// One HTTP/2 stream's request and response state. Owned by `HTTP2Channel`, on its loop.
///
/// Runs on: its channel's event loop.
final class HTTP2Stream {
    let id: Int32
    var method = ""
    var path = ""
    var authority: String?
    var headers = HTTPHeaders()
    var headerBytes = 0
    /// Set when the request broke a limit before the handler ran; answered with this status.
    var rejectStatus: Int?
    var body: RequestBody?
    var bodyBytes = 0
    /// `content-type: application/grpc…`: no total body limit (see `onData`).
    var isGRPC = false
    /// The client sent END_STREAM.
    var requestEnded = false
    /// Body bytes received but not yet read by the handler; the flow-control window stays
    /// closed by this much, which is how a slow reader slows the client down.
    var unconsumed = 0
    var task: Task<Void, Never>?

    var responseStarted = false
    var responseFinished = false
    /// Response body bytes not yet taken by nghttp2's data provider.
    var outbound: [UInt8] = []
    var outboundOffset = 0
    var outboundEOF = false
    var trailers: HTTPHeaders?
    var deferred = false
    var writeWaiters: [CheckedContinuation<Void, any Error>] = []

    init(id: Int32) {
        self.id = id
        headers.reserveCapacity(12)
    }

    var outboundPending: Int { outbound.count - outboundOffset }

    func failWaiters() {
        let w = writeWaiters
        writeWaiters = []
        for c in w { c.resume(throwing: ResponseWriterError.closed) }
    }
}
