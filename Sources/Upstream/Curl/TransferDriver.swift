/// What a caller's side needs of whoever runs its transfer (the libcurl thread's `TransferLoop`
/// or an event loop's `LoopTransfers`): stopping it and resuming a paused stream.
///
/// Runs on: any thread; each driver gets the request onto its own thread.
protocol TransferDriver: AnyObject, Sendable {
    /// From the task's cancellation handler, on whatever thread cancelled it.
    func cancel(_ transfer: Transfer)
    /// Stops a streamed transfer whose head its caller already has, from any thread.
    func cancelStream(_ transfer: Transfer)
    /// A paused stream's reader drained its buffer: let curl receive again.
    func resume(_ transfer: Transfer)
}
