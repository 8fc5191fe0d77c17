/// What a caller's side needs of whoever runs its transfer (the libcurl thread's `TransferLoop`
/// or an event loop's `LoopTransfers`): stopping it and resuming a paused stream.
///
/// Runs on: any thread; each driver gets the request onto its own thread.
protocol TransferDriver: AnyObject, Sendable {
    /// Starts the transfer on the driver's thread, or answers at once when the task was already
    /// cancelled or the driver is shutting down; `continuation` is resumed exactly once.
    func submit(_ transfer: Transfer, _ continuation: Transfer.Continuation)
    /// From the task's cancellation handler, on whatever thread cancelled it.
    func cancel(_ transfer: Transfer)
    /// Stops a streamed transfer whose head its caller already has, from any thread.
    func cancelStream(_ transfer: Transfer)
    /// A paused stream's reader drained its buffer: let curl receive again.
    func resume(_ transfer: Transfer)
}

extension TransferDriver {
    /// Runs `transfer` to its answer (a streamed one: to its head). Cancelling the calling task
    /// takes it out of curl at once and answers `.cancelled`.
    func run(_ transfer: Transfer) async -> Transfer.Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                submit(transfer, continuation)
            }
        } onCancel: {
            cancel(transfer)
        }
    }
}

extension Transfer {
    /// For `cancelStream`: a stream still running, not yet handed over, is marked so `submit`
    /// answers it at once (true); false when there is nothing to stop or the driver must stop it.
    /// Nil: the stream already ended, so stopping it costs nothing — not even a wake-up.
    func cancelStreamBeforeSubmit() -> Bool? {
        guard let stream, !stream.isEnded else { return nil }
        return phase.withLock { phase -> Bool in
            if case .created = phase {
                phase = .cancelledEarly
                return true
            }
            return false
        }
    }
}
