/// A streamed upstream answer: its status and headers at once, its body as the upstream sends
/// it. Reading is back-pressured (a reader that falls `highWater` bytes behind pauses the
/// transfer); cancelling — `cancel()`, cancelling the reading task, or dropping the stream — takes
/// the transfer out of curl at once and closes its connection, so an abandoned stream never
/// leaves an upstream call running.
/// Runs on: the reading task; the transfer itself runs on the caller's event loop (or on the
/// libcurl thread for calls made off the loops).
public final class UpstreamStream: Sendable {
    public let status: Int
    /// Names lower-cased, in arrival order.
    public let headers: [(String, String)]
    private let buffer: StreamBuffer
    private let transfer: Transfer
    private let loop: any TransferDriver

    init(head: UpstreamResponse, buffer: StreamBuffer, transfer: Transfer, loop: any TransferDriver) {
        self.status = head.status
        self.headers = head.headers
        self.buffer = buffer
        self.transfer = transfer
        self.loop = loop
    }

    deinit { loop.cancelStream(transfer) }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0 == lower }?.1
    }

    /// The next bytes (everything that arrived since the last call), or nil once the body is
    /// complete. Throws `.timeout` when no byte came within the first-byte or idle limit,
    /// `.reset` or `.transport` when the connection broke, `.cancelled` after `cancel()`.
    public func next() async throws(UpstreamError) -> [UInt8]? {
        let read = buffer.take()
        if case .wait = read {
            let result: Result<[UInt8]?, UpstreamError> = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    switch buffer.takeOrWait(continuation) {
                    case .chunk(let bytes, let resume):
                        if resume { loop.resume(transfer) }
                        continuation.resume(returning: .success(bytes))
                    case .end(let error):
                        continuation.resume(returning: error.map { .failure($0) } ?? .success(nil))
                    case .wait:
                        break  // push or end resumes it
                    }
                }
            } onCancel: {
                loop.cancelStream(transfer)
            }
            return try result.get()
        }
        switch read {
        case .chunk(let bytes, let resume):
            if resume { loop.resume(transfer) }
            return bytes
        case .end(let error):
            if let error { throw error }
            return nil
        case .wait:
            preconditionFailure("handled above")
        }
    }

    /// The rest of the body, for an error answer: at most `limit` bytes are kept.
    public func collect(upTo limit: Int) async throws(UpstreamError) -> [UInt8] {
        var body: [UInt8] = []
        while let more = try await next() {
            body += more.prefix(max(0, limit - body.count))
        }
        return body
    }

    /// Stops the transfer now; reads then end with `.cancelled`. Safe to call more than once.
    public func cancel() {
        loop.cancelStream(transfer)
    }
}
