import CCurl
import Synchronization

/// One call's life from `send` to its answer.
///
/// `phase` is shared by the calling task and the curl thread, under its lock. Everything else
/// is the response being assembled and is touched only on the curl thread (by the loop and the
/// write/header callbacks); that split is why this is unchecked Sendable.
///
/// Runs on: the libcurl thread, except `phase`, which the calling task shares.
final class Transfer: @unchecked Sendable {
    typealias Outcome = Result<UpstreamResponse, UpstreamError>
    typealias Continuation = CheckedContinuation<Outcome, Never>

    enum Phase {
        case created
        /// Handed to the loop, which will resume the continuation exactly once.
        case submitted(Continuation)
        /// The task was cancelled before it could hand the transfer over; it answers itself.
        case cancelledEarly
        case finished
    }

    let request: UpstreamRequest
    let phase = Mutex<Phase>(.created)
    /// A streamed transfer's body goes here; nil when the caller waits for the whole answer.
    let stream: StreamBuffer?

    // Curl thread only from here on.
    let bodyLimit: Int
    var body: [UInt8] = []
    var headers: [(String, String)] = []
    /// Set when the write callback refused a body over `bodyLimit`.
    var bodyRefused = false
    /// The easy handle while the transfer is in the multi.
    var easy: EasyHandle?
    /// A streamed transfer's caller has its head (status and headers); the body follows in `stream`.
    var headDelivered = false

    init(_ request: UpstreamRequest, bodyLimit: Int, stream: StreamBuffer? = nil) {
        self.request = request
        self.bodyLimit = bodyLimit
        self.stream = stream
    }

    /// Streamed transfers only: gives the caller the head as soon as it is complete, once.
    func deliverHead(status: Int, connectMicroseconds: Int) {
        guard stream != nil, !headDelivered else { return }
        headDelivered = true
        finish(.success(UpstreamResponse(status: status, headers: headers, body: [], totalMicroseconds: 0,
                                         connectMicroseconds: connectMicroseconds)))
    }

    /// Resumes the caller unless it already has its answer. Called on the curl thread with no
    /// lock held, so the continuation never runs under one.
    func finish(_ outcome: Outcome) {
        let continuation: Continuation? = phase.withLock { phase in
            guard case .submitted(let c) = phase else { return nil }
            phase = .finished
            return c
        }
        continuation?.resume(returning: outcome)
    }
}
