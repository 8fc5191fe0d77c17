import Foundation
import GatewayHTTP
import Synchronization
import Testing
@testable import Transport

/// Records what handlers saw, across threads.
final class Recorder: Sendable {
    private let events = Mutex<[String]>([])
    func add(_ e: String) { events.withLock { $0.append(e) } }
    var all: [String] { events.withLock { $0 } }

    func wait(for e: String, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if all.contains(e) { return true }
            usleep(10_000)
        }
        return false
    }
}

@Suite("HTTP/1.1 over live sockets", .serialized)
struct HTTP1ChannelTests {
    @Test func pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsSlowest() throws {
        let live = try LiveServer.start { request, writer in
            let ms = Int(request.head.query.replacingOccurrences(of: "ms=", with: "")) ?? 0
            try? await Task.sleep(for: .milliseconds(ms))
            writer.respond(status: 200, body: Array(request.head.path.utf8))
        }
        defer { live.stop() }
        let c = try RawClient(port: live.port)
        c.send("GET /first?ms=300 HTTP/1.1\r\nHost: x\r\n\r\nGET /second?ms=0 HTTP/1.1\r\nHost: x\r\n\r\nGET /third?ms=50 HTTP/1.1\r\nHost: x\r\n\r\n")
        let rs = try c.readResponses(3)
        #expect(rs.map(\.bodyString) == ["/first", "/second", "/third"])
        #expect(rs.allSatisfy { $0.status == 200 })
    }

    @Test func streamedResponseIsChunkedWithTrailers() throws {
        let live = try LiveServer.start { _, writer in
            writer.writeHead(status: 200, headers: ["Content-Type": "text/plain"])
            for part in ["alpha,", "beta,", "gamma"] {
                try? await writer.write(Array(part.utf8))
            }
            writer.finish(trailers: ["X-Checksum": "abc"])
        }
        defer { live.stop() }
        let c = try RawClient(port: live.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let r = try c.readResponses(1)[0]
        #expect(r.header("transfer-encoding") == "chunked")
        #expect(r.bodyString == "alpha,beta,gamma")
    }

    @Test func anAbortedStreamClosesWithoutItsLastChunk() throws {
        let live = try LiveServer.start { _, writer in
            writer.writeHead(status: 200, headers: ["Content-Type": "text/event-stream"])
            try? await writer.write(Array("data: one\n\n".utf8))
            writer.abort()
        }
        defer { live.stop() }
        let c = try RawClient(port: live.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let (bytes, closed) = c.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(closed)
        #expect(text.contains("transfer-encoding: chunked") || text.contains("Transfer-Encoding: chunked"))
        #expect(text.contains("data: one"))
        // A clean end would carry the zero-length chunk; a cut stream must not look complete.
        #expect(!text.hasSuffix("0\r\n\r\n"), "the aborted stream ended like a complete one")
    }

    @Test func largeRequestBodyStreamsThroughAHandlerThatReadsSlowly() throws {
        let total = 4 << 20
        let live = try LiveServer.start { request, writer in
            var count = 0
            var sum: UInt64 = 0
            do {
                for try await chunk in request.body {
                    count += chunk.count
                    for b in chunk { sum &+= UInt64(b) }
                    try? await Task.sleep(for: .microseconds(200))
                }
            } catch {
                writer.respond(status: 500)
                return
            }
            writer.respond(status: 200, body: Array("\(count) \(sum)".utf8))
        }
        defer { live.stop() }
        let c = try RawClient(port: live.port, receiveTimeout: 20)
        let body = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let expectedSum = body.reduce(UInt64(0)) { $0 &+ UInt64($1) }
        c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(total)\r\n\r\n")
        c.send(body)
        let r = try c.readResponses(1)[0]
        #expect(r.bodyString == "\(total) \(expectedSum)")
    }

    @Test func clientDisconnectCancelsTheHandler() throws {
        let rec = Recorder()
        let live = try LiveServer.start { _, writer in
            do {
                try await Task.sleep(for: .seconds(10))
                writer.respond(status: 200)
            } catch {
                rec.add("cancelled")
            }
        }
        defer { live.stop() }
        do {
            let c = try RawClient(port: live.port)
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(100_000)
        }  // the client closes here
        #expect(rec.wait(for: "cancelled", seconds: 3))
    }

    @Test func handlerThatNeverAnswersGets500() throws {
        let live = try LiveServer.start { _, _ in }
        defer { live.stop() }
        let c = try RawClient(port: live.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let r = try c.readResponses(1)[0]
        #expect(r.status == 500)
        #expect(r.bodyString.contains("\"code\":\"internal\""))
    }

    @Test func slowHeadIsDroppedWhileOtherClientsAreServed() throws {
        let live = try LiveServer.start({ $0.headerReadTimeout = 1 }) { _, writer in
            writer.respond(status: 200, body: Array("ok".utf8))
        }
        defer { live.stop() }
        let slow = try RawClient(port: live.port, receiveTimeout: 4)
        slow.send("GET / HTTP/1.1\r\nHost: x\r\n")
        let started = Date()
        // Trickle one header byte at a time while a normal client keeps being answered.
        for (i, ch) in "X-Slow: 1234567890".utf8.enumerated() where i < 6 {
            slow.send([ch])
            let normal = try RawClient(port: live.port)
            normal.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try normal.readResponses(1)[0].status == 200)
            usleep(250_000)
        }
        let (_, closed) = slow.readUntilClosed()
        #expect(closed)
        #expect(Date().timeIntervalSince(started) < 4)
    }

    @Test func malformedRequestGetsItsStatusAndTheConnectionCloses() throws {
        let live = try LiveServer.start { _, writer in writer.respond(status: 200) }
        defer { live.stop() }
        let c = try RawClient(port: live.port)
        c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        let (bytes, closed) = c.readUntilClosed()
        let r = RawResponse.parse(bytes)?.0
        #expect(r?.status == 400)
        #expect(r?.header("connection")?.lowercased() == "close")
        #expect(r?.bodyString.contains("\"code\":\"invalid_argument\"") == true)
        #expect(closed)
    }

    @Test func gracefulShutdownFinishesInFlightRequestsAndRefusesNewOnes() throws {
        let live = try LiveServer.start { _, writer in
            try? await Task.sleep(for: .milliseconds(500))
            writer.respond(status: 200, body: Array("done".utf8))
        }
        let clients = try (0..<8).map { _ in try RawClient(port: live.port) }
        for c in clients { c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        usleep(100_000)
        let stopper = Thread { live.stop(grace: 5) }
        stopper.start()
        for c in clients {
            let r = try c.readResponses(1)[0]
            #expect(r.status == 200)
            #expect(r.bodyString == "done")
            #expect(r.header("connection")?.lowercased() == "close")
        }
        usleep(300_000)
        #expect(throws: RawClient.ClientError.self) { _ = try RawClient(port: live.port) }
    }
}
