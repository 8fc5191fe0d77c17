import Testing
import Upstream

@Suite("Failures")
struct UpstreamFailureTests {
    let upstream: TestUpstream

    init() throws {
        upstream = try TestUpstream()
    }

    @Test func deadlinePassesAsTimeout() async throws {
        let client = try UpstreamClient()
        let request = UpstreamRequest(
            method: "GET", url: upstream.url("/sleep?ms=2000"), timeout: .milliseconds(200))
        let (error, elapsed) = await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let started = ContinuousClock.now
            let error = await expectFailure(client, request)
            return (error, ContinuousClock.now - started)
        }
        #expect(error?.kind == .timeout)
        #expect(error?.isRetryable == true)
        #expect(elapsed < .seconds(1))
        #expect(elapsed >= .milliseconds(190))
    }

    @Test func refusedConnectionIsConnectError() async throws {
        let client = try UpstreamClient()
        let port = closedLoopbackPort()
        let error = await expectFailure(
            client, UpstreamRequest(url: "http://127.0.0.1:\(port)/echo", timeout: .seconds(2)))
        #expect(error?.kind == .connect)
        #expect(error?.isRetryable == true)
        // curl's error buffer names what failed.
        #expect(error?.message.contains("\(port)") == true)
    }

    @Test(arguments: [false, true])
    func bodyOverTheLimitIsTooLarge(chunked: Bool) async throws {
        let client = try UpstreamClient(maxResponseBytes: 10_000)
        let flag = chunked ? "&chunked=1" : ""
        let error = await expectFailure(
            client, UpstreamRequest(method: "GET", url: upstream.url("/big?bytes=50000\(flag)")))
        #expect(error?.kind == .tooLarge)
        #expect(error?.isRetryable == false)
        // Exactly at the limit is fine, and the client is still usable.
        let response = try await client.send(
            UpstreamRequest(method: "GET", url: upstream.url("/big?bytes=10000\(flag)")))
        #expect(response.body.count == 10_000)
        #expect(response.body == TestUpstream.pattern(10_000))
    }

    @Test func defaultLimitTakesABigBody() async throws {
        let client = try UpstreamClient()
        let response = try await client.send(UpstreamRequest(method: "GET", url: upstream.url("/big?bytes=3000000")))
        #expect(response.body.count == 3_000_000)
    }

    @Test(arguments: [
        (UpstreamError.Kind.connect, true), (.timeout, true), (.cancelled, false), (.tooLarge, false),
        (.transport, false),
    ])
    func onlyConnectAndTimeoutAreRetryable(kind: UpstreamError.Kind, retryable: Bool) {
        #expect(UpstreamError(kind: kind, message: "x").isRetryable == retryable)
    }
}
