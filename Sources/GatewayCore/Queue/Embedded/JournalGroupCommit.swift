import Synchronization

/// Group commit: makes journal bytes durable for many concurrent `enqueue`s (or vector upserts)
/// with few fsyncs, and without holding the owner's lock during one (reads and claims never
/// wait on the disk).
///
/// Runs on: the blocking pool (each fsync round); callers wait from any task, suspended.
///
/// Whoever finds no fsync running starts a round on the blocking pool: it reads what to
/// fsync, fsyncs it, and wakes every waiter that covers. Waiters that wrote later get the next
/// round, submitted to the pool again (behind the other short work waiting, so one busy journal
/// cannot hold a pool thread forever; rounds are short work, which no snapshot or compaction
/// holds up). At most one fsync per journal runs at a time; callers —
/// event-loop tasks included — are only suspended, and are woken from the pool thread.
/// A failed fsync is final (after one, Linux may have dropped the dirty pages, so a later
/// success proves nothing): every waiter, then and later, gets the error.
final class JournalGroupCommit: Sendable {
    /// What a round is to make durable, read under the owner's lock.
    enum Target {
        /// fsync `descriptor` (and then `directory`, when a rename into it is not yet durable);
        /// that covers every byte up to `upTo` (a logical offset).
        case sync(JournalDescriptor, upTo: Int64, path: String, kind: JournalFileKind = .queue, directory: String? = nil)
        /// Already durable up to `upTo` (the journal was closed after a final fsync).
        case durable(upTo: Int64)
        case failed(GatewayError)
    }

    private enum Turn {
        case done
        case failed(GatewayError)
    }

    private struct Waiter {
        var end: Int64
        var continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        var durable: Int64
        /// A round is queued or running on the pool.
        var leading = false
        var waiters: [Waiter] = []
        var failure: GatewayError?
    }

    private let state: Mutex<State>
    private let pool: BlockingPool

    /// `durable`: the logical offset already on disk when the journal was opened.
    init(durable: Int64, pool: BlockingPool) {
        state = Mutex(State(durable: durable))
        self.pool = pool
    }

    /// Returns once every journal byte before logical offset `end` is on disk. `target` is read
    /// on the pool at the start of each round (any caller's will do: they all read the same
    /// owner).
    func waitUntilDurable(_ end: Int64, target: @escaping @Sendable () -> Target) async throws(GatewayError) {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let (now, startRound): (Turn?, Bool) = state.withLock { s in
                if let failure = s.failure { return (.failed(failure), false) }
                if s.durable >= end { return (.done, false) }
                s.waiters.append(Waiter(end: end, continuation: continuation))
                if s.leading { return (nil, false) }
                s.leading = true
                return (nil, true)
            }
            if let now { continuation.resume(returning: now) }
            if startRound { pool.submit { self.round(target) } }
        }
        switch turn {
        case .done: return
        case .failed(let error): throw error
        }
    }

    /// One fsync and the wake-ups it earns; on a pool thread.
    private func round(_ target: @escaping @Sendable () -> Target) {
        let outcome: Result<Int64, GatewayError>
        switch target() {
        case .sync(let descriptor, let upTo, let path, let kind, let directory):
            do throws(GatewayError) {
                try JournalIO.syncFile(descriptor.fd, path, kind: kind)
                if let directory { try JournalIO.syncDirectory(directory, kind: kind) }
                outcome = .success(upTo)
            } catch {
                outcome = .failure(error)
            }
        case .durable(let upTo): outcome = .success(upTo)
        case .failed(let error): outcome = .failure(error)
        }
        let (woken, again): ([Waiter], Bool) = state.withLock { s in
            switch outcome {
            case .failure(let error):
                s.failure = error
                s.leading = false
                defer { s.waiters = [] }
                return (s.waiters, false)
            case .success(let upTo):
                s.durable = max(s.durable, upTo)
                let durable = s.durable
                let woken = s.waiters.filter { $0.end <= durable }
                s.waiters.removeAll { $0.end <= durable }
                // Someone wrote after this round read its target: another round (still `leading`).
                if s.waiters.isEmpty { s.leading = false }
                return (woken, !s.waiters.isEmpty)
            }
        }
        switch outcome {
        case .failure(let error):
            for waiter in woken { waiter.continuation.resume(returning: .failed(error)) }
        case .success:
            for waiter in woken { waiter.continuation.resume(returning: .done) }
        }
        if again { pool.submit { self.round(target) } }
    }
}
