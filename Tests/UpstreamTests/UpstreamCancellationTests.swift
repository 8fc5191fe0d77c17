import Testing
import Upstream

@Suite("Cancellation and shutdown")
struct UpstreamCancellationTests {
    let upstream: TestUpstream

    init() throws {
        upstream = try TestUpstream()
    }

    @Test func cancellingTheTaskCancelsTheCall() async throws {
        let client = try UpstreamClient()
        let request = UpstreamRequest(method: "GET", url: upstream.url("/sleep?ms=5000"))
        // Both the call and this test await on a thread of their own: the 500 ms bound is about
        // the client, not about a busy cooperative pool.
        let call = Task(executorPreference: DedicatedExecutor.shared) { () -> Result<UpstreamResponse, UpstreamError> in
            do throws(UpstreamError) {
                return .success(try await client.send(request))
            } catch {
                return .failure(error)
            }
        }
        try await waitUntil { upstream.requestCount == 1 }
        let (outcome, elapsed) = await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let started = ContinuousClock.now
            call.cancel()
            return (await call.value, ContinuousClock.now - started)
        }
        #expect(elapsed < .milliseconds(500))
        guard case .failure(let error) = outcome else {
            Issue.record("the call was not cancelled")
            return
        }
        #expect(error.kind == .cancelled)
        #expect(client.inFlight == 0)

        let after = try await client.send(UpstreamRequest(url: upstream.url("/echo"), body: [1, 2, 3]))
        #expect(after.body == [1, 2, 3])
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        let client = try UpstreamClient()
        let call = Task { () -> UpstreamError? in
            while !Task.isCancelled { await Task.yield() }
            return await expectFailure(client, UpstreamRequest(url: upstream.url("/echo")))
        }
        call.cancel()
        #expect(await call.value?.kind == .cancelled)
        #expect(upstream.requestCount == 0)
    }

    @Test func shutdownFailsPendingCalls() async throws {
        let client = try UpstreamClient()
        let calls = (0..<3).map { _ in
            Task(executorPreference: DedicatedExecutor.shared) { () -> UpstreamError? in
                await expectFailure(client, UpstreamRequest(method: "GET", url: upstream.url("/sleep?ms=5000")))
            }
        }
        try await waitUntil { upstream.requestCount == 3 }
        let (errors, elapsed) = await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let started = ContinuousClock.now
            client.shutdown()
            var errors: [UpstreamError?] = []
            for call in calls { errors.append(await call.value) }
            return (errors, ContinuousClock.now - started)
        }
        #expect(errors.map { $0?.kind } == [.cancelled, .cancelled, .cancelled])
        #expect(elapsed < .milliseconds(500))
        #expect(client.inFlight == 0)

        let late = await expectFailure(client, UpstreamRequest(url: upstream.url("/echo")))
        #expect(late?.kind == .cancelled)
        client.shutdown()
    }
}

/// Polls `condition` every 10 ms for up to 5 s.
func waitUntil(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<500 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition never became true", sourceLocation: sourceLocation)
}
