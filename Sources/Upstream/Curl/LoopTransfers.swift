import CCurl
import LoopInterface

/// One event loop's upstream transfers: a curl multi handle driven by that loop's epoll and
/// timers through curl's multi_socket API (CURLMOPT_SOCKETFUNCTION registers curl's sockets with
/// the loop, CURLMOPT_TIMERFUNCTION arms a loop timer, readiness and timeouts go back through
/// curl_multi_socket_action). A call made on the loop is started, moved and answered on the loop's
/// thread: its caller's task, whose executor is that loop, resumes with no thread hop and no wake-up.
///
/// The multi and its books (`curl`) are touched on the loop's thread only; other threads reach them
/// through `loop.execute`. Curl's callbacks run inside curl_multi_socket_action (or add_handle) on
/// that thread and only record: they never call back into curl.
///
/// Runs on: its event loop's thread; `cancel`, `cancelStream` and `resume` from any thread (they
/// hop onto the loop).
final class LoopTransfers: TransferDriver, @unchecked Sendable {
    let loop: any IOLoop
    private let curl: CurlMulti
    /// curl's own timer (CURLMOPT_TIMERFUNCTION).
    private var curlTimer: LoopTimer?
    /// Running streams' first-byte and idle limits, looked at every `deadlineCheckMilliseconds`.
    private var deadlineTimer: LoopTimer?
    private var stopped = false

    /// On the loop's thread. The object lives as long as the client (curl holds it unretained).
    init(loop: any IOLoop, settings: ClientSettings) throws(UpstreamError) {
        self.loop = loop
        curl = try CurlMulti(settings: settings)
        let timer = LoopTimer { [unowned self] in self.act(on: ccurl_socket_timeout(), ready: 0) }
        let deadlines = LoopTimer { [unowned self] in self.checkDeadlines() }
        curlTimer = timer
        deadlineTimer = deadlines
        loop.add(timer)
        loop.add(deadlines)
        let me = Unmanaged.passUnretained(self).toOpaque()
        do throws(UpstreamError) {
            try UpstreamError.check(
                ccurl_multi_setopt_socket_function(curl.pointer, Self.onSocket, me), "CURLMOPT_SOCKETFUNCTION")
            try UpstreamError.check(
                ccurl_multi_setopt_timer_function(curl.pointer, Self.onTimer, me), "CURLMOPT_TIMERFUNCTION")
        } catch {
            loop.remove(timer)
            loop.remove(deadlines)
            curl.tearDown()
            throw error
        }
    }

    // MARK: callers' side

    /// Starts a transfer from the loop's thread (from any other it hops there first), or answers at
    /// once if the task was already cancelled or the client shut down.
    func submit(_ transfer: Transfer, _ continuation: Transfer.Continuation) {
        let accepted: Bool = transfer.phase.withLock { phase in
            guard case .created = phase else {
                phase = .finished
                return false
            }
            phase = .submitted(continuation)
            return true
        }
        guard accepted else {
            continuation.resume(returning: .failure(UpstreamError(kind: .cancelled, message: "task cancelled")))
            return
        }
        if loop.inEventLoop {
            start(transfer)
        } else {
            loop.execute { [self] in start(transfer) }
        }
    }

    func cancel(_ transfer: Transfer) {
        let submitted = transfer.phase.withLock { phase -> Bool in
            switch phase {
            case .created: phase = .cancelledEarly
            case .submitted: return true
            case .cancelledEarly, .finished: break
            }
            return false
        }
        if submitted { stop(transfer) }
    }

    func cancelStream(_ transfer: Transfer) {
        if transfer.cancelStreamBeforeSubmit() == false { stop(transfer) }
    }

    func resume(_ transfer: Transfer) {
        // Never inline: the reader may be inside a curl callback's consequences on this thread.
        loop.execute { [self] in
            curl.unpause(transfer)
            afterAction()
        }
    }

    /// Fails every running transfer and frees curl. On the loop; later calls fail at once.
    func shutDown() {
        guard !stopped else { return }
        stopped = true
        if let curlTimer { loop.remove(curlTimer) }
        if let deadlineTimer { loop.remove(deadlineTimer) }
        curl.tearDown()
    }

    /// Takes a transfer out of curl on the loop, after the current event (the canceller may be
    /// on the loop, even inside something curl called).
    private func stop(_ transfer: Transfer) {
        loop.execute { [self] in
            guard !stopped else { return }
            curl.complete(transfer, .failure(UpstreamError(kind: .cancelled, message: "task cancelled")))
        }
    }

    // MARK: the loop's side

    private func start(_ transfer: Transfer) {
        guard !stopped else {
            transfer.finish(.failure(CurlMulti.shutDown))
            return
        }
        // curl arms its timer from inside add_handle (timeout 0); the transfer begins when it fires,
        // right after the current event.
        curl.start(transfer)
        if transfer.stream != nil, deadlineTimer?.deadline == nil {
            deadlineTimer?.schedule(afterMilliseconds: Int(CurlMulti.deadlineCheckMilliseconds))
        }
    }

    /// A watched socket is ready (or curl's timer fired: `CURL_SOCKET_TIMEOUT`).
    private func act(on fd: curl_socket_t, ready: Int32) {
        guard !stopped else { return }
        var stillRunning: Int32 = 0
        let code = curl_multi_socket_action(curl.pointer, fd, ready, &stillRunning)
        if code != CURLM_OK { curl.failAll(code, "curl_multi_socket_action") }
        afterAction()
    }

    private func afterAction() {
        guard !stopped else { return }
        curl.collectFinished()
    }

    private func checkDeadlines() {
        guard !stopped else { return }
        curl.expireOverdueStreams()
        if curl.streamsRunning > 0 {
            deadlineTimer?.schedule(afterMilliseconds: Int(CurlMulti.deadlineCheckMilliseconds))
        }
    }

    private func socketChanged(_ fd: curl_socket_t, what: Int32) {
        switch what {
        case Int32(CURL_POLL_REMOVE):
            loop.unwatch(fd)
        default:
            var interest: IOInterest = []
            if what & Int32(CURL_POLL_IN) != 0 { interest.insert(.readable) }
            if what & Int32(CURL_POLL_OUT) != 0 { interest.insert(.writable) }
            loop.watch(fd, interest: interest) { [unowned self] ready in
                var mask: Int32 = 0
                if ready.contains(.readable) { mask |= Int32(CURL_CSELECT_IN) }
                if ready.contains(.writable) { mask |= Int32(CURL_CSELECT_OUT) }
                if ready.contains(.failed) { mask |= Int32(CURL_CSELECT_ERR) }
                act(on: fd, ready: mask)
            }
        }
    }

    private func timerChanged(milliseconds: Int) {
        if milliseconds < 0 { curlTimer?.cancel() } else { curlTimer?.schedule(afterMilliseconds: milliseconds) }
    }

    // MARK: curl's callbacks (inside curl calls on the loop; they only record)

    private static let onSocket: curl_socket_callback = { _, fd, what, userData, _ in
        guard let userData else { return -1 }
        Unmanaged<LoopTransfers>.fromOpaque(userData).takeUnretainedValue().socketChanged(fd, what: what)
        return 0
    }

    private static let onTimer: curl_multi_timer_callback = { _, milliseconds, userData in
        guard let userData else { return -1 }
        Unmanaged<LoopTransfers>.fromOpaque(userData).takeUnretainedValue().timerChanged(milliseconds: milliseconds)
        return 0
    }
}
