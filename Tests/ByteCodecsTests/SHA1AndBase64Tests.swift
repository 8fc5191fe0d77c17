import ByteCodecs
import Testing

@Suite struct SHA1AndBase64Tests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// FIPS 180-2 appendix A and the usual extra vectors.
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
        (String(repeating: "a", count: 1_000_000), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
        (String(repeating: "x", count: 55), "cef734ba81a024479e09eb5a75b6ddae62e6abf1"),
        (String(repeating: "x", count: 64), "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"),
    ])
    func sha1Vectors(_ input: String, _ digest: String) {
        #expect(Self.hex(SHA1.digest(Array(input.utf8))) == digest)
    }

    /// RFC 4648 §10.
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64Vectors(_ plain: String, _ encoded: String) {
        #expect(Base64.string(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg=", "Z===", "Zm9v=", "Zg==Zg==", "Zm 9", "Zm9\u{e9}"])
    func base64Refusals(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func base64RoundTripsEveryByte() {
        let all = (0...255).map { UInt8($0) }
        for n in 0...all.count where n % 7 == 0 || n > 250 {
            #expect(Base64.decode(Base64.string(Array(all.prefix(n)))) == Array(all.prefix(n)))
        }
    }
}
