import Testing
import Upstream
@testable import GatewayCore

@Suite("Pattern core: batch parts and health rotation", .serialized)
struct PatternCoreUpstreamHealthTests {
    let client: UpstreamClient
    init() throws { client = try UpstreamClient() }

    /// The nine models on `url`; health checks as given (probed by hand in these tests).
    private func core(url: String, size: Int = 4, checks: HealthCheck.Settings = .init(interval: 0),
                      queue: any BatchQueue = MemoryBatchQueue()) -> PatternCore {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = [url]
            m.vectorSize = size
            m.timeout = 3
            m.healthCheck = checks
            return m
        }
        var c = CoreConfiguration(registry: ModelRegistry(models: models))
        c.retryAttempts = 0
        c.bulkProcessingInterval = 1
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: client, metrics: metrics, retryBaseDelay: .milliseconds(5))
        return PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: queue, metrics: metrics)
    }

    private func call(_ model: String, _ texts: [String], urgent: Bool? = nil) -> EmbedCall {
        EmbedCall(model: model, texts: texts, single: false, urgent: urgent,
                  context: CallContext(requestID: "t", protocolName: "rest"))
    }

    /// Takes every endpoint of `model` out of rotation: one failed probe with a threshold of 1.
    private func failHealth(_ core: PatternCore, _ up: FakeUpstream, _ model: String) async {
        up.then(.status(503, retryAfter: nil))
        let checker = HealthChecker(pool: core.pool, registry: core.configuration.registry)
        for e in core.pool.endpoints(for: model) { await checker.probeIfDue(e, dialect: .openai) }
    }

    @Test func aJobLargerThanTheBatchGoesUpInPartsInOrderAndCompletesWhole() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let core = core(url: up.url)
        let texts = (0..<120).map { "text \($0)" }
        guard case .queued(let q) = try await core.embed(call("mixtral", texts)) else {
            Issue.record("mixtral queues"); return
        }
        let worker = BatchWorker(model: try core.model(named: "mixtral"), core: core, consumer: "w")
        #expect(await worker.flushOnce(batchSize: 50))
        #expect(up.embedSizes == [50, 50, 20])
        let r = try #require(try await core.batch(id: q.batchID))
        #expect(r.state == .completed && r.attempts == 1)
        // The fake answers [i, i+1, …] for input i of a call: parts restart i at 0, in order.
        let firsts: [Float] = try #require(r.embeddings).map { $0[0] }
        var expected: [Float] = []
        for part in [50, 50, 20] { expected += (0..<part).map { Float($0) } }
        #expect(firsts == expected)
    }

    @Test func aFailedPartFailsTheWholeClaimAndNothingIsStored() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, queue: queue)
        guard case .queued(let q) = try await core.embed(call("mixtral", (0..<60).map { "t\($0)" })) else { return }
        up.then(.ok, .status(500, retryAfter: nil))
        let worker = BatchWorker(model: try core.model(named: "mixtral"), core: core, consumer: "w")
        #expect(await worker.flushOnce(batchSize: 50) == false)
        let r = try #require(await queue.record(jobID: q.batchID))
        #expect(r.state == .queued && r.embeddings == nil && r.attempts == 1)
        #expect(await worker.flushOnce(batchSize: 50))
        #expect(up.embedSizes == [50, 10, 50, 10])
        #expect(try await core.batch(id: q.batchID)?.embeddings?.count == 60)
    }

    @Test func aRealTimeModelOutOfRotationAnswers503AtOnce() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let core = core(url: up.url, checks: .init(interval: 10, timeout: 1, unhealthyThreshold: 1, healthyThreshold: 1))
        await failHealth(core, up, "phi3")
        #expect(!core.isServing(model: "phi3") && core.isServing(model: "general"))
        do {
            _ = try await core.embed(call("phi3", ["a"]))
            Issue.record("phi3 is out of rotation")
        } catch {
            #expect(error.code == .unavailable && error.retryAfter == 10)
        }
        #expect(up.embedSizes.isEmpty)
        let health = await core.health()
        #expect(health.first { $0.model == "phi3" }?.upstreamOK == false)
        #expect(health.first { $0.model == "general" }?.upstreamOK == true)
        let status = await core.patternsStatus()
        let phi3 = try #require(status.breakers.first { $0.model == "phi3" })
        #expect(!phi3.upstreamOK && phi3.state == "closed" && phi3.endpoints.first?.healthy == false)
        #expect(phi3.endpoints.first?.healthCheck?.lastFailure == "HTTP 503 from /health")
    }

    @Test func aHybridModelOutOfRotationDegradesToTheQueueAndTheWorkerWaits() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, checks: .init(interval: 10, timeout: 1, unhealthyThreshold: 1, healthyThreshold: 1),
                        queue: queue)
        await failHealth(core, up, "hermes")
        guard case .queued(let q) = try await core.embed(call("hermes", ["a"], urgent: true)) else {
            Issue.record("hermes degrades to the queue"); return
        }
        #expect(q.degraded)
        // The worker claims nothing while no endpoint is in rotation: the job keeps its attempts.
        let hermes = try core.model(named: "hermes")
        let worker = Task { await BatchWorker(model: hermes, core: core, consumer: "w", pollInterval: .milliseconds(10)).run() }
        try await Task.sleep(for: .milliseconds(1300))
        worker.cancel()
        let r = try #require(await queue.record(jobID: q.batchID))
        #expect(r.state == .queued && r.attempts == 0)
        #expect(up.embedSizes.isEmpty)
    }
}
