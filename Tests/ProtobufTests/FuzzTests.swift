import GatewayProto
import Protobuf
import Testing
import GatewayTestSupport

/// Seeded random input: a decoder may only throw a ProtoError or decode (a trap would end the
/// test process), and whatever it decodes must survive another encode–decode unchanged.
@Suite("Protobuf decoding fuzz")
struct FuzzTests {
    static func check(_ kind: MessageKind, _ bytes: [UInt8]) -> Bool {
        let message: any GatewayMessage
        do {
            message = try kind.decode(bytes)
        } catch {
            return false
        }
        let reencoded = message.encoded()
        do {
            let again = try kind.decode(reencoded)
            #expect(again.encoded() == reencoded, "\(kind) \(hex(bytes))")
            // A decoded NaN makes a message unequal to an identical decode (though not to itself:
            // arrays compare storage identity first); its bits were checked above.
            if let twin = try? kind.decode(bytes), twin.isEqual(to: message) {
                #expect(again.isEqual(to: message), "\(kind) \(hex(bytes))")
            }
        } catch {
            Issue.record("\(kind): our own encoding of \(hex(bytes)) failed to decode: \(error)")
        }
        return true
    }

    @Test(arguments: MessageKind.allCases)
    func randomBytes(_ kind: MessageKind) {
        var g = SeededRandom(seed: 0xF022_0000 + UInt64(MessageKind.allCases.firstIndex(of: kind)!))
        var decoded = 0
        for i in 0..<3_000 {
            // Mostly short inputs, where a valid tag is likely enough to reach the field decoders.
            let bytes = g.bytes(i % 4 == 0 ? g.count(200) : g.count(12))
            if Self.check(kind, bytes) { decoded += 1 }
        }
        #expect(decoded > 0, "no random input decoded at all; the fuzzer reaches nothing")
    }

    @Test(arguments: MessageKind.allCases)
    func mutatedEncodings(_ kind: MessageKind) {
        var g = SeededRandom(seed: 0xBADC_0DE0 + UInt64(MessageKind.allCases.firstIndex(of: kind)!))
        for _ in 0..<3_000 {
            var bytes = kind.random(&g).encoded()
            for _ in 0...g.count(3) { Self.mutate(&bytes, &g) }
            _ = Self.check(kind, bytes)
        }
    }

    static func mutate(_ bytes: inout [UInt8], _ g: inout SeededRandom) {
        let position = bytes.isEmpty ? 0 : g.count(bytes.count - 1)
        switch g.count(6) {
        case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8(g.count(7))
        case 1 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &g)
        case 2: bytes.insert(UInt8.random(in: 0...255, using: &g), at: position)
        case 3 where !bytes.isEmpty: bytes.remove(at: position)
        case 4: bytes.removeLast(bytes.count - position)
        case 5 where !bytes.isEmpty:
            let end = min(bytes.count, position + 1 + g.count(8))
            bytes.insert(contentsOf: bytes[position..<end], at: g.count(bytes.count))
        default:
            // A length or tag byte that points far away, in the middle of valid data.
            bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0x7F], at: position)
        }
    }
}
