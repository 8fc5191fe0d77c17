import CCurl

/// curl's write and header callbacks. curl calls them with CURLOPT_WRITEDATA/HEADERDATA, which is
/// the transfer, unretained: the loop's table of running transfers holds it for exactly as long
/// as its handle is in the multi, which is the only time curl calls back. Neither callback calls
/// into curl or the caller, so nothing can re-enter.
extension Transfer {
    typealias Callback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

    static let onBody: Callback = { data, size, count, userData in
        guard let userData else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(userData).takeUnretainedValue()
        return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let onHeader: Callback = { data, size, count, userData in
        guard let userData else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(userData).takeUnretainedValue()
        transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
        return size * count
    }

    /// Returns what it took; anything short of `chunk.count` makes curl abort with a write error,
    /// and CURL_WRITEFUNC_PAUSE pauses a stream whose reader is behind (curl keeps the chunk).
    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        if let stream {
            if !headDelivered, let easy { deliverHead(status: easy.responseCode, connectMicroseconds: easy.connectMicroseconds) }
            return stream.push(chunk, now: Monotonic.nanoseconds()) ? chunk.count : Int(CURL_WRITEFUNC_PAUSE)
        }
        if chunk.count > bodyLimit - body.count {
            bodyRefused = true
            return 0
        }
        if body.isEmpty, let length = easy?.expectedBodyLength, length > chunk.count, length <= bodyLimit {
            // One allocation for a body of announced size instead of log2(size) regrowths.
            body.reserveCapacity(length)
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    private func receiveHeader(_ line: UnsafeRawBufferPointer) {
        switch line.withMemoryRebound(to: UInt8.self, { HeaderLine($0) }) {
        case .statusLine:
            headers.removeAll(keepingCapacity: true)
        case .field(let name, let value):
            headers.append((name, value))
        case .continuation(let more):
            if !headers.isEmpty { headers[headers.count - 1].1 += " " + more }
        case .end, .malformed:
            // A streamed transfer's caller gets the head with the first body bytes (or the end):
            // waking it for the head alone would cost a second hop to its thread for nothing, as
            // what it waits for is the first chunk.
            break
        }
    }
}
