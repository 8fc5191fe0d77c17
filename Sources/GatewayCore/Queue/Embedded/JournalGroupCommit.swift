import Synchronization

/// Group commit: makes journal bytes durable for many concurrent `enqueue`s with few fsyncs,
/// and without holding the queue's lock during one (reads and claims never wait on the disk).
///
/// Whoever finds no fsync running becomes the leader: it fsyncs everything written so far
/// and wakes every waiter that covers; waiters that wrote later are handed the lead in turn.
/// At most one task blocks in fsync at a time; the others are suspended, not blocking a thread.
/// A failed fsync is final (after one, Linux may have dropped the dirty pages, so a later
/// success proves nothing): every waiter, then and later, gets the error.
final class JournalGroupCommit: Sendable {
    /// What the leader is to make durable, read under the queue's lock.
    enum Target {
        /// fsync `descriptor`; that covers every byte up to `upTo` (a logical offset).
        case sync(JournalDescriptor, upTo: Int64, path: String, kind: JournalFileKind = .queue)
        /// Already durable up to `upTo` (the queue was closed after a final fsync).
        case durable(upTo: Int64)
        case failed(GatewayError)
    }

    private enum Turn {
        case done, lead
        case failed(GatewayError)
    }

    private struct Waiter {
        var end: Int64
        var continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        var durable: Int64
        var leading = false
        var waiters: [Waiter] = []
        var failure: GatewayError?
    }

    private let state: Mutex<State>

    /// `durable`: the logical offset already on disk when the journal was opened.
    init(durable: Int64) {
        state = Mutex(State(durable: durable))
    }

    /// Returns once every journal byte before logical offset `end` is on disk.
    func waitUntilDurable(_ end: Int64, target: () -> Target) async throws(GatewayError) {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let now: Turn? = state.withLock { s in
                if let failure = s.failure { return .failed(failure) }
                if s.durable >= end { return .done }
                if !s.leading {
                    s.leading = true
                    return .lead
                }
                s.waiters.append(Waiter(end: end, continuation: continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
        switch turn {
        case .done: return
        case .failed(let error): throw error
        case .lead: try lead(target())
        }
    }

    private func lead(_ target: Target) throws(GatewayError) {
        let outcome: Result<Int64, GatewayError>
        switch target {
        case .sync(let descriptor, let upTo, let path, let kind):
            do throws(GatewayError) {
                try JournalIO.syncFile(descriptor.fd, path, kind: kind)
                outcome = .success(upTo)
            } catch {
                outcome = .failure(error)
            }
        case .durable(let upTo): outcome = .success(upTo)
        case .failed(let error): outcome = .failure(error)
        }
        let (woken, next): ([Waiter], Waiter?) = state.withLock { s in
            switch outcome {
            case .failure(let error):
                s.failure = error
                s.leading = false
                defer { s.waiters = [] }
                return (s.waiters, nil)
            case .success(let upTo):
                s.durable = max(s.durable, upTo)
                let durable = s.durable
                let woken = s.waiters.filter { $0.end <= durable }
                s.waiters.removeAll { $0.end <= durable }
                guard !s.waiters.isEmpty else {
                    s.leading = false
                    return (woken, nil)
                }
                // Someone wrote after our snapshot: they lead the next fsync (still `leading`).
                return (woken, s.waiters.removeFirst())
            }
        }
        switch outcome {
        case .failure(let error):
            for waiter in woken { waiter.continuation.resume(returning: .failed(error)) }
            throw error
        case .success:
            for waiter in woken { waiter.continuation.resume(returning: .done) }
            next?.continuation.resume(returning: .lead)
        }
    }
}
