import GatewayHTTP

/// RFC 6455 frames in, whole messages and control frames out: bytes are fed as they arrive
/// (`receive`), events are pulled (`nextEvent`), so a caller can stop pulling (back-pressure)
/// and the unread bytes wait here. No I/O.
///
/// Everything a peer can make it hold is bounded before it is buffered: a data frame's length
/// is checked against `maxMessageBytes` (counting the fragments before it) as soon as its
/// header is in, a control frame's against 125 from its second byte. Text is validated as it
/// arrives, so bad UTF-8 fails at the first wrong byte, whatever the fragmentation.
///
/// The first error poisons the decoder (every later call throws it again); after a close frame
/// it yields nothing more (RFC 6455 §5.5.1: nothing may follow a close).
public struct WebSocketFrameDecoder: Sendable {
    /// Which side's frames are decoded: a server reads masked client frames and refuses
    /// unmasked ones (§5.1); a client reads unmasked server frames.
    public enum Role: Sendable {
        case server
        case client
    }

    public struct Configuration: Sendable {
        public var role: Role
        /// The largest message (all its fragments together) accepted; over → 1009.
        public var maxMessageBytes: Int

        public init(role: Role = .server, maxMessageBytes: Int = 1 << 20) {
            self.role = role
            self.maxMessageBytes = maxMessageBytes
        }
    }

    public enum Event: Sendable, Equatable {
        /// A complete data message, its fragments joined; text is valid UTF-8.
        case message(WebSocketMessage)
        case ping([UInt8])
        case pong([UInt8])
        /// The peer's close frame: its code (nil for an empty frame, which means 1005) and reason.
        case close(code: WebSocketCloseCode?, reason: String)
    }

    /// A frame whose header has been read and whose payload is still arriving.
    private struct Frame: Sendable {
        var opcode: WebSocketOpcode
        var fin: Bool
        var length: Int
        var mask: (UInt8, UInt8, UInt8, UInt8)?
        var read = 0
    }

    /// A text or binary message whose fragments are still arriving.
    private struct PartialMessage: Sendable {
        var isText: Bool
        var bytes: [UInt8] = []
        var utf8 = UTF8Validator()
    }

    public let configuration: Configuration
    private var buffer: [UInt8] = []
    private var start = 0
    private var frame: Frame?
    private var message: PartialMessage?
    private var control: [UInt8] = []
    private var failure: WebSocketProtocolError?
    private var closeReceived = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Bytes received but not yet decoded.
    public var bufferedBytes: Int { buffer.count - start }

