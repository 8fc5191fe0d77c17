import CCurl
import Synchronization

/// The CURLM multi handle and the one thread that drives it.
///
/// Callers talk to the thread only through `inbox` (under its lock) and curl_multi_wakeup, the
/// one multi call that is safe from any thread. Everything else (`running`, `spareHandles`, all
/// other curl calls) belongs to the curl thread; that split is why this is unchecked Sendable.
///
/// Runs on: the libcurl thread; callers on any thread reach it only through `inbox` and the wake-up.
final class TransferLoop: @unchecked Sendable {
    struct Inbox {
        var submissions: [Transfer] = []
        var cancellations: [Transfer] = []
        /// Paused streams whose readers caught up.
        var resumptions: [Transfer] = []
        var stopping = false
        /// A wakeup is on its way; more work needs no second one before the loop drains.
        var wakeupPending = false
    }

    let multi: UnsafeMutableRawPointer
    let settings: ClientSettings
    let inbox = Mutex(Inbox())

    // Curl thread only (see TransferLoop+Run).
    /// The transfers in the multi, by easy handle; this table is what keeps each one alive
    /// while curl may call back into it.
    var running: [UnsafeMutableRawPointer: Transfer] = [:]
    var spareHandles: [EasyHandle] = []
    /// Streamed transfers in `running`, whose deadlines the loop checks itself.
    var streamsRunning = 0
    var nextDeadlineCheck: UInt64 = 0

    init(settings: ClientSettings) throws(UpstreamError) {
        try CurlGlobal.initialize()
        guard let multi = curl_multi_init() else {
            throw UpstreamError(kind: .transport, message: "curl_multi_init failed")
        }
        self.multi = multi
        self.settings = settings
        do throws(UpstreamError) {
            // Over the per-host limit, curl queues transfers until a connection frees up.
            try UpstreamError.check(
                ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, settings.maxConnectionsPerHost),
                "CURLMOPT_MAX_HOST_CONNECTIONS")
            try UpstreamError.check(
                ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, settings.maxCachedConnections),
                "CURLMOPT_MAXCONNECTS")
        } catch {
            curl_multi_cleanup(multi)
            throw error
        }
    }

    // MARK: callers' side

    /// Hands a transfer to the curl thread, or answers at once if the task was already cancelled
    /// or the client is shutting down.
    func submit(_ transfer: Transfer, _ continuation: Transfer.Continuation) {
        let refusal: UpstreamError? = transfer.phase.withLock { phase in
            guard case .created = phase else {
                phase = .finished
                return UpstreamError(kind: .cancelled, message: "task cancelled")
            }
            // Enqueued under the phase lock, so a cancellation that sees `.submitted` is always
            // queued behind this submission.
            let accepted = enqueue { $0.submissions.append(transfer) }
            phase = accepted ? .submitted(continuation) : .finished
            return accepted ? nil : Self.shutDown
        }
        if let refusal { continuation.resume(returning: .failure(refusal)) }
    }

    /// From the task's cancellation handler, on whatever thread cancelled it.
    func cancel(_ transfer: Transfer) {
        transfer.phase.withLock { phase in
            switch phase {
            case .created: phase = .cancelledEarly
            case .submitted: _ = enqueue { $0.cancellations.append(transfer) }
            case .cancelledEarly, .finished: break
            }
        }
    }

    /// Stops a streamed transfer whose head its caller already has (so `cancel` would find it
    /// finished), from any thread. Stopping one that already ended does nothing.
    func cancelStream(_ transfer: Transfer) {
        guard transfer.stream != nil else { return }
        let early = transfer.phase.withLock { phase -> Bool in
            if case .created = phase {
                phase = .cancelledEarly
                return true
            }
            return false
        }
        if !early { _ = enqueue { $0.cancellations.append(transfer) } }
    }

    /// A paused stream's reader drained its buffer: let curl receive again.
    func resume(_ transfer: Transfer) {
        _ = enqueue { $0.resumptions.append(transfer) }
    }

    /// Asks the thread to fail everything and exit; the caller then joins it.
    func stop() {
        _ = enqueue { $0.stopping = true }
    }

    /// Runs `change` unless the loop is stopping, waking it if no wakeup is already pending.
    /// The wakeup is sent under the lock, so it cannot race the thread's cleanup of the multi.
    private func enqueue(_ change: (inout Inbox) -> Void) -> Bool {
        inbox.withLock { box in
            guard !box.stopping else { return false }
            change(&box)
            if !box.wakeupPending {
                box.wakeupPending = true
                curl_multi_wakeup(multi)
            }
            return true
        }
    }

    static let shutDown = UpstreamError(kind: .cancelled, message: "upstream client shut down")
}
