#if canImport(Glibc)
import Glibc
#endif
import CCurl

/// The curl thread's side of the loop: everything here runs on that thread only.
extension TransferLoop {
    /// The thread's body: take new work, let curl move bytes, collect what finished, and sleep
    /// in curl_multi_poll until a socket, a curl timer or a wakeup needs us.
    func run() {
        var stillRunning: Int32 = 0
        // Swapped with the inbox's arrays, so draining it allocates nothing in steady state.
        var submissions: [Transfer] = []
        var cancellations: [Transfer] = []
        var resumptions: [Transfer] = []
        while true {
            let stopping = inbox.withLock { box in
                box.wakeupPending = false
                swap(&submissions, &box.submissions)
                swap(&cancellations, &box.cancellations)
                swap(&resumptions, &box.resumptions)
                return box.stopping
            }
            if stopping {
                for transfer in submissions { transfer.finish(.failure(Self.shutDown)) }
                break
            }
            for transfer in submissions { start(transfer) }
            for transfer in cancellations {
                complete(transfer, .failure(UpstreamError(kind: .cancelled, message: "task cancelled")))
            }
            for transfer in resumptions {
                // Unpausing may deliver the held bytes at once, from inside this call.
                if let easy = transfer.easy, running[easy.pointer] === transfer { easy.unpause() }
            }
            submissions.removeAll(keepingCapacity: true)
            cancellations.removeAll(keepingCapacity: true)
            resumptions.removeAll(keepingCapacity: true)

            let performed = curl_multi_perform(multi, &stillRunning)
            if performed != CURLM_OK { failAll(performed, "curl_multi_perform") }
            collectFinished()
            expireOverdueStreams()
            // curl shortens the wait to its next timer; the 1 s cap is only a safety net, and
            // running streams need their deadlines looked at every `deadlineCheckInterval`.
            let polled = curl_multi_poll(multi, nil, 0, streamsRunning > 0 ? Self.deadlineCheckMilliseconds : 1000, nil)
            if polled != CURLM_OK { failAll(polled, "curl_multi_poll") }
        }
        tearDown()
    }

    private func start(_ transfer: Transfer) {
        do throws(UpstreamError) {
            let easy: EasyHandle
            if let spare = spareHandles.popLast() { easy = spare } else { easy = try EasyHandle() }
            transfer.easy = easy
            try easy.prepare(for: transfer, settings: settings)
            running[easy.pointer] = transfer
            if transfer.stream != nil { streamsRunning += 1 }
            try UpstreamError.check(curl_multi_add_handle(multi, easy.pointer), "curl_multi_add_handle")
        } catch {
            if let easy = transfer.easy, running.removeValue(forKey: easy.pointer) != nil, transfer.stream != nil {
                streamsRunning -= 1
            }
            release(transfer)
            transfer.finish(.failure(error))
        }
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let transfer = running[handle], let easy = transfer.easy
            else { continue }
            let code = message.pointee.data.result
            do throws(UpstreamError) {
                guard code == CURLE_OK else {
                    throw UpstreamError(
                        code, detail: easy.errorText, bodyLimit: transfer.bodyLimit,
                        bodyRefused: transfer.bodyRefused)
                }
                complete(transfer, .success(try easy.response(body: transfer.body, headers: transfer.headers)))
            } catch {
                complete(transfer, .failure(error))
            }
        }
    }

    /// Takes a running transfer out of the multi and answers its caller. A cancellation that
    /// arrives after the transfer finished finds it gone and does nothing.
    private func complete(_ transfer: Transfer, _ outcome: Transfer.Outcome) {
        guard let easy = transfer.easy, running[easy.pointer] === transfer else { return }
        curl_multi_remove_handle(multi, easy.pointer)
        running[easy.pointer] = nil
        release(transfer)
        guard let stream = transfer.stream else {
            transfer.finish(outcome)
            return
        }
        streamsRunning -= 1
        // A stream's caller may not have its head yet (an error before it): that answers it;
        // otherwise the reader learns of the end through the buffer.
        switch outcome {
        case .success(let response):
            transfer.deliverHead(status: response.status, connectMicroseconds: response.connectMicroseconds)
            stream.end(nil)
        case .failure(let error):
            transfer.finish(.failure(error))
            stream.end(error)
        }
    }

    static let deadlineCheckMilliseconds: Int32 = 50

    /// Ends streams that went quiet for longer than their limit with `.timeout`; looked at no
    /// more often than every `deadlineCheckMilliseconds`.
    private func expireOverdueStreams() {
        guard streamsRunning > 0 else { return }
        let now = Monotonic.nanoseconds()
        guard now >= nextDeadlineCheck else { return }
        nextDeadlineCheck = now + UInt64(Self.deadlineCheckMilliseconds) * 1_000_000
        for transfer in Array(running.values) where transfer.stream?.isOverdue(now: now) == true {
            let what = transfer.headDelivered ? "no data" : "no answer"
            complete(transfer, .failure(UpstreamError(kind: .timeout, message: "\(what) from \(transfer.request.url) in time")))
        }
    }

    /// Returns the transfer's handle to the free list (or frees it when the list is full).
    private func release(_ transfer: Transfer) {
        guard let easy = transfer.easy else { return }
        transfer.easy = nil
        if spareHandles.count < settings.maxCachedConnections { spareHandles.append(easy) }
    }

    private func failAll(_ code: CURLMcode, _ operation: String) {
        do throws(UpstreamError) {
            try UpstreamError.check(code, operation)
        } catch {
            for transfer in Array(running.values) { complete(transfer, .failure(error)) }
        }
    }

    /// Fails what is still running, then frees curl: handles leave the multi before it is cleaned
    /// up. Runs once, as the curl thread's last act (or in init when the thread could not start).
    func tearDown() {
        for transfer in Array(running.values) { complete(transfer, .failure(Self.shutDown)) }
        // No new waker can start once `stopping` is set; the ones already started finish soon.
        while wakersInFlight.load(ordering: .acquiring) > 0 { sched_yield() }
        spareHandles.removeAll()
        curl_multi_cleanup(multi)
    }
}
