import GatewayHTTP
import Testing

@testable import WebSocket

@Suite struct UTF8ValidatorTests {
    static let valid: [[UInt8]] = [
        [], Array("plain ascii".utf8), Array("κόσμε".utf8), [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80],
        [0xED, 0x9F, 0xBF],              // U+D7FF, last before the surrogates
        [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
        [0xF4, 0x8F, 0xBF, 0xBF],        // U+10FFFF
        Array("𝄞 and 😀, 中文".utf8), [0x00],
    ]

    static let invalid: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF],      // stray continuation, overlong 2-byte
        [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],          // overlong 3-byte
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],          // UTF-16 surrogates
        [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong 4-byte
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE],  // above U+10FFFF
        [0xC2, 0x41], [0xE1, 0x80, 0x41], [0xF1, 0x80, 0x80, 0x41],          // sequence cut by ASCII
        [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64],
    ]

    static let truncated: [[UInt8]] = [[0xC2], [0xE0, 0xA0], [0xF0, 0x90, 0x80], [0xF4], Array("ok".utf8) + [0xE2, 0x82]]

    @Test(arguments: valid)
    func validIsAccepted(_ bytes: [UInt8]) {
        #expect(UTF8Validator.isValid(bytes))
    }

    @Test(arguments: invalid + truncated)
    func invalidIsRefused(_ bytes: [UInt8]) {
        #expect(!UTF8Validator.isValid(bytes))
    }

    @Test(arguments: truncated)
    func aCutOffCharacterIsIncompleteNotWrong(_ bytes: [UInt8]) {
        var v = UTF8Validator()
        let accepted = v.feed(bytes)
        #expect(accepted)
        #expect(!v.isComplete)
    }

    @Test func agreesWithTheStandardLibraryOnEveryTwoByteSequence() {
        for a in 0...255 {
            for b in 0...255 {
                let bytes = [UInt8(a), UInt8(b)]
                let swift = String(validating: bytes, as: UTF8.self) != nil
                #expect(UTF8Validator.isValid(bytes) == swift, "\(bytes)")
            }
        }
    }

    // MARK: through the decoder, split across fragments and reads

    /// `bytes` as a text message cut into fragments at `cut` (and at every read size).
    static func fragmented(_ bytes: [UInt8], at cut: Int) -> [UInt8] {
        Client.frame(.text, Array(bytes[..<cut]), fin: false) + Client.ping() + Client.frame(.continuation, Array(bytes[cut...]))
    }

    @Test(arguments: valid)
    func validTextSplitAnywhereIsOneMessage(_ bytes: [UInt8]) {
        for cut in 0...bytes.count {
            for step in [0, 1, 3] {
                let got = Outcome.decode(Self.fragmented(bytes, at: cut), step: step)
                #expect(got == Outcome(events: [.ping([]), .message(.text(String(decoding: bytes, as: UTF8.self)))]))
            }
        }
    }

    @Test(arguments: invalid + truncated)
    func invalidTextSplitAnywhereIs1007(_ bytes: [UInt8]) {
        for cut in 0...bytes.count {
            for step in [0, 1, 3] {
                let got = Outcome.decode(Self.fragmented(bytes, at: cut), step: step)
                #expect(got.error?.closeCode == .invalidPayload, "cut \(cut) step \(step): \(got)")
            }
        }
    }

    @Test func invalidTextFailsAtTheFirstBadByteNotAtTheEnd() throws {
        var d = WebSocketFrameDecoder()
        // The first fragment already holds a surrogate; the message never finishes.
        d.receive(Client.frame(.text, [0x61, 0xED, 0xA0, 0x80], fin: false))
        let error = #expect(throws: WebSocketProtocolError.self) { try d.nextEvent() }
        #expect(error?.closeCode == .invalidPayload)
    }

    @Test func binaryIsNotValidated() {
        #expect(Outcome.decode(Client.binary([0xFF, 0xED, 0xA0, 0x80])) == Outcome(events: [.message(.binary([0xFF, 0xED, 0xA0, 0x80]))]))
    }
}
