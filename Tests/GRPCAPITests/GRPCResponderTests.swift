import GatewayHTTP
import GatewayTestSupport
import Testing

@testable import GRPCAPI

@Suite("gRPC responder")
struct GRPCResponderTests {
    @Test("an error before any message is Trailers-Only: one header block carrying the status")
    func trailersOnly() {
        let w = RecordingResponseWriter()
        let r = GRPCResponder(w)
        r.finish(GRPCStatus(.invalidArgument, "model is required"))
        r.finish(.ok)  // a second end is ignored
        let rec = w.recorded
        #expect(rec.respondCalls == 1 && rec.finishCalls == 0)
        #expect(rec.status == 200 && rec.body.isEmpty && rec.trailers == nil)
        #expect(rec.headers["content-type"] == "application/grpc")
        #expect(rec.headers["grpc-status"] == "3")
        #expect(rec.headers["grpc-message"] == "model is required")
    }

    @Test("a unary answer carries the message and grpc-status 0 in trailers")
    func unary() {
        let w = RecordingResponseWriter()
        let r = GRPCResponder(w)
        r.respond([9, 9], trailers: [("x-cache", "HIT")])
        r.finish(GRPCStatus(.deadlineExceeded, "late"))  // too late: the call has ended
        let rec = w.recorded
        #expect(rec.respondCalls == 1)
        #expect(rec.body == [0, 0, 0, 0, 2, 9, 9])
        #expect(rec.trailers?["grpc-status"] == "0")
        #expect(rec.trailers?["x-cache"] == "HIT")
    }

    @Test("a stream sends the head once, then messages, then trailers")
    func stream() async throws {
        let w = RecordingResponseWriter()
        let r = GRPCResponder(w)
        try await r.send([1])
        try await r.send([2])
        r.finish(GRPCStatus(.notFound, "gone"))
        await #expect(throws: GRPCStatus.self) { try await r.send([3]) }
        let rec = w.recorded
        #expect(rec.writeHeadCalls == 1 && rec.writeCalls == 2 && rec.finishCalls == 1)
        #expect(rec.body == GRPCFrame.frame([1]) + GRPCFrame.frame([2]))
        #expect(rec.trailers?["grpc-status"] == "5" && rec.trailers?["grpc-message"] == "gone")
    }

    @Test("which requests the gRPC front-end takes", arguments: [
        ("/gateway.PatternService/Embed", "application/grpc", true),
        ("/gateway.PatternService/Embed", "application/json", true),
        ("/anything/Else", "application/grpc+proto", true),
        ("/api/v1/external/general/embed", "application/json", false),
        ("/grpc.health.v1.Health/Check", "", true),
        ("/health", "", false),
    ])
    func accepts(_ path: String, _ contentType: String, _ expected: Bool) {
        let head = RequestHead(method: "POST", path: path, version: .http2, headers: ["content-type": contentType],
                               connection: ConnectionInfo(remoteAddress: "127.0.0.1:1"))
        #expect(GRPCServer.accepts(head) == expected)
    }
}
