import Testing
import Upstream
@testable import GatewayCore

@Suite("Upstream pool: retry policy and health rotation", .serialized)
struct UpstreamPoolPolicyTests {
    let client: UpstreamClient

    init() throws {
        client = try UpstreamClient()
    }

    private func pool(_ c: CoreConfiguration, metrics: MetricsRegistry = MetricsRegistry(),
                      onHealthChange: EndpointHealth.TransitionHandler? = nil) -> UpstreamPool {
        UpstreamPool(configuration: c, client: client, metrics: metrics, retryBaseDelay: .milliseconds(5),
                     onHealthChange: onHealthChange)
    }

    @Test func aTransient500IsRetriedUnderTheDefaultPolicy() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(500, retryAfter: nil))
        let (c, model) = configuration(endpoints: [up.url], size: 2)
        let r = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
        #expect(r.attempts == 2)
        #expect(up.calls == 2)
    }

    @Test func a429IsRetriedAfterItsRetryAfter() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(429, retryAfter: 1))
        let (c, model) = configuration(endpoints: [up.url], size: 2)
        let clock = SystemClock()
        let t0 = clock.now()
        let r = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
        #expect(r.attempts == 2)
        #expect(clock.now() - t0 >= .seconds(1))
    }

    @Test("4xx other than 408/429 is never retried", arguments: [400, 404, 409, 422])
    func clientErrorsAreNotRetried(_ status: Int) async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(status, retryAfter: nil))
        let (c, model) = configuration(endpoints: [up.url], size: 2)
        await #expect(throws: GatewayError.self) { try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh()) }
        #expect(up.calls == 1)
    }

    @Test func aModelsOwnPolicyDecides() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        up.then(.status(500, retryAfter: nil), .status(503, retryAfter: nil))
        var (c, model) = configuration(endpoints: [up.url], size: 2)
        model.retry = RetryPolicy(conditions: [.gatewayError], retriableStatusCodes: [], maxRetries: 3)
        c.registry = ModelRegistry(models: [model])
        do {
            _ = try await pool(c).embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
            Issue.record("a 500 must not be retried under gateway-error alone")
        } catch {
            #expect(error.code == .upstreamError)
        }
        #expect(up.calls == 1)
    }

    @Test func anEndpointOutOfRotationIsSkipped() async throws {
        let dead = try FakeUpstream(size: 2)
        let live = try FakeUpstream(size: 2)
        defer { dead.stop(); live.stop() }
        var (c, model) = configuration(endpoints: [dead.url, live.url], size: 2)
        model.healthCheck = HealthCheck.Settings(interval: 0.05, timeout: 1, unhealthyThreshold: 1, healthyThreshold: 1)
        c.registry = ModelRegistry(models: [model])
        let seen = TransitionLog()
        let pool = pool(c) { seen.append($0) }
        dead.then(.status(503, retryAfter: nil))
        let checker = HealthChecker(pool: pool, registry: c.registry)
        for e in pool.endpoints(for: model.name) { #expect(await checker.probeIfDue(e, dialect: .openai)) }
        #expect(seen.all.map(\.endpoint) == [dead.url])
        #expect(pool.endpoints(for: model.name).map(\.health.inRotation) == [false, true])
        let before = dead.calls
        for _ in 0..<6 {
            let r = try await pool.embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
            #expect(r.endpoint == live.url)
        }
        #expect(dead.calls == before)
        #expect(pool.isAvailable(model.name))
    }

    @Test func everyEndpointOutOfRotationIsUnavailableAtOnceWithoutACall() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        var (c, model) = configuration(endpoints: [up.url], size: 2)
        model.healthCheck = HealthCheck.Settings(interval: 7, timeout: 1, unhealthyThreshold: 1, healthyThreshold: 1)
        c.registry = ModelRegistry(models: [model])
        let metrics = MetricsRegistry()
        let pool = pool(c, metrics: metrics)
        up.then(.status(503, retryAfter: nil))
        let endpoint = try #require(pool.endpoints(for: model.name).first)
        #expect(await HealthChecker(pool: pool, registry: c.registry).probeIfDue(endpoint, dialect: .openai))
        #expect(metrics.render().contains(#"integration_endpoint_healthy{model="general",endpoint="\#(up.url)"} 0"#))
        let calls = up.calls
        do {
            _ = try await pool.embed(model: model, texts: ["x"], requestID: "r", trace: .fresh())
            Issue.record("no endpoint in rotation must fail")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.retryAfter == 7)
            #expect(error.message.contains("health checks"))
        }
        #expect(up.calls == calls)
        #expect(!pool.isAvailable(model.name) && !pool.isInRotation(model.name))
    }

    @Test func theCheckerRunsOnItsOwnAndBringsAnEndpointBack() async throws {
        let up = try FakeUpstream(size: 2)
        defer { up.stop() }
        var (c, model) = configuration(endpoints: [up.url], size: 2)
        model.healthCheck = HealthCheck.Settings(interval: 0.02, timeout: 1, unhealthyThreshold: 2, healthyThreshold: 2)
        c.registry = ModelRegistry(models: [model])
        let seen = TransitionLog()
        let pool = pool(c) { seen.append($0) }
        up.then(.status(503, retryAfter: nil), .status(503, retryAfter: nil))
        let task = Task { await HealthChecker(pool: pool, registry: c.registry).run() }
        defer { task.cancel() }
        for _ in 0..<250 where seen.all.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(seen.all.map(\.to) == [.unhealthy, .healthy])
        #expect(seen.all.first?.reason == "HTTP 503 from /health")
        #expect(up.healthProbes >= 4)
        #expect(up.embedSizes.isEmpty)
    }
}
