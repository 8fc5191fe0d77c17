import GatewayHTTP
import Testing

@testable import GRPCAPI

@Suite("gRPC framing, status and timeouts")
struct GRPCFramingTests {
    static func body(_ chunks: [[UInt8]]) -> RequestBody {
        let b = RequestBody(highWaterMark: .max)
        for c in chunks { _ = b.append(c) }
        b.finish()
        return b
    }

    @Test("messages split across chunks at every byte come out whole and in order")
    func reassembly() async throws {
        let m1 = Array("first".utf8), m2: [UInt8] = [], m3 = [UInt8](repeating: 7, count: 300)
        let wire = GRPCFrame.frame(m1) + GRPCFrame.frame(m2) + GRPCFrame.frame(m3)
        for cut in [1, 2, 3, 5, 7, 64, wire.count] {
            let chunks = stride(from: 0, to: wire.count, by: cut).map { Array(wire[$0..<min($0 + cut, wire.count)]) }
            var r = GRPCMessageReader(Self.body(chunks), maxMessageBytes: 1024)
            #expect(try await r.next() == m1)
            #expect(try await r.next() == m2)
            #expect(try await r.next() == m3)
            #expect(try await r.next() == nil)
        }
    }

    @Test("the prefix is a zero flag and a big-endian length")
    func prefix() {
        #expect(GRPCFrame.frame([1, 2, 3]) == [0, 0, 0, 0, 3, 1, 2, 3])
        #expect(Array(GRPCFrame.frame([UInt8](repeating: 0, count: 0x010203))[0..<5]) == [0, 0, 1, 2, 3])
    }

    @Test("bad streams end with the status gRPC prescribes", arguments: [
        ([1, 0, 0, 0, 1, 9] as [UInt8], GRPCStatus.Code.internalError, "compressed"),
        ([2, 0, 0, 0, 0], .internalError, "flag"),
        ([0, 0, 0, 4, 1], .resourceExhausted, "exceeds the limit of 1024"),
        ([0, 0, 0], .internalError, "prefix"),
        ([0, 0, 0, 0, 9, 1, 2], .internalError, "inside a message"),
    ])
    func badStreams(_ wire: [UInt8], _ code: GRPCStatus.Code, _ text: String) async {
        var r = GRPCMessageReader(Self.body([wire]), maxMessageBytes: 1024)
        do {
            _ = try await r.next()
            Issue.record("accepted \(wire)")
        } catch {
            #expect(error.code == code)
            #expect(error.message.contains(text), "\(error.message)")
        }
    }

    @Test("a unary request needs exactly one message")
    func single() async throws {
        var ok = GRPCMessageReader(Self.body([GRPCFrame.frame([4])]), maxMessageBytes: 16)
        #expect(try await ok.single() == [4])
        for wire in [[], GRPCFrame.frame([1]) + GRPCFrame.frame([2])] as [[UInt8]] {
            var r = GRPCMessageReader(Self.body([wire]), maxMessageBytes: 16)
            await #expect(throws: GRPCStatus.self) { _ = try await r.single() }
        }
    }

    @Test("grpc-timeout", arguments: [
        ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("3S", .seconds(3)), ("100m", .milliseconds(100)),
        ("250u", .microseconds(250)), ("99999999n", .nanoseconds(99_999_999)),
    ])
    func timeouts(_ text: String, _ expected: Duration) {
        #expect(GRPCTimeout.parse(text) == expected)
    }

    @Test("malformed grpc-timeout values are ignored", arguments: ["", "S", "10", "123456789S", "1x", "-1S", "1.5S"])
    func badTimeouts(_ text: String) {
        #expect(GRPCTimeout.parse(text) == nil)
    }

    @Test("grpc-message is percent-encoded outside printable ASCII and for %")
    func percentEncoding() {
        #expect(GRPCStatus.percentEncoded("model is required") == "model is required")
        #expect(GRPCStatus.percentEncoded("50% über\n") == "50%25 %C3%BCber%0A")
    }
}
