import GatewayHTTP
import Testing

/// 16 lower-case hex digits, the shape of a gateway-made id.
func isGatewayRequestID(_ s: String) -> Bool {
    s.utf8.count == 16 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}

@Suite("RequestID")
struct RequestIDTests {
    @Test("make() gives 16 lower-case hex digits")
    func shape() {
        for _ in 0..<1000 {
            let id = RequestID.make()
            #expect(isGatewayRequestID(id), "\(id)")
        }
    }

    @Test("make() uses every hex digit in every position over many calls")
    func digitsSpread() {
        var seen = Array(repeating: Set<UInt8>(), count: 16)
        for _ in 0..<2000 {
            for (i, byte) in RequestID.make().utf8.enumerated() { seen[i].insert(byte) }
        }
        for (i, digits) in seen.enumerated() {
            #expect(digits.count == 16, "position \(i) used only \(digits.count) digits")
        }
    }

    @Test("100 000 calls give 100 000 distinct ids")
    func distinct() {
        var ids = Set<String>()
        ids.reserveCapacity(100_000)
        for _ in 0..<100_000 { ids.insert(RequestID.make()) }
        #expect(ids.count == 100_000)
    }

    @Test("ids made concurrently are distinct")
    func distinctConcurrently() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<10_000).map { _ in RequestID.make() } }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(ids.count == 40_000)
        #expect(Set(ids).count == 40_000)
    }

    @Test("from(headers) echoes a sane client id", arguments: [
        "abc-123",
        "A",
        "550e8400-e29b-41d4-a716-446655440000",
        "trace:1/2;x=y!#$%&'*+.^_`|~{}[]\"\\",
        String(repeating: "x", count: 200),
    ])
    func echoesSaneID(_ given: String) {
        #expect(RequestID.from(["X-Request-Id": given]) == given)
    }

    @Test("from(headers) looks the header up ignoring case", arguments: ["x-request-id", "X-REQUEST-ID", "X-Request-Id"])
    func headerNameCase(_ name: String) {
        #expect(RequestID.from(HTTPHeaders([(name: name, value: "client-id")])) == "client-id")
    }

    @Test("from(headers) replaces an unusable client id with a new one", arguments: [
        "",
        String(repeating: "x", count: 201),
        "a b",
        " leading",
        "trailing ",
        "tab\there",
        "nul\u{0}",
        "ctl\u{1}",
        "line\nbreak",
        "cr\rhere",
        "del\u{7F}",
        "é",
        "id-😀",
    ])
    func rejectsBadID(_ given: String) {
        let id = RequestID.from(["X-Request-Id": given])
        #expect(id != given)
        #expect(isGatewayRequestID(id), "\(id)")
    }

    @Test("from(headers) makes a new id when there is none")
    func noHeader() {
        let a = RequestID.from(["Content-Type": "text/plain"])
        let b = RequestID.from([:])
        #expect(isGatewayRequestID(a))
        #expect(isGatewayRequestID(b))
        #expect(a != b)
    }

    @Test("from(headers) uses the first X-Request-Id when there are several")
    func firstOfSeveral() {
        let headers = HTTPHeaders([(name: "X-Request-Id", value: "first"), (name: "x-request-id", value: "second")])
        #expect(RequestID.from(headers) == "first")
    }
}
