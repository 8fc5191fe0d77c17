import GatewayHTTP
import Testing

@testable import WebSocket

@Suite struct WebSocketFrameEncoderTests {
    @Test func serverFramesAreUnmaskedWithFIN() {
        #expect(WebSocketFrameEncoder.message(.text("Hello")) == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(WebSocketFrameEncoder.message(.binary([1, 2])) == [0x82, 0x02, 1, 2])
        #expect(WebSocketFrameEncoder.ping(Array("Hello".utf8)) == [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(WebSocketFrameEncoder.pong([]) == [0x8A, 0x00])
    }

    @Test(arguments: [0, 1, 125, 126, 127, 65535, 65536, 100_000])
    func lengthsRoundTripThroughAClientDecoder(_ n: Int) {
        let payload = (0..<n).map { UInt8(truncatingIfNeeded: $0) }
        let frame = WebSocketFrameEncoder.message(.binary(payload))
        let header = n <= 125 ? 2 : n <= 65535 ? 4 : 10
        #expect(frame.count == header + n)
        #expect(Outcome.decode(frame, step: 4096, role: .client) == Outcome(events: [.message(.binary(payload))]))
    }

    @Test func closeFrames() {
        #expect(WebSocketFrameEncoder.close(code: nil) == [0x88, 0x00])
        #expect(WebSocketFrameEncoder.close(code: .normalClosure) == [0x88, 0x02, 0x03, 0xE8])
        #expect(WebSocketFrameEncoder.close(code: .messageTooBig, reason: "big") == [0x88, 0x05, 0x03, 0xF1, 0x62, 0x69, 0x67])
    }

    @Test func closeReasonIsCutAtACharacterBoundary() {
        let reason = String(repeating: "é", count: 100)  // 200 bytes
        let frame = WebSocketFrameEncoder.close(code: .goingAway, reason: reason)
        #expect(frame[1] == 2 + 122)  // 61 whole "é", not 61.5
        #expect(Outcome.decode(frame, role: .client) == Outcome(events: [.close(code: .goingAway, reason: String(repeating: "é", count: 61))]))
    }

    @Test func controlPayloadsAreCappedAt125() {
        #expect(WebSocketFrameEncoder.ping([UInt8](repeating: 0, count: 200)).count == 2 + 125)
    }

    @Test func maskedClientFramesDecodeOnTheServer() {
        let text = "masked → server"
        let frame = WebSocketFrameEncoder.message(.text(text), maskingKey: [9, 8, 7, 6])
        #expect(frame[1] & 0x80 != 0)
        #expect(Outcome.decode(frame) == Outcome(events: [.message(.text(text))]))
    }

    @Test func closeCodesOnTheWire() {
        let allowed = (0...5000).filter { WebSocketCloseCode(UInt16($0)).isAllowedOnWire }
        #expect(allowed == Array(1000...1003) + Array(1007...1014) + Array(3000...4999))
    }
}
