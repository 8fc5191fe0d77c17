import GatewayHTTP

/// Frames for the wire (RFC 6455 §5.2): a server's are unmasked; a client's (tests, the fuzz
/// target) carry the masking key given. Always the shortest length encoding. No I/O.
public enum WebSocketFrameEncoder {
    /// The largest close reason: a control payload is at most 125 bytes, two of them the code.
    public static let maxCloseReasonBytes = 123

    /// One frame. Control payloads over 125 bytes are the caller's mistake (they are not cut).
    public static func frame(_ opcode: WebSocketOpcode, payload: some Collection<UInt8>, fin: Bool = true,
                             maskingKey: [UInt8]? = nil) -> [UInt8] {
        let count = payload.count
        var out: [UInt8] = []
        out.reserveCapacity(count + 14)
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        if count <= 125 {
            out.append(maskBit | UInt8(count))
        } else if count <= 0xFFFF {
            out.append(maskBit | 126)
            out.append(UInt8(count >> 8))
            out.append(UInt8(truncatingIfNeeded: count))
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: UInt64(count) >> UInt64(shift))) }
        }
        guard let key = maskingKey, key.count == 4 else {
            out.append(contentsOf: payload)
            return out
        }
        out.append(contentsOf: key)
        var k = 0
        for byte in payload {
            out.append(byte ^ key[k])
            k = (k + 1) & 3
        }
        return out
    }

    /// A whole data message in one frame.
    public static func message(_ message: WebSocketMessage, maskingKey: [UInt8]? = nil) -> [UInt8] {
        switch message {
        case .text(let s): frame(.text, payload: s.utf8, maskingKey: maskingKey)
        case .binary(let b): frame(.binary, payload: b, maskingKey: maskingKey)
        }
    }

    public static func ping(_ payload: [UInt8], maskingKey: [UInt8]? = nil) -> [UInt8] {
        frame(.ping, payload: payload.prefix(125), maskingKey: maskingKey)
    }

    public static func pong(_ payload: [UInt8], maskingKey: [UInt8]? = nil) -> [UInt8] {
        frame(.pong, payload: payload.prefix(125), maskingKey: maskingKey)
    }

    /// A close frame: empty without a code, else the code and the reason cut to 123 bytes at a
    /// character boundary.
    public static func close(code: WebSocketCloseCode?, reason: String = "", maskingKey: [UInt8]? = nil) -> [UInt8] {
        guard let code else { return frame(.close, payload: [], maskingKey: maskingKey) }
        var payload: [UInt8] = [UInt8(code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        payload.append(contentsOf: truncated(reason))
        return frame(.close, payload: payload, maskingKey: maskingKey)
    }

    /// At most `maxCloseReasonBytes` of `reason`'s UTF-8, never half a character.
    static func truncated(_ reason: String) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in reason.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if out.count + bytes.count > maxCloseReasonBytes { break }
            out += bytes
        }
        return out
    }
}
