import CCurl
import Synchronization

/// A CURLM multi handle and the one thread that drives it, for calls made off the event loops
/// (batch workers, health checks, tests); calls made on a loop run on that loop (`LoopTransfers`).
///
/// Callers talk to the thread only through `inbox` (under its lock) and curl_multi_wakeup, the
/// one multi call that is safe from any thread. Everything else (`curl` and every other curl
/// call) belongs to the curl thread; that split is why this is unchecked Sendable.
///
/// Runs on: the libcurl thread; callers on any thread reach it only through `inbox` and the wake-up.
final class TransferLoop: TransferDriver, @unchecked Sendable {
    struct Inbox {
        var submissions: [Transfer] = []
        var cancellations: [Transfer] = []
        /// Paused streams whose readers caught up.
        var resumptions: [Transfer] = []
        var stopping = false
        /// A wakeup is on its way; more work needs no second one before the loop drains.
        var wakeupPending = false
    }

    let inbox = Mutex(Inbox())
    /// Callers between deciding to wake the thread and doing it: the multi must outlive them.
    let wakersInFlight = Atomic<Int>(0)
    /// The multi and its transfers: curl thread only (see TransferLoop+Run).
    let curl: CurlMulti
    /// `curl.pointer`, for curl_multi_wakeup from any thread.
    private let multi: UnsafeMutableRawPointer

    init(settings: ClientSettings) throws(UpstreamError) {
        curl = try CurlMulti(settings: settings)
        multi = curl.pointer
    }

    // MARK: callers' side

    /// Hands a transfer to the curl thread, or answers at once if the task was already cancelled
    /// or the client is shutting down.
    func submit(_ transfer: Transfer, _ continuation: Transfer.Continuation) {
        let (refusal, wake): (UpstreamError?, Bool) = transfer.phase.withLock { phase in
            guard case .created = phase else {
                phase = .finished
                return (UpstreamError(kind: .cancelled, message: "task cancelled"), false)
            }
            // Enqueued under the phase lock, so a cancellation that sees `.submitted` is always
            // queued behind this submission.
            let (accepted, wake) = enqueue { $0.submissions.append(transfer) }
            phase = accepted ? .submitted(continuation) : .finished
            return (accepted ? nil : Self.shutDown, wake)
        }
        if wake { wakeUp() }
        if let refusal { continuation.resume(returning: .failure(refusal)) }
    }

    /// From the task's cancellation handler, on whatever thread cancelled it.
    func cancel(_ transfer: Transfer) {
        let wake = transfer.phase.withLock { phase -> Bool in
            switch phase {
            case .created: phase = .cancelledEarly
            case .submitted: return enqueue { $0.cancellations.append(transfer) }.wake
            case .cancelledEarly, .finished: break
            }
            return false
        }
        if wake { wakeUp() }
    }

    /// Stops a streamed transfer whose head its caller already has (so `cancel` would find it
    /// finished), from any thread. Stopping one that already ended does nothing — not even a
    /// wake-up of the curl thread, which every stream's end would otherwise cost.
    func cancelStream(_ transfer: Transfer) {
        if transfer.cancelStreamBeforeSubmit() == false { send { $0.cancellations.append(transfer) } }
    }

    /// A paused stream's reader drained its buffer: let curl receive again.
    func resume(_ transfer: Transfer) {
        send { $0.resumptions.append(transfer) }
    }

    /// Asks the thread to fail everything and exit; the caller then joins it.
    func stop() {
        send { $0.stopping = true }
    }

    private func send(_ change: (inout Inbox) -> Void) {
        if enqueue(change).wake { wakeUp() }
    }

    /// Runs `change` unless the loop is stopping, and says whether the caller must wake the
    /// thread (no wakeup is pending yet). The caller wakes it after releasing every lock: a
    /// syscall under a lock the curl thread also takes made the two threads (pinned to one CPU
    /// in the benchmarks) spin on each other.
    private func enqueue(_ change: (inout Inbox) -> Void) -> (accepted: Bool, wake: Bool) {
        inbox.withLock { box in
            guard !box.stopping else { return (false, false) }
            change(&box)
            guard !box.wakeupPending else { return (true, false) }
            box.wakeupPending = true
            // Counted under the lock, so the thread's cleanup (after `stopping`) can wait it out.
            wakersInFlight.add(1, ordering: .acquiringAndReleasing)
            return (true, true)
        }
    }

    private func wakeUp() {
        curl_multi_wakeup(multi)
        wakersInFlight.subtract(1, ordering: .acquiringAndReleasing)
    }

    static let shutDown = CurlMulti.shutDown
}
