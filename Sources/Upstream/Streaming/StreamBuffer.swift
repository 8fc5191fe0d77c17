import Synchronization

/// The body of a streamed transfer on its way from the curl thread to the task reading it: a
/// bounded queue of chunks. The curl thread pushes what its write callback gets; past
/// `highWater` bytes not yet read it declines (the callback then pauses the transfer, so a slow
/// reader slows the upstream read instead of growing memory), and the reader asks for a resume
/// once it has drained below `lowWater`.
///
/// Runs on: the libcurl thread (push, end) and the reading task (next), under one lock.
final class StreamBuffer: Sendable {
    typealias Waiter = CheckedContinuation<Result<[UInt8]?, UpstreamError>, Never>

    private struct State {
        var chunks: [[UInt8]] = []
        var buffered = 0
        /// A body byte has come (the first-byte deadline no longer applies).
        var started = false
        /// Set once: nil error for a clean end.
        var ended: UpstreamError?? = .none
        var waiter: Waiter?
        /// The write callback declined a chunk and the transfer is paused until a resume.
        var paused = false
        /// Monotonic nanoseconds of the last byte (or of the head), for the idle timeout.
        var lastActivity: UInt64
    }

    let highWater: Int
    let lowWater: Int
    /// 0: no limit.
    let firstByteNanoseconds: UInt64
    let idleNanoseconds: UInt64
    private let state: Mutex<State>

    init(firstByte: Duration, idle: Duration, highWater: Int, now: UInt64) {
        self.highWater = max(1, highWater)
        self.lowWater = max(1, highWater / 4)
        self.firstByteNanoseconds = Self.nanoseconds(firstByte)
        self.idleNanoseconds = Self.nanoseconds(idle)
        self.state = Mutex(State(lastActivity: now))
    }

    private static func nanoseconds(_ d: Duration) -> UInt64 {
        let (s, atto) = d.components
        guard s >= 0 else { return 0 }
        return UInt64(min(s, 1 << 32)) * 1_000_000_000 + UInt64(atto / 1_000_000_000)
    }

    // MARK: curl thread

    /// Takes `bytes` unless the reader is too far behind: false means "pause the transfer"
    /// (curl keeps the bytes and hands them over again after the resume).
    func push(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> Bool {
        let chunk = [UInt8](bytes)
        let (accepted, waiter): (Bool, Waiter?) = state.withLock { s in
            if s.buffered >= highWater {
                s.paused = true
                return (false, nil)
            }
            s.lastActivity = now
            s.started = true
            if let w = s.waiter {
                // A waiting reader means nothing is buffered: hand the chunk over directly.
                s.waiter = nil
                return (true, w)
            }
            s.chunks.append(chunk)
            s.buffered += chunk.count
            return (true, nil)
        }
        waiter?.resume(returning: .success(chunk))
        return accepted
    }

    /// The transfer is over: `error` nil for a complete body. Later ends are ignored.
    func end(_ error: UpstreamError?) {
        let waiter: Waiter? = state.withLock { s in
            guard case .none = s.ended else { return nil }
            s.ended = .some(error)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    /// The transfer is over (its end reached the buffer), whether or not the reader has seen it.
    var isEnded: Bool {
        state.withLock { s in if case .some = s.ended { return true } else { return false } }
    }

    /// Whether the body is overdue: no first byte within `firstByte` of the start, or none for
    /// `idle` since the last. A paused transfer waits on its reader, not on the upstream.
    func isOverdue(now: UInt64) -> Bool {
        state.withLock { s in
            guard case .none = s.ended, !s.paused else { return false }
            let limit = s.started ? idleNanoseconds : firstByteNanoseconds
            return limit > 0 && now > s.lastActivity && now - s.lastActivity > limit
        }
    }

    // MARK: reader

    enum Read {
        case chunk([UInt8], resume: Bool)
        case end(UpstreamError?)
        case wait
    }

    /// What is buffered (and whether the transfer should now be resumed), or the end, or `wait`.
    func take() -> Read {
        state.withLock { s in takeLocked(&s) }
    }

    /// Like `take`, but with nothing to give `waiter` is registered in the same critical section.
    func takeOrWait(_ waiter: Waiter) -> Read {
        state.withLock { s in
            let r = takeLocked(&s)
            if case .wait = r { s.waiter = waiter }
            return r
        }
    }

    /// Everything buffered at once: chunks that arrived together are read together.
    private func takeLocked(_ s: inout State) -> Read {
        if !s.chunks.isEmpty {
            var chunk: [UInt8]
            if s.chunks.count == 1 {
                chunk = s.chunks[0]
            } else {
                chunk = []
                chunk.reserveCapacity(s.buffered)
                for c in s.chunks { chunk += c }
            }
            s.chunks.removeAll(keepingCapacity: true)
            s.buffered = 0
            var resume = false
            if s.paused, s.buffered <= lowWater {
                s.paused = false
                resume = true
            }
            return .chunk(chunk, resume: resume)
        }
        if case .some(let error) = s.ended { return .end(error) }
        return .wait
    }
}
