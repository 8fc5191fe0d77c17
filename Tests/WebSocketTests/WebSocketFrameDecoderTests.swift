import GatewayHTTP
import Testing

@testable import WebSocket

@Suite struct WebSocketFrameDecoderTests {
    /// The outcome must not depend on how the bytes were split into reads.
    static func expect(_ bytes: [UInt8], role: WebSocketFrameDecoder.Role = .server, limit: Int = 1 << 20,
                       events: [WebSocketFrameDecoder.Event], error: (UInt16, String)? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        for step in [0, 1, 2, 3, 7, 125] {
            let got = Outcome.decode(bytes, step: step, role: role, limit: limit)
            #expect(got.events == events, "step \(step)", sourceLocation: sourceLocation)
            if let error {
                #expect(got.error?.closeCode.rawValue == error.0, "step \(step): \(got)", sourceLocation: sourceLocation)
                #expect(got.error?.reason.contains(error.1) == true, "step \(step): \(got)", sourceLocation: sourceLocation)
            } else {
                #expect(got.error == nil, "step \(step): \(got)", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: RFC 6455 §5.7

    @Test func rfcUnmaskedTextForAClient() {
        Self.expect([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F], role: .client, events: [.message(.text("Hello"))])
    }

    @Test func rfcMaskedText() {
        Self.expect([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58], events: [.message(.text("Hello"))])
        #expect(Client.text("Hello") == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test func rfcFragmentedUnmaskedText() {
        Self.expect([0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F], role: .client, events: [.message(.text("Hello"))])
    }

    @Test func rfcPingAndMaskedPong() {
        Self.expect([0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F], role: .client, events: [.ping(Array("Hello".utf8))])
        Self.expect([0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58], events: [.pong(Array("Hello".utf8))])
    }

    @Test func rfc16And64BitLengths() {
        let b256 = (0..<256).map { UInt8($0) }
        Self.expect([0x82, 0x7E, 0x01, 0x00] + b256, role: .client, events: [.message(.binary(b256))])
        let b64k = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let got = Outcome.decode([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0] + b64k, step: 1000, role: .client)
        #expect(got == Outcome(events: [.message(.binary(b64k))]))
        #expect(Array(WebSocketFrameEncoder.frame(.binary, payload: b64k).prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    // MARK: messages and fragments

    @Test func emptyMessagesAndFrames() {
        Self.expect(Client.text("") + Client.binary([]) + Client.text("", fin: false) + Client.more([], fin: false) + Client.more([]),
                    events: [.message(.text("")), .message(.binary([])), .message(.text(""))])
    }

    @Test func fragmentsWithControlFramesBetween() {
        let bytes = Client.text("one ", fin: false) + Client.ping("p1") + Client.more(Array("two ".utf8), fin: false)
            + Client.pong("q") + Client.ping() + Client.more(Array("three".utf8)) + Client.binary([1, 2, 3])
        Self.expect(bytes, events: [.ping(Array("p1".utf8)), .pong(Array("q".utf8)), .ping([]),
                                    .message(.text("one two three")), .message(.binary([1, 2, 3]))])
    }

    @Test func manyFragmentsOfBinary() {
        var bytes = Client.binary([0], fin: false)
        for i in 1..<100 { bytes += Client.more([UInt8(i)], fin: i == 99) }
        Self.expect(bytes, events: [.message(.binary((0..<100).map { UInt8($0) }))])
    }

    @Test func maskPhaseCarriesAcrossReadsInsideAFrame() {
        let text = String(repeating: "abcdefg", count: 50)
        Self.expect(Client.frame(.text, Array(text.utf8), key: [1, 2, 3, 4]), events: [.message(.text(text))])
    }

    // MARK: protocol errors (1002)

    typealias FramingCase = (bytes: [UInt8], reason: String, before: [WebSocketFrameDecoder.Event])
    static let framingCases: [FramingCase] = [
        (Client.frame(.text, Array("hi".utf8), key: nil), "unmasked client frame", []),
        (Client.raw(0xC2, [1]), "reserved bits", []),       // RSV1
        (Client.raw(0xA2, [1]), "reserved bits", []),       // RSV2
        (Client.raw(0x92, [1]), "reserved bits", []),       // RSV3
        (Client.raw(0x83, [1]), "reserved opcode", []),
        (Client.raw(0x87, [1]), "reserved opcode", []),
        (Client.raw(0x8B, [1]), "reserved opcode", []),
        (Client.raw(0x8F, [1]), "reserved opcode", []),
        (Client.frame(.ping, [UInt8](repeating: 0, count: 126)), "control frame over 125", []),
        (Client.frame(.close, [3, 232] + [UInt8](repeating: 0x61, count: 124)), "control frame over 125", []),
        (Client.frame(.ping, [1], fin: false), "fragmented control frame", []),
        (Client.frame(.close, [3, 232], fin: false), "fragmented control frame", []),
        (Client.more(Array("x".utf8)), "without a message", []),
        (Client.text("a", fin: false) + Client.text("b"), "inside a fragmented message", []),
        (Client.binary([1], fin: false) + Client.ping() + Client.binary([2]), "inside a fragmented message", [.ping([])]),
        (Client.text("done") + Client.more([1]), "without a message", [.message(.text("done"))]),
        ([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], "top bit", []),
    ]

    @Test(arguments: 0..<framingCases.count)
    func framingErrors(_ index: Int) {
        let c = Self.framingCases[index]
        Self.expect(c.bytes, events: c.before, error: (1002, c.reason))
    }

    @Test func aMaskedFrameIsRefusedByAClient() {
        Self.expect(Client.text("x"), role: .client, events: [], error: (1002, "masked server frame"))
    }

    @Test func errorsArriveBeforeTheRestOfTheFrame() {
        // An oversized control frame fails on its second byte, an unmasked frame on its first two.
        var d = WebSocketFrameDecoder()
        d.receive([0x89, 0xFE])
        #expect(throws: WebSocketProtocolError.self) { try d.nextEvent() }
        var e = WebSocketFrameDecoder()
        e.receive([0x81, 0x7F])
        #expect(throws: WebSocketProtocolError.self) { try e.nextEvent() }
    }

    @Test func anErrorPoisonsTheDecoder() throws {
        var d = WebSocketFrameDecoder()
        d.receive(Client.raw(0xC1, [1]))
        let first = #expect(throws: WebSocketProtocolError.self) { try d.nextEvent() }
        d.receive(Client.text("fine"))
        let second = #expect(throws: WebSocketProtocolError.self) { try d.nextEvent() }
        #expect(first == second)
        #expect(d.bufferedBytes == 0)
    }

    // MARK: close frames

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4400, 4999] as [UInt16])
    func closeCodesAllowedOnTheWire(_ code: UInt16) {
        Self.expect(Client.close(code, Array("bye".utf8)), events: [.close(code: WebSocketCloseCode(code), reason: "bye")])
    }

    @Test(arguments: [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func closeCodesRefused(_ code: UInt16) {
        Self.expect(Client.close(code), events: [], error: (1002, "close code \(code)"))
    }

    @Test func emptyCloseMeansNoStatus() {
        Self.expect(Client.close(nil), events: [.close(code: nil, reason: "")])
    }

    @Test func oneByteCloseIsAProtocolError() {
        Self.expect(Client.frame(.close, [0x03]), events: [], error: (1002, "1-byte"))
    }

    @Test func closeReasonMustBeUTF8() {
        Self.expect(Client.close(1000, [0xCE, 0xBA, 0xE1, 0xBD]), events: [], error: (1007, "close reason"))
        Self.expect(Client.close(1000, Array("κόσμε".utf8)), events: [.close(code: .normalClosure, reason: "κόσμε")])
    }

    @Test func nothingIsDecodedAfterAClose() throws {
        var d = WebSocketFrameDecoder()
        d.receive(Client.close(1000) + Client.text("late") + [0xFF, 0xFF])
        #expect(try d.nextEvent() == .close(code: .normalClosure, reason: ""))
        #expect(try d.nextEvent() == nil)
        d.receive(Client.text("later"))
        #expect(try d.nextEvent() == nil)
        #expect(d.bufferedBytes == 0)
    }

    // MARK: size limit (1009)

    @Test func messageAtTheLimitPassesOneByteOverFails() {
        let limit = 1000
        Self.expect(Client.binary([UInt8](repeating: 1, count: limit)), limit: limit,
                    events: [.message(.binary([UInt8](repeating: 1, count: limit)))])
        Self.expect(Client.binary([UInt8](repeating: 1, count: limit + 1)), limit: limit, events: [], error: (1009, "over"))
    }

    @Test func fragmentsCountTogether() {
        let bytes = Client.text(String(repeating: "a", count: 600), fin: false) + Client.ping("x")
            + Client.more([UInt8](repeating: 0x61, count: 401))
        Self.expect(bytes, limit: 1000, events: [.ping(Array("x".utf8))], error: (1009, "over"))
    }

    @Test func theLimitIsCheckedFromTheHeaderBeforeThePayloadArrives() {
        var d = WebSocketFrameDecoder(configuration: .init(maxMessageBytes: 1 << 20))
        d.receive([0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4])  // 4 GiB declared, nothing sent
        let error = #expect(throws: WebSocketProtocolError.self) { try d.nextEvent() }
        #expect(error?.closeCode == .messageTooBig)
    }

    @Test func controlFramesAreNotCountedAgainstTheMessageLimit() {
        Self.expect(Client.ping(String(repeating: "p", count: 125)), limit: 10,
                    events: [.ping([UInt8](repeating: 0x70, count: 125))])
    }
}
