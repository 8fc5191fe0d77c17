import Testing
import Tracing
import Upstream
@testable import GatewayCore

@Suite("Upstream pool: replicas, retries, breakers", .serialized)
struct UpstreamPoolTests {
    let client: UpstreamClient

    init() throws {
        client = try UpstreamClient()
    }

    private func pool(_ c: CoreConfiguration, metrics: MetricsRegistry = MetricsRegistry()) -> UpstreamPool {
        UpstreamPool(configuration: c, client: client, metrics: metrics, retryBaseDelay: .milliseconds(5))
    }

    @Test func answersWithTheVectorsAndForwardsTheRequestID() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let (c, model) = configuration(endpoints: [up.url], size: 4)
        let r = try await pool(c).embed(model: model, texts: ["a", "b"], requestID: "req-42", trace: .fresh())
        #expect(r.vectors == [[0, 1, 2, 3], [1, 2, 3, 4]])
        #expect(r.endpoint == up.url)
        #expect(r.attempts == 1)
        #expect(up.requestIDs == ["req-42"])
    }

    /// Each attempt is a span of its own under the caller's trace; the tracestate goes on as sent.
    @Test func sendsAChildOfTheCallersTraceOnEveryAttempt() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(503, retryAfter: nil))
        let (c, model) = configuration(endpoints: [up.url], size: 2)
        let trace = TraceContext.from(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                      tracestate: "congo=t61rcWkgMzE")
        _ = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: trace)
        let seen = up.traces
        #expect(seen.count == 2)
        let spans = seen.map { $0.parent.split(separator: "-") }
        for (fields, one) in zip(spans, seen) {
            #expect(fields.count == 4 && fields[0] == "00" && fields[1] == "4bf92f3577b34da6a3ce929d0e0e4736" && fields[3] == "01")
            #expect(fields[2] != "00f067aa0ba902b7" && fields[2].count == 16)
            #expect(one.state == "congo=t61rcWkgMzE")
        }
        #expect(spans[0][2] != spans[1][2])
    }

    @Test func retries503ThenSucceeds() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(503, retryAfter: nil), .status(502, retryAfter: nil))
        let (c, model) = configuration(endpoints: [up.url], size: 2)
        let r = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
        #expect(r.attempts == 3)
        #expect(up.calls == 3)
    }

    @Test func givesUpAfterTheConfiguredRetries() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(503, retryAfter: nil), .status(503, retryAfter: nil), .status(503, retryAfter: nil))
        let (c, model) = configuration(endpoints: [up.url], size: 2, retries: 2)
        await #expect(throws: GatewayError.self) {
            _ = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
        }
        #expect(up.calls == 3)  // the first attempt and 2 retries
    }

    @Test func retryAfterThatDoesNotFitTheDeadlineEndsAtOnce() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(503, retryAfter: 30))
        let (c, model) = configuration(endpoints: [up.url], size: 2, timeout: 2)
        let start = ContinuousClock.now
        do {
            _ = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .upstreamError)
            #expect(error.details.contains { $0.0 == "upstream_status" && $0.1 == "503" })
        }
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(up.calls == 1)
    }

    @Test func noAnswerWithinTheDeadlineIsUpstreamTimeout() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.delay(milliseconds: 3000), .delay(milliseconds: 3000))
        let (c, model) = configuration(endpoints: [up.url], size: 2, timeout: 0.3)
        do {
            _ = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .upstreamTimeout)
            #expect(error.code.httpStatus == 504)
        }
    }

    @Test func wrongDimensionsIsAnUpstreamErrorAndNotRetried() async throws {
        let up = try FakeUpstream(size: 8)
        defer { up.stop() }
        up.then(.wrongDimensions)
        let (c, model) = configuration(endpoints: [up.url], size: 8)
        do {
            _ = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .upstreamError)
            #expect(error.message.contains("vector_size is 8"))
        }
        #expect(up.calls == 1)
    }

    @Test func aClientErrorUpstreamDoesNotTripTheBreaker() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(400, retryAfter: nil), .status(400, retryAfter: nil))
        let (c, model) = configuration(endpoints: [up.url], size: 2, threshold: 2)
        let p = pool(c)
        for _ in 0..<2 {
            await #expect(throws: GatewayError.self) { _ = try await p.embed(model: model, texts: ["x"], requestID: "r", trace: .fresh()) }
        }
        #expect(p.endpoints(for: "general")[0].breaker.state == .closed)
        #expect(up.calls == 2)
    }

    @Test func deadReplicaIsSkippedAndItsBreakerOpensThenFailsFast() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        let dead = try closedPortURL()
        let (c, model) = configuration(endpoints: [dead, up.url], size: 2, threshold: 2)
        let metrics = MetricsRegistry()
        let p = pool(c, metrics: metrics)
        for _ in 0..<6 {
            let r = try await p.embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
            #expect(r.endpoint == up.url)
        }
        let deadEndpoint = try #require(p.endpoints(for: "general").first { $0.url == dead })
        #expect(deadEndpoint.breaker.state == .open)
        let text = metrics.render()
        #expect(text.contains("integration_circuit_breaker_state{model=\"general\",endpoint=\"\(dead)\"} 2"))
        #expect(text.contains("integration_upstream_requests_total{model=\"general\",endpoint=\"\(up.url)\",outcome=\"success\"} 6"))

        // With the live one gone too, every breaker opens and calls fail fast with circuit_open.
        let (c2, model2) = configuration(endpoints: [dead], size: 2, retries: 0, threshold: 1)
        let p2 = pool(c2)
        await #expect(throws: GatewayError.self) { _ = try await p2.embed(model: model2, texts: ["x"], requestID: "r", trace: .fresh()) }
        let start = ContinuousClock.now
        do {
            _ = try await p2.embed(model: model2, texts: ["x"], requestID: "r", trace: .fresh())
            Issue.record("expected circuit_open")
        } catch {
            #expect(error.code == .circuitOpen)
            #expect(error.code.httpStatus == 503)
            #expect((error.retryAfter ?? 0) >= 1)
        }
        #expect(ContinuousClock.now - start < .milliseconds(50))
    }

    @Test func concurrentCallsSpreadOverReplicasByCallsInFlight() async throws {
        let a = try FakeUpstream(size: 2)
        let b = try FakeUpstream(size: 2)
        defer { a.stop(); b.stop() }
        for _ in 0..<10 { a.then(.delay(milliseconds: 100)); b.then(.delay(milliseconds: 100)) }
        let (c, model) = configuration(endpoints: [a.url, b.url], size: 2)
        let p = pool(c)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask { _ = try await p.embed(model: model, texts: ["x"], requestID: "r", trace: .fresh()) }
            }
            try await group.waitForAll()
        }
        #expect(a.calls + b.calls == 10)
        #expect(abs(a.calls - b.calls) <= 2)
    }
}
