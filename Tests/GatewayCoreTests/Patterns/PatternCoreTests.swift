import Testing
import Upstream
@testable import GatewayCore

@Suite("Pattern core: routing, cache, queue, degradation", .serialized)
struct PatternCoreTests {
    let client: UpstreamClient
    init() throws { client = try UpstreamClient() }

    /// The nine models, each pointed at `url` with `size` dimensions (the fake answers any size).
    private func core(url: String, size: Int = 4, threshold: Int = 10, retries: Int = 0,
                      queue: any BatchQueue = MemoryBatchQueue()) -> PatternCore {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = [url]
            m.vectorSize = size
            m.timeout = 3
            return m
        }
        var c = CoreConfiguration(registry: ModelRegistry(models: models))
        c.retryAttempts = retries
        c.circuitBreakerThreshold = threshold
        c.bulkProcessingInterval = 1
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: client, metrics: metrics, retryBaseDelay: .milliseconds(5))
        return PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: queue, metrics: metrics)
    }

    private func call(_ model: String, _ texts: [String], single: Bool = false, urgent: Bool? = nil,
                      priority: Int? = nil) -> EmbedCall {
        EmbedCall(model: model, texts: texts, single: single, urgent: urgent, priority: priority,
                  context: CallContext(requestID: "t", protocolName: "rest"))
    }

    @Test func realTimeAnswersNowAndTheRepeatIsACacheHit() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let core = core(url: up.url)
        guard case .completed(let first) = try await core.embed(call("phi3", ["hello"], single: true)) else {
            Issue.record("phi3 must answer now"); return
        }
        #expect(first.vectors.count == 1 && first.vectors[0].count == 4)
        #expect(!first.cached && first.endpoint == up.url && first.pattern == .realTime)
        guard case .completed(let second) = try await core.embed(call("phi3", ["hello"], single: true)) else { return }
        #expect(second.cached && second.vectors == first.vectors)
        #expect(up.calls == 1)
        let text = core.metricsRegistry.render()
        #expect(text.contains(#"pattern_requests_total{model="phi3",pattern="real_time",protocol="rest",outcome="success"} 2"#))
        #expect(text.contains(#"pattern_cache_hits_total{model="phi3"} 1"#))
    }

    @Test("pattern routing", arguments: [
        ("mixtral", nil, nil, false), ("deepseek", true, nil, false), ("yi34", nil, nil, false),
        ("hermes", true, nil, true), ("hermes", nil, 5, true), ("hermes", nil, 4, false), ("openchat", false, nil, false),
        ("general", nil, nil, true),
    ] as [(String, Bool?, Int?, Bool)])
    func routing(_ model: String, _ urgent: Bool?, _ priority: Int?, _ answersNow: Bool) async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let outcome = try await core(url: up.url).embed(call(model, ["x", "y"], urgent: urgent, priority: priority))
        switch outcome {
        case .completed: #expect(answersNow)
        case .queued(let q):
            #expect(!answersNow)
            #expect(q.batchID.hasPrefix("batch_\(model == "yi34" ? "yi34b" : model)_"))
            #expect(q.itemsCount == 2 && q.queuePosition == 1 && !q.degraded)
        }
    }

    @Test func hybridDegradesToTheQueueWhenEveryBreakerIsOpenAndTheWorkerFinishesItLater() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, threshold: 1, queue: queue)
        up.then(.status(503, retryAfter: nil))
        // The failing call trips the breaker; the hybrid request is queued, degraded.
        guard case .queued(let q) = try await core.embed(call("hermes", ["a"], urgent: true)) else {
            Issue.record("expected a degraded queueing"); return
        }
        #expect(q.degraded)
        // Fast fail from now on, still queued.
        guard case .queued(let q2) = try await core.embed(call("hermes", ["b"], urgent: true)) else { return }
        #expect(q2.degraded && q2.queuePosition == 2)
        // A real-time model in the same state fails with circuit_open.
        let rt = self.core(url: try closedPortURL(), threshold: 1)
        await #expect(throws: GatewayError.self) { _ = try await rt.embed(call("phi3", ["a"])) }
        do {
            _ = try await rt.embed(call("phi3", ["a"]))
            Issue.record("expected circuit_open")
        } catch {
            #expect(error.code == .circuitOpen && error.retryAfter != nil)
        }
        // The worker processes the queue when it flushes.
        let hermes = try core.model(named: "hermes")
        let worker = BatchWorker(model: hermes, core: core, consumer: "test")
        // The breaker is open for 30 s: the flush fails and the jobs go back, not lost.
        #expect(await worker.flushOnce() == false)
        #expect(await queue.record(jobID: q.batchID)?.state == .queued)
    }

    @Test func workerCompletesQueuedJobsInBatches() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, queue: queue)
        var ids: [String] = []
        for i in 0..<5 {
            guard case .queued(let q) = try await core.embed(call("mixtral", ["t\(i)a", "t\(i)b"])) else { return }
            ids.append(q.batchID)
        }
        let worker = BatchWorker(model: try core.model(named: "mixtral"), core: core, consumer: "w")
        #expect(await worker.flushOnce(batchSize: 6))
        #expect(await worker.flushOnce(batchSize: 6))
        #expect(up.calls == 2)  // 3 jobs (6 texts), then 2 jobs (4 texts)
        for id in ids {
            let r = try #require(try await core.batch(id: id))
            #expect(r.state == .completed && r.embeddings?.count == 2 && r.attempts == 1)
        }
    }

    @Test("bad input names the field", arguments: [
        ("phi3", [String](), false, "texts", ErrorCode.invalidArgument),
        ("phi3", [""], true, "text", .invalidArgument),
        ("phi3", ["a", ""], false, "texts[1]", .invalidArgument),
        ("gpt4", ["a"], false, "model", .notFound),
        ("phi3", [String(repeating: "x", count: (1 << 20) + 1)], true, "text", .payloadTooLarge),
    ])
    func badInput(_ model: String, _ texts: [String], _ single: Bool, _ field: String, _ code: ErrorCode) async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        do {
            _ = try await core(url: up.url).embed(call(model, texts, single: single))
            Issue.record("expected \(code)")
        } catch {
            #expect(error.code == code)
            #expect(error.details.contains { $0.1 == field || ($0.0 == "model" && field == "model") })
        }
        #expect(up.calls == 0)
    }

    @Test func failoverDrillWalksTheBreakerAndLeavesLiveTrafficAlone() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let core = core(url: up.url, threshold: 3)
        let report = try await core.simulateFailover(model: "phi3")
        #expect(report.steps.map(\.state) == ["closed", "open", "half_open", "closed"])
        #expect(report.recovered)
        #expect(report.fastFailMs < 5)
        #expect(core.pool.endpoints(for: "phi3")[0].breaker.state == .closed)
        guard case .completed = try await core.embed(call("phi3", ["still fine"])) else {
            Issue.record("live traffic must be untouched"); return
        }
    }
}
