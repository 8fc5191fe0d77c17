import Synchronization

/// A request body that streams in from the connection while the handler runs.
///
/// The transport appends chunks on its event loop; the handler reads them with `for try await`
/// or `collect(upTo:)`. When more than `highWaterMark` bytes wait unread, the transport is told
/// to stop reading the socket, and told to resume once the reader has caught up; so a slow
/// handler never makes the gateway buffer a whole upload.
public final class RequestBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    public struct TooLarge: Error, Sendable {
        public let limit: Int
        public init(limit: Int) { self.limit = limit }
    }

    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var finished = false
        var failure: (any Error)?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        var producerPaused = false
    }

    private let state: Mutex<State>
    private let highWaterMark: Int
    /// Called (from the reading task) when the producer was paused and the buffer has drained.
    private let resumeProducer: (@Sendable () -> Void)?
    /// Called (from the reading task) with the size of every chunk the reader takes; HTTP/2
    /// opens its flow-control window by exactly what was read.
    private let onConsumed: (@Sendable (Int) -> Void)?

    /// A body that is already complete; what a GET gets.
    public static let empty = RequestBody(bytes: [])

    public init(bytes: [UInt8]) {
        var s = State()
        if !bytes.isEmpty { s.chunks = [bytes]; s.buffered = bytes.count }
        s.finished = true
        state = Mutex(s)
        highWaterMark = .max
        resumeProducer = nil
        onConsumed = nil
    }

    /// A streaming body; `resumeProducer` is how the reader asks the transport to read again,
    /// `onConsumed` how it reports what it has read.
    public init(highWaterMark: Int = 256 * 1024, resumeProducer: (@Sendable () -> Void)? = nil,
                onConsumed: (@Sendable (Int) -> Void)? = nil) {
        state = Mutex(State())
        self.highWaterMark = highWaterMark
        self.resumeProducer = resumeProducer
        self.onConsumed = onConsumed
    }

    // MARK: producer side (the transport)

    /// Appends a chunk; returns false when the producer should pause until `resumeProducer` runs.
    @discardableResult
    public func append(_ chunk: [UInt8]) -> Bool {
        if chunk.isEmpty { return true }
        let (waiter, keepGoing): (CheckedContinuation<[UInt8]?, any Error>?, Bool) = state.withLock { s in
            if s.finished { return (nil, true) }
            if let w = s.waiter {
                s.waiter = nil
                return (w, true)
            }
            s.chunks.append(chunk)
            s.buffered += chunk.count
            if s.buffered > highWaterMark {
                s.producerPaused = true
                return (nil, false)
            }
            return (nil, true)
        }
        waiter?.resume(returning: chunk)
        return keepGoing
    }

    /// Marks the end of the body.
    public func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, any Error>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Ends the body with an error (peer gone, stream reset, body over the limit).
    public func fail(_ error: any Error) {
        let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, any Error>? in
            if s.finished && s.failure == nil && s.waiter == nil { return nil }
            s.finished = true
            s.failure = error
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(throwing: error)
    }

    // MARK: consumer side (the handler)

    /// The next chunk, or nil at the end of the body.
    public func next() async throws -> [UInt8]? {
        enum Step { case chunk([UInt8], resume: Bool), end, failed(any Error), wait }
        let step: Step = state.withLock { s in
            if let (c, resume) = takeChunk(&s) { return .chunk(c, resume: resume) }
            if let f = s.failure { return .failed(f) }
            if s.finished { return .end }
            return .wait
        }
        switch step {
        case .chunk(let c, let resume):
            if resume { resumeProducer?() }
            onConsumed?(c.count)
            return c
        case .end: return nil
        case .failed(let e): throw e
        case .wait:
            let chunk: [UInt8]? = try await withCheckedThrowingContinuation { cont in
                // The producer may have acted between the two locks, so look again before parking.
                let (immediate, resume): (Result<[UInt8]?, any Error>?, Bool) = state.withLock { s in
                    if let (c, resume) = takeChunk(&s) { return (.success(c), resume) }
                    if let f = s.failure { return (.failure(f), false) }
                    if s.finished { return (.success(nil), false) }
                    s.waiter = cont
                    return (nil, false)
                }
                if resume { resumeProducer?() }
                if let immediate { cont.resume(with: immediate) }
            }
            if let chunk { onConsumed?(chunk.count) }
            return chunk
        }
    }

    /// Takes the oldest buffered chunk; `resume` says the paused producer may go on.
    private func takeChunk(_ s: inout State) -> ([UInt8], Bool)? {
        guard s.head < s.chunks.count else { return nil }
        let c = s.chunks[s.head]
        s.chunks[s.head] = []
        s.head += 1
        if s.head == s.chunks.count {
            s.chunks.removeAll(keepingCapacity: true)
            s.head = 0
        }
        s.buffered -= c.count
        var resume = false
        if s.producerPaused && s.buffered <= highWaterMark / 2 {
            s.producerPaused = false
            resume = true
        }
        return (c, resume)
    }

    /// Reads the whole body, failing with `TooLarge` past `limit` bytes.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try await next() {
            if out.count + chunk.count > limit { throw TooLarge(limit: limit) }
            if out.isEmpty { out = chunk } else { out.append(contentsOf: chunk) }
        }
        return out
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: RequestBody
        public mutating func next() async throws -> [UInt8]? { try await body.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}
