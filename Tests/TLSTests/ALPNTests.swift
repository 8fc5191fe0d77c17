import Testing

@testable import TLS

@Suite("ALPN protocol lists")
struct ALPNTests {
    @Test func wireFormatPrefixesEachNameWithItsLength() throws {
        let list = try ALPNProtocolList(["h2", "http/1.1"])
        #expect(list.wire == [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8))
    }

    @Test(
        arguments: [
            ([2, 0x68, 0x32], "h2"),
            ([8] + Array("http/1.1".utf8) + [2, 0x68, 0x32], "h2"),
            ([8] + Array("http/1.1".utf8), "http/1.1"),
            ([], nil),
            ([6] + Array("spdy/3".utf8), nil),
            // Truncated entries are ignored rather than read past.
            ([9, 0x68, 0x32], nil),
            ([2, 0x68], nil),
            ([1, 0x68, 2, 0x68, 0x32], "h2"),
        ] as [([UInt8], String?)])
    func selectPrefersOurOrder(offered: [UInt8], expected: String?) throws {
        let ours = try ALPNProtocolList(["h2", "http/1.1"])
        let chosen = offered.withUnsafeBufferPointer { buffer in
            ours.select(from: buffer).map { String(decoding: buffer[$0], as: UTF8.self) }
        }
        #expect(chosen == expected)
    }
}
