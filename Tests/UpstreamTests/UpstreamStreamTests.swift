import GatewayHTTP
import Logging
import Synchronization
import Testing
import Transport
import Upstream

/// A streaming server whose pace a test steers:
///   GET /gated   "first", then waits for the gate, then "second"
///   GET /stall   "x", then nothing until the client goes away
///   GET /silent  no answer at all until the client goes away
///   GET /flood?bytes=N  N pattern bytes in 64 KiB writes, as fast as the client takes them
///   GET /status  503 with a body
final class StreamingUpstream: Sendable {
    let server: HTTPServer
    let port: Int
    let gate = Mutex(false)
    let abandoned = Atomic<Int>(0)
    let written = Atomic<Int>(0)

    init() throws {
        var cfg = ServerConfiguration()
        cfg.host = "127.0.0.1"
        cfg.port = 0
        cfg.eventLoops = 1
        var logger = Logger(label: "stream-test")
        logger.logLevel = .error
        let box = Box()
        server = try HTTPServer(configuration: cfg, logger: logger) { request, writer in
            await box.upstream?.handle(request, writer)
        }
        port = try server.start().port
        box.upstream = self
    }

    /// The handler needs the instance, which exists only after the server does.
    private final class Box: @unchecked Sendable {
        weak var upstream: StreamingUpstream?
    }

    deinit { server.shutdown(gracePeriod: 0.2) }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    private func handle(_ request: Request, _ writer: any ResponseWriter) async {
        switch request.head.path {
        case "/gated":
            writer.writeHead(status: 200, headers: ["Content-Type": "text/event-stream"])
            guard (try? await writer.write(Array("first".utf8))) != nil else { return abandon() }
            while !gate.withLock({ $0 }) {
                guard (try? await Task.sleep(for: .milliseconds(5))) != nil else { return abandon() }
            }
            guard (try? await writer.write(Array("second".utf8))) != nil else { return abandon() }
            writer.finish()
        case "/stall":
            writer.writeHead(status: 200, headers: [:])
            guard (try? await writer.write(Array("x".utf8))) != nil else { return abandon() }
            while (try? await Task.sleep(for: .milliseconds(10))) != nil {}
            abandon()
        case "/silent":
            while (try? await Task.sleep(for: .milliseconds(10))) != nil {}
            abandon()
        case "/flood":
            let total = Int(QueryString.value("bytes", in: request.head.query) ?? "") ?? 0
            writer.writeHead(status: 200, headers: [:])
            let block = (0..<65536).map { UInt8(truncatingIfNeeded: $0 % 251) }
            var sent = 0
            while sent < total {
                let n = min(block.count, total - sent)
                guard (try? await writer.write(Array(block[..<n]))) != nil else { return abandon() }
                sent += n
                written.store(sent, ordering: .relaxed)
            }
            writer.finish()
        default:
            writer.respond(status: 503, headers: ["Retry-After": "3"], body: Array("overloaded".utf8))
        }
    }

    private func abandon() { abandoned.add(1, ordering: .relaxed) }
}

@Suite("Streamed upstream calls", .serialized)
struct UpstreamStreamTests {
    let client: UpstreamClient
    let upstream: StreamingUpstream

    init() throws {
        client = try UpstreamClient()
        upstream = try StreamingUpstream()
    }

    private func waitUntil(_ what: String, within: Duration = .seconds(3), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + within
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("\(what): not within \(within)")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func eachChunkReachesTheReaderBeforeTheUpstreamSendsTheNext() async throws {
        let s = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/gated"), timeout: .seconds(5)),
                                        idleTimeout: .seconds(5))
        #expect(s.status == 200 && s.header("Content-Type") == "text/event-stream")
        // The upstream sends "second" only after the gate opens, and it opens only after this read:
        // a client that waited for the whole body would never get here.
        #expect(try await s.next() == Array("first".utf8))
        upstream.gate.withLock { $0 = true }
        var rest: [UInt8] = []
        while let more = try await s.next() { rest += more }
        #expect(rest == Array("second".utf8))
        #expect(try await s.next() == nil)
    }

    @Test func cancellingTheStreamStopsTheUpstreamCallAtOnce() async throws {
        let s = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/stall"), timeout: .seconds(5)),
                                        idleTimeout: .seconds(30))
        #expect(try await s.next() == Array("x".utf8))
        s.cancel()
        await #expect(throws: UpstreamError.self) { _ = try await s.next() }
        try await waitUntil("the upstream sees the client go") { upstream.abandoned.load(ordering: .relaxed) == 1 }
        #expect(client.inFlight == 0)
    }

    @Test func droppingTheStreamAndCancellingTheReaderStopTheCallToo() async throws {
        do {
            let s = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/stall"), timeout: .seconds(5)),
                                            idleTimeout: .seconds(30))
            _ = try await s.next()
        }
        try await waitUntil("a dropped stream is cancelled") { upstream.abandoned.load(ordering: .relaxed) == 1 }
        let s = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/stall"), timeout: .seconds(5)),
                                        idleTimeout: .seconds(30))
        let reader = Task { () -> UpstreamError? in
            do throws(UpstreamError) {
                while try await s.next() != nil {}
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        #expect(await reader.value?.kind == .cancelled)
        try await waitUntil("a cancelled reader's call is stopped") { upstream.abandoned.load(ordering: .relaxed) == 2 }
    }

    @Test func aQuietUpstreamEndsWithATimeout() async throws {
        let s = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/stall"), timeout: .seconds(5)),
                                        idleTimeout: .milliseconds(200))
        #expect(try await s.next() == Array("x".utf8))
        let started = ContinuousClock.now
        do {
            _ = try await s.next()
            Issue.record("a stalled stream must time out")
        } catch {
            #expect(error.kind == .timeout)
        }
        #expect(ContinuousClock.now - started >= .milliseconds(150))
        try await waitUntil("the upstream sees the client go") { upstream.abandoned.load(ordering: .relaxed) == 1 }
    }

    @Test func noAnswerWithinTheFirstByteDeadlineIsATimeout() async throws {
        do {
            _ = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/silent"), timeout: .milliseconds(300)),
                                        idleTimeout: .seconds(30))
            Issue.record("a silent upstream must time out")
        } catch {
            #expect(error.kind == .timeout)
        }
    }

    @Test func aSlowReaderPausesTheUpstreamInsteadOfBufferingEverything() async throws {
        let total = 48 << 20
        let s = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/flood?bytes=\(total)"),
                                                        timeout: .seconds(5)),
                                        idleTimeout: .seconds(5), highWater: 64 << 10)
        try await Task.sleep(for: .milliseconds(500))
        // Kernel socket buffers take a few MiB; an unbounded client buffer would have taken it all.
        let early = upstream.written.load(ordering: .relaxed)
        #expect(early < total / 2, "the upstream wrote \(early) of \(total) bytes to a reader that read nothing")
        var received = 0
        var ok = true
        while let more = try await s.next() {
            for (i, b) in more.enumerated() where b != UInt8(truncatingIfNeeded: ((received + i) % 65536) % 251) {
                ok = false
                break
            }
            received += more.count
        }
        #expect(ok, "bytes arrived out of order or changed")
        #expect(received == total)
    }

    @Test func anErrorStatusComesWithItsHeadersAndBody() async throws {
        let s = try await client.stream(UpstreamRequest(method: "GET", url: upstream.url("/status"), timeout: .seconds(5)),
                                        idleTimeout: .seconds(5))
        #expect(s.status == 503 && s.header("retry-after") == "3")
        #expect(try await s.collect(upTo: 1024) == Array("overloaded".utf8))
    }
}