    /// Adds bytes from the peer; `nextEvent` decodes them. Ignored after a close frame or an error.
    public mutating func receive(_ bytes: some Collection<UInt8>) {
        guard failure == nil, !closeReceived else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 128 * 1024)
            start = 0
        } else if start > 64 * 1024 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete event, or nil when more bytes are needed (or after a close frame).
    public mutating func nextEvent() throws(WebSocketProtocolError) -> Event? {
        if let failure { throw failure }
        do {
            return try decode()
        } catch {
            failure = error
            buffer = []
            start = 0
            throw error
        }
    }

    private mutating func decode() throws(WebSocketProtocolError) -> Event? {
        while !closeReceived {
            if frame == nil {
                guard let header = try readHeader() else { return nil }
                frame = header
            }
            try readPayload()
            guard let f = frame, f.read == f.length else { return nil }
            frame = nil
            if let event = try finish(f) { return event }
        }
        return nil
    }

    /// Parses a frame header once all of it is buffered; refuses what the first bytes already
    /// show to be wrong without waiting for the rest.
    private mutating func readHeader() throws(WebSocketProtocolError) -> Frame? {
        let available = buffer.count - start
        guard available >= 2 else { return nil }
        let b0 = buffer[start]
        let b1 = buffer[start + 1]
        let fin = b0 & 0x80 != 0
        guard b0 & 0x70 == 0 else { throw .protocolError("reserved bits set without an extension") }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else { throw .protocolError("reserved opcode") }
        let masked = b1 & 0x80 != 0
        let shortLength = Int(b1 & 0x7F)
        switch configuration.role {
        case .server: guard masked else { throw .protocolError("unmasked client frame") }
        case .client: guard !masked else { throw .protocolError("masked server frame") }
        }
        if opcode.isControl {
            guard fin else { throw .protocolError("fragmented control frame") }
            guard shortLength <= 125 else { throw .protocolError("control frame over 125 bytes") }
        } else if opcode == .continuation {
            guard message != nil else { throw .protocolError("continuation frame without a message to continue") }
        } else {
            guard message == nil else { throw .protocolError("new data frame inside a fragmented message") }
        }
        let extended = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
        let headerLength = 2 + extended + (masked ? 4 : 0)
        guard available >= headerLength else { return nil }
        var length = UInt64(shortLength)
        if extended > 0 {
            length = 0
            for i in 0..<extended { length = length << 8 | UInt64(buffer[start + 2 + i]) }
            guard length >> 63 == 0 else { throw .protocolError("payload length with the top bit set") }
        }
        if !opcode.isControl {
            let sofar = message?.bytes.count ?? 0
            guard length <= UInt64(max(0, configuration.maxMessageBytes - sofar)) else {
                throw WebSocketProtocolError(.messageTooBig, "message over \(configuration.maxMessageBytes) bytes")
            }
        }
        var mask: (UInt8, UInt8, UInt8, UInt8)?
        if masked {
            let m = start + 2 + extended
            mask = (buffer[m], buffer[m + 1], buffer[m + 2], buffer[m + 3])
        }
        start += headerLength
        if opcode == .text || opcode == .binary {
            message = PartialMessage(isText: opcode == .text)
        }
        if opcode.isControl { control.removeAll(keepingCapacity: true) }
        return Frame(opcode: opcode, fin: fin, length: Int(length), mask: mask)
    }

    /// Moves what has arrived of the current frame's payload to its message (or control)
    /// buffer, unmasked; text is validated on the way.
    private mutating func readPayload() throws(WebSocketProtocolError) {
        guard var f = frame else { return }
        let take = min(f.length - f.read, buffer.count - start)
        guard take > 0 else { return }
        let chunk = buffer[start..<(start + take)]
        if f.opcode.isControl {
            Self.appendUnmasked(chunk, mask: f.mask, offset: f.read, to: &control)
        } else {
            let from = message!.bytes.count
            Self.appendUnmasked(chunk, mask: f.mask, offset: f.read, to: &message!.bytes)
            if message!.isText {
                let added = message!.bytes[from...]
                guard message!.utf8.feed(added) else {
                    throw WebSocketProtocolError(.invalidPayload, "invalid UTF-8 in a text message")
                }
            }
        }
        start += take
        f.read += take
        frame = f
    }

    private static func appendUnmasked(_ chunk: ArraySlice<UInt8>, mask: (UInt8, UInt8, UInt8, UInt8)?, offset: Int,
                                       to out: inout [UInt8]) {
        let base = out.count
        out.append(contentsOf: chunk)
        guard let mask else { return }
        // The key as one word, rotated to where this chunk starts in the frame's payload.
        let word = UInt32(mask.0) | UInt32(mask.1) << 8 | UInt32(mask.2) << 16 | UInt32(mask.3) << 24
        let shift = UInt32((offset & 3) * 8)
        var key = shift == 0 ? word : word >> shift | word << (32 - shift)
        out.withUnsafeMutableBufferPointer { p in
            for i in base..<p.count {
                p[i] ^= UInt8(truncatingIfNeeded: key)
                key = key >> 8 | key << 24
            }
        }
    }

    /// A frame is complete: the event it makes, if any (a non-final fragment makes none).
    private mutating func finish(_ f: Frame) throws(WebSocketProtocolError) -> Event? {
        switch f.opcode {
        case .continuation, .text, .binary:
            guard f.fin, let m = message else { return nil }
            message = nil
            if m.isText {
                guard m.utf8.isComplete else {
                    throw WebSocketProtocolError(.invalidPayload, "text message ends inside a UTF-8 sequence")
                }
                return .message(.text(String(decoding: m.bytes, as: UTF8.self)))
            }
            return .message(.binary(m.bytes))
        case .ping:
            return .ping(control)
        case .pong:
            return .pong(control)
        case .close:
            let event = try Self.closeEvent(control)
            closeReceived = true
            buffer = []
            start = 0
            return event
        }
    }

    /// A close frame's payload: empty, or a code the wire allows and a UTF-8 reason (§5.5.1, §7.4).
    static func closeEvent(_ payload: [UInt8]) throws(WebSocketProtocolError) -> Event {
        if payload.isEmpty { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { throw .protocolError("close frame with a 1-byte payload") }
        let code = WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isAllowedOnWire else { throw .protocolError("close code \(code.rawValue) is not allowed on the wire") }
        let reason = payload[2...]
        guard UTF8Validator.isValid(reason) else {
            throw WebSocketProtocolError(.invalidPayload, "invalid UTF-8 in a close reason")
        }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }
}
