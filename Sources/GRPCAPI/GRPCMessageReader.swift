import GatewayHTTP

/// Cuts a request body into gRPC messages (1-byte compressed flag, 4-byte big-endian length,
/// payload). Message boundaries have nothing to do with DATA frame boundaries, so bytes are
/// buffered until a whole message is there; a declared length over the limit is refused
/// before any of it is buffered.
struct GRPCMessageReader {
    private var body: RequestBody.AsyncIterator
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    let maxMessageBytes: Int

    init(_ body: RequestBody, maxMessageBytes: Int) {
        self.body = body.makeAsyncIterator()
        self.maxMessageBytes = maxMessageBytes
    }

    private var available: Int { buffer.count - start }

    /// The next message, or nil when the client half-closed between messages.
    mutating func next() async throws(GRPCStatus) -> [UInt8]? {
        guard try await fill(5) else {
            if available == 0 { return nil }
            throw GRPCStatus(.internalError, "the request ended inside a message prefix")
        }
        let flag = buffer[start]
        let length = Int(buffer[start + 1]) << 24 | Int(buffer[start + 2]) << 16 | Int(buffer[start + 3]) << 8 | Int(buffer[start + 4])
        switch flag {
        case 0: break
        case 1: throw GRPCStatus(.internalError, "compressed message without a grpc-encoding")
        default: throw GRPCStatus(.internalError, "invalid message flag \(flag)")
        }
        guard length <= maxMessageBytes else {
            throw GRPCStatus(.resourceExhausted, "message of \(length) bytes exceeds the limit of \(maxMessageBytes)")
        }
        guard try await fill(5 + length) else {
            throw GRPCStatus(.internalError, "the request ended inside a message (\(available - 5) of \(length) bytes)")
        }
        let message = Array(buffer[(start + 5)..<(start + 5 + length)])
        start += 5 + length
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return message
    }

    /// Exactly one message, then the end: a unary or server-streaming request.
    mutating func single() async throws(GRPCStatus) -> [UInt8] {
        guard let m = try await next() else { throw GRPCStatus(.internalError, "the request carried no message") }
        guard try await next() == nil else { throw GRPCStatus(.internalError, "more than one message for a unary request") }
        return m
    }

    private mutating func fill(_ count: Int) async throws(GRPCStatus) -> Bool {
        while available < count {
            if ended { return false }
            let chunk: [UInt8]?
            do {
                chunk = try await body.next()
            } catch {
                if Task.isCancelled { throw GRPCStatus(.cancelled, "the call was cancelled") }
                throw GRPCStatus(.cancelled, "the request stream was reset")
            }
            guard let chunk else {
                ended = true
                return false
            }
            if start > 0 && start >= buffer.count / 2 {
                buffer.removeFirst(start)
                start = 0
            }
            buffer.append(contentsOf: chunk)
        }
        return true
    }
}

enum GRPCFrame {
    /// One uncompressed message with its 5-byte prefix.
    static func frame(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(5 + message.count)
        let n = UInt32(message.count)
        out.append(0)
        out.append(UInt8(n >> 24))
        out.append(UInt8(truncatingIfNeeded: n >> 16))
        out.append(UInt8(truncatingIfNeeded: n >> 8))
        out.append(UInt8(truncatingIfNeeded: n))
        out.append(contentsOf: message)
        return out
    }
}
