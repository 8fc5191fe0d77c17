import CCurl

/// A CURLM multi handle and the transfers in it: starting them, collecting the finished ones,
/// answering their callers, holding streams to their deadlines. Driven by one thread at a time,
/// either the libcurl thread (`TransferLoop`, with curl_multi_poll) or an event loop
/// (`LoopTransfers`, with multi_socket); this type only keeps the books.
///
/// Runs on: its driver's thread only.
final class CurlMulti {
    let pointer: UnsafeMutableRawPointer
    let settings: ClientSettings
    /// The transfers in the multi, by easy handle; this table is what keeps each one alive
    /// while curl may call back into it.
    private(set) var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var spareHandles: [EasyHandle] = []
    /// Streamed transfers in `running`, whose deadlines the driver checks itself.
    private(set) var streamsRunning = 0
    private var nextDeadlineCheck: UInt64 = 0

    static let deadlineCheckMilliseconds: Int32 = 50
    static let shutDown = UpstreamError(kind: .cancelled, message: "upstream client shut down")

    init(settings: ClientSettings) throws(UpstreamError) {
        try CurlGlobal.initialize()
        guard let multi = curl_multi_init() else {
            throw UpstreamError(kind: .transport, message: "curl_multi_init failed")
        }
        self.pointer = multi
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

    /// Puts a transfer into the multi, or answers its caller with the reason it could not.
    func start(_ transfer: Transfer) {
        do throws(UpstreamError) {
            let easy: EasyHandle
            if let spare = spareHandles.popLast() { easy = spare } else { easy = try EasyHandle() }
            transfer.easy = easy
            try easy.prepare(for: transfer, settings: settings)
            running[easy.pointer] = transfer
            if transfer.stream != nil { streamsRunning += 1 }
            try UpstreamError.check(curl_multi_add_handle(pointer, easy.pointer), "curl_multi_add_handle")
        } catch {
            if let easy = transfer.easy, running.removeValue(forKey: easy.pointer) != nil, transfer.stream != nil {
                streamsRunning -= 1
            }
            release(transfer)
            transfer.finish(.failure(error))
        }
    }

    /// Lets a paused stream receive again (its reader caught up). Unpausing may deliver the held
    /// bytes at once, from inside this call.
    func unpause(_ transfer: Transfer) {
        if let easy = transfer.easy, running[easy.pointer] === transfer { easy.unpause() }
    }

    /// Answers the callers of every transfer curl reports done.
    func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(pointer, &left) {
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
    func complete(_ transfer: Transfer, _ outcome: Transfer.Outcome) {
        guard let easy = transfer.easy, running[easy.pointer] === transfer else { return }
        curl_multi_remove_handle(pointer, easy.pointer)
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

    /// Ends streams that went quiet for longer than their limit with `.timeout`; looked at no
    /// more often than every `deadlineCheckMilliseconds`.
    func expireOverdueStreams() {
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

    /// Fails every running transfer unless `code` is success.
    func failAll(_ code: CURLMcode, _ operation: String) {
        do throws(UpstreamError) {
            try UpstreamError.check(code, operation)
        } catch {
            failAll(error)
        }
    }

    func failAll(_ error: UpstreamError) {
        for transfer in Array(running.values) { complete(transfer, .failure(error)) }
    }

    /// Fails what is still running, then frees curl: handles leave the multi before it is
    /// cleaned up. The last call on this object.
    func tearDown() {
        failAll(Self.shutDown)
        spareHandles.removeAll()
        curl_multi_cleanup(pointer)
    }
}
