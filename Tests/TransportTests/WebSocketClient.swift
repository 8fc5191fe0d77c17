#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A blocking WebSocket client over `RawClient` with its own small framer, so the tests check
/// the server's bytes against an independent reading of RFC 6455, not against its own codec.
final class WebSocketTestClient {
    struct Frame: Equatable {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]

        var text: String { String(decoding: payload, as: UTF8.self) }
        /// A close frame's code, if it has one.
        var closeCode: UInt16? { payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil }
    }

    let raw: RawClient
    private(set) var response: RawResponse
    private var buffer: [UInt8] = []

    static let rfcKey = "dGhlIHNhbXBsZSBub25jZQ=="

    /// Connects and sends the opening handshake (plus `thenSend`, written right behind it);
    /// reads the answer's head. `response.status` is 101 when the upgrade was accepted.
    init(port: Int, path: String = "/ws", extraHeaders: String = "", thenSend: [UInt8] = [], receiveTimeout: Double = 5) throws {
        let raw = try RawClient(port: port, receiveTimeout: receiveTimeout)
        self.raw = raw
        let request = "GET \(path) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(Self.rfcKey)\r\nSec-WebSocket-Version: 13\r\n\(extraHeaders)\r\n"
        raw.send(Array(request.utf8) + thenSend)
        var head: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        // A 101 ends at its blank line (frames may follow at once); anything else has a body.
        while true {
            if let end = RawResponse.find(head, Array("\r\n\r\n".utf8), from: 0) {
                if head.starts(with: Array("HTTP/1.1 101 ".utf8)) {
                    response = RawResponse.parse(Array(head[..<(end + 4)]))!.0
                    buffer = Array(head[(end + 4)...])
                    return
                }
                if let (r, used) = RawResponse.parse(head) {
                    response = r
                    buffer = Array(head[used...])
                    return
                }
            }
            let n = buf.withUnsafeMutableBytes { recv(raw.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { throw RawClient.ClientError.timedOut }
            head.append(contentsOf: buf[0..<n])
        }
    }

    /// A masked client frame.
    static func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count <= 125 {
            out.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        guard masked else { return out + payload }
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        out += key
        for (i, b) in payload.enumerated() { out.append(b ^ key[i & 3]) }
        return out
    }

    static func text(_ s: String, fin: Bool = true) -> [UInt8] { frame(0x1, Array(s.utf8), fin: fin) }
    static func close(_ code: UInt16?, _ reason: String = "") -> [UInt8] {
        guard let code else { return frame(0x8, []) }
        return frame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    func send(_ bytes: [UInt8]) { raw.send(bytes) }

    /// The next server frame; nil when the server closed the connection (or the read timed out).
    func readFrame() -> Frame? {
        while true {
            if let (f, used) = Self.parse(buffer) {
                buffer.removeFirst(used)
                return f
            }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = buf.withUnsafeMutableBytes { recv(raw.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buffer.append(contentsOf: buf[0..<n])
        }
    }

    /// Frames until the server closes the TCP connection; `closed` is false after a timeout.
    func readUntilClosed() -> (frames: [Frame], closed: Bool) {
        var frames: [Frame] = []
        while let f = readFrame() { frames.append(f) }
        let (rest, closed) = raw.readUntilClosed()
        return (frames, closed && rest.isEmpty)
    }

    /// Server frames are never masked; a masked one fails the parse (the test then times out).
    static func parse(_ b: [UInt8]) -> (Frame, Int)? {
        guard b.count >= 2, b[1] & 0x80 == 0 else { return nil }
        var length = Int(b[1] & 0x7F)
        var pos = 2
        if length == 126 {
            guard b.count >= 4 else { return nil }
            length = Int(b[2]) << 8 | Int(b[3])
            pos = 4
        } else if length == 127 {
            guard b.count >= 10 else { return nil }
            length = b[2..<10].reduce(0) { $0 << 8 | Int($1) }
            pos = 10
        }
        guard b.count >= pos + length else { return nil }
        return (Frame(fin: b[0] & 0x80 != 0, opcode: b[0] & 0x0F, payload: Array(b[pos..<(pos + length)])), pos + length)
    }
}
