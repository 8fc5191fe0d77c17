import GatewayHTTP

@testable import WebSocket

/// Client frames for the server-side decoder (masked with RFC 6455 §5.7's key unless told).
enum Client {
    static let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    static func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, key: [UInt8]? = Client.key) -> [UInt8] {
        WebSocketFrameEncoder.frame(opcode, payload: payload, fin: fin, maskingKey: key)
    }

    static func text(_ s: String, fin: Bool = true) -> [UInt8] { frame(.text, Array(s.utf8), fin: fin) }
    static func binary(_ b: [UInt8], fin: Bool = true) -> [UInt8] { frame(.binary, b, fin: fin) }
    static func more(_ b: [UInt8], fin: Bool = true) -> [UInt8] { frame(.continuation, b, fin: fin) }
    static func ping(_ s: String = "") -> [UInt8] { frame(.ping, Array(s.utf8)) }
    static func pong(_ s: String = "") -> [UInt8] { frame(.pong, Array(s.utf8)) }
    static func close(_ code: UInt16?, _ reason: [UInt8] = []) -> [UInt8] {
        guard let code else { return frame(.close, []) }
        return frame(.close, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    /// A raw header byte pair plus a masked payload, for frames the encoder would not make.
    static func raw(_ b0: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var f = frame(.binary, payload)
        f[0] = b0
        return f
    }
}

/// What decoding a byte stream gave.
struct Outcome: Equatable, CustomStringConvertible {
    var events: [WebSocketFrameDecoder.Event] = []
    var error: WebSocketProtocolError?

    var description: String { "events \(events), error \(error.map(String.init(describing:)) ?? "none")" }

    /// Decodes `bytes` fed in pieces of `step` bytes (0: all at once), pulling every event.
    static func decode(_ bytes: [UInt8], step: Int = 0, role: WebSocketFrameDecoder.Role = .server,
                       limit: Int = 1 << 20) -> Outcome {
        var d = WebSocketFrameDecoder(configuration: .init(role: role, maxMessageBytes: limit))
        var out = Outcome()
        var i = 0
        repeat {
            let end = step == 0 ? bytes.count : min(bytes.count, i + step)
            d.receive(bytes[i..<end])
            i = end
            do {
                while let e = try d.nextEvent() { out.events.append(e) }
            } catch {
                out.error = error
                return out
            }
        } while i < bytes.count
        return out
    }
}
