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
            for transfer in submissions { curl.start(transfer) }
            for transfer in cancellations {
                curl.complete(transfer, .failure(UpstreamError(kind: .cancelled, message: "task cancelled")))
            }
            for transfer in resumptions { curl.unpause(transfer) }
            submissions.removeAll(keepingCapacity: true)
            cancellations.removeAll(keepingCapacity: true)
            resumptions.removeAll(keepingCapacity: true)

            let performed = curl_multi_perform(curl.pointer, &stillRunning)
            if performed != CURLM_OK { curl.failAll(performed, "curl_multi_perform") }
            curl.collectFinished()
            curl.expireOverdueStreams()
            // curl shortens the wait to its next timer; the 1 s cap is only a safety net, and
            // running streams need their deadlines looked at every `deadlineCheckInterval`.
            let polled = curl_multi_poll(
                curl.pointer, nil, 0, curl.streamsRunning > 0 ? CurlMulti.deadlineCheckMilliseconds : 1000, nil)
            if polled != CURLM_OK { curl.failAll(polled, "curl_multi_poll") }
        }
        tearDown()
    }

    /// Fails what is still running, then frees curl: handles leave the multi before it is cleaned
    /// up. Runs once, as the curl thread's last act (or in init when the thread could not start).
    func tearDown() {
        curl.failAll(Self.shutDown)
        // No new waker can start once `stopping` is set; the ones already started finish soon.
        while wakersInFlight.load(ordering: .acquiring) > 0 { sched_yield() }
        curl.tearDown()
    }
}
