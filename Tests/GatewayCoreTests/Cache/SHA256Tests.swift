import Testing

@testable import GatewayCore
import GatewayTestSupport

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-2 examples, plus the padding edges (55, 56, 63, 64, 65 bytes).
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
        (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (String(repeating: "a", count: 63), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (String(repeating: "a", count: 65), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        ("héllo", "3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179"),
    ])
    func vector(_ message: String, _ digest: String) {
        #expect(CacheKey.sha256Hex(Array(message.utf8)) == digest)
    }

    @Test("one million a")
    func millionAs() {
        let digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(CacheKey.sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == digest)
    }

    @Test("incremental updates in any split equal one-shot hashing", arguments: [1, 3, 55, 64, 100])
    func incremental(_ chunk: Int) {
        var rng = SplitMix64(seed: UInt64(chunk))
        let message = (0..<1_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var hasher = SHA256()
        var start = 0
        while start < message.count {
            let end = min(message.count, start + chunk)
            hasher.update(message[start..<end])
            start = end
        }
        #expect(hasher.finalize() == SHA256.hash(message))
    }
}
