import Synchronization
import Testing
import Transport
import Upstream

/// Calls made on an attached event loop run there (multi_socket on the loop's epoll and timers):
/// the same answers, deadlines, cancellation and streams as on the libcurl thread, and the caller
/// resumes on its loop.
@Suite("Calls on an event loop")
struct UpstreamLoopTests {
    let upstream: TestUpstream
    let client: UpstreamClient
    let group: EventLoopGroup

    init() throws {
        upstream = try TestUpstream()
        client = try UpstreamClient()
        group = try EventLoopGroup(count: 1)
        client.attach(group.eventLoops)
    }

    /// Runs `body` as a task whose executor is the loop, as a request handler does.
    private func onLoop<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task(executorPreference: group.eventLoops[0]) { try await body() }.value
    }

    @Test func roundTripResumesOnTheLoop() async throws {
        let loop = group.eventLoops[0]
        let (client, url) = (client, upstream.url("/echo"))
        let (status, body, onLoopAfter) = try await onLoop {
            let r = try await client.send(UpstreamRequest(url: url, body: Array("hi".utf8), timeout: .seconds(5)))
            return (r.status, r.body, loop.inEventLoop)
        }
        #expect(status == 200)
        #expect(body == Array("hi".utf8))
        #expect(onLoopAfter)
        #expect(client.inFlight == 0)
        #expect(client.loopCallCount == 1)
        // Off the loops, the same client uses its libcurl thread.
        _ = try await client.send(UpstreamRequest(url: url, body: Array("hi".utf8), timeout: .seconds(5)))
        #expect(client.loopCallCount == 1)
        client.shutdown()
        group.shutdown()
    }

    @Test func manyConcurrentCallsOnOneLoop() async throws {
        let (client, url) = (client, upstream.url("/echo"))
        let ok = try await onLoop {
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                for i in 0..<64 {
                    tasks.addTask {
                        let r = try await client.send(UpstreamRequest(url: url, body: Array("\(i)".utf8)))
                        return r.status == 200 && r.body == Array("\(i)".utf8)
                    }
                }
                var all = true
                for try await one in tasks { all = all && one }
                return all
            }
        }
        #expect(ok)
        client.shutdown()
        group.shutdown()
    }

    @Test func deadlineIsKeptByTheLoopsTimer() async throws {
        let (client, url) = (client, upstream.url("/sleep?ms=3000"))
        let started = ContinuousClock.now
        let kind = try await onLoop { () -> UpstreamError.Kind? in
            do throws(UpstreamError) {
                _ = try await client.send(UpstreamRequest(method: "GET", url: url, timeout: .milliseconds(300)))
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind == .timeout)
        #expect(ContinuousClock.now - started < .seconds(2))
        client.shutdown()
        group.shutdown()
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        let (client, url) = (client, upstream.url("/sleep?ms=3000"))
        let started = ContinuousClock.now
        let task = Task(executorPreference: group.eventLoops[0]) { () -> UpstreamError.Kind? in
            do throws(UpstreamError) {
                _ = try await client.send(UpstreamRequest(method: "GET", url: url, timeout: .seconds(10)))
                return nil
            } catch {
                return error.kind
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let kind = await task.value
        #expect(kind == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(2))
        client.shutdown()
        group.shutdown()
    }

    @Test func streamDeliversTheWholeBody() async throws {
        let (client, url) = (client, upstream.url("/big?bytes=3000000&chunked=1"))
        let (status, count) = try await onLoop { () -> (Int, Int) in
            // A small high-water mark, so the transfer pauses and resumes many times.
            let stream = try await client.stream(UpstreamRequest(method: "GET", url: url, timeout: .seconds(5)),
                                                 idleTimeout: .seconds(5), highWater: 16 << 10)
            var count = 0
            while let chunk = try await stream.next() { count += chunk.count }
            return (stream.status, count)
        }
        #expect(status == 200)
        #expect(count == 3_000_000)
        client.shutdown()
        group.shutdown()
    }

    @Test func refusedConnectionFailsAsConnect() async throws {
        let (client, url) = (client, "http://127.0.0.1:\(closedLoopbackPort())/x")
        let kind = try await onLoop { () -> UpstreamError.Kind? in
            do throws(UpstreamError) {
                _ = try await client.send(UpstreamRequest(method: "GET", url: url, timeout: .seconds(2)))
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind == .connect)
        client.shutdown()
        group.shutdown()
    }
}
