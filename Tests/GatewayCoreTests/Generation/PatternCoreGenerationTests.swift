import Testing
import Upstream
@testable import GatewayCore

@Suite("Pattern core: generation", .serialized)
struct PatternCoreGenerationTests {
    let client: UpstreamClient
    init() throws { client = try UpstreamClient() }

    private func core(url: String, retries: Int = 0, threshold: Int = 10, timeout: Double = 3,
                      queue: any BatchQueue = MemoryBatchQueue()) -> PatternCore {
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = [url]
            m.timeout = timeout
            m.healthCheck = .init(interval: 0)
            m.maxTokens = 100
            return m
        }
        var c = CoreConfiguration(registry: ModelRegistry(models: models))
        c.retryAttempts = retries
        c.circuitBreakerThreshold = threshold
        let metrics = MetricsRegistry()
        let pool = UpstreamPool(configuration: c, client: client, metrics: metrics, retryBaseDelay: .milliseconds(5))
        return PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: queue, metrics: metrics)
    }

    private func call(_ model: String, _ input: GenerationInput = .prompt("hello"), stream: Bool = false,
                      urgent: Bool? = nil, maxTokens: Int? = nil, stop: [String] = []) -> GenerateCall {
        GenerateCall(model: model, input: input, maxTokens: maxTokens, stop: stop, stream: stream, urgent: urgent,
                     context: CallContext(requestID: "g1", protocolName: "rest"))
    }

    private func drain(_ s: GenerationStream) async throws(GatewayError) -> [GenerationChunk] {
        var out: [GenerationChunk] = []
        while let c = try await s.next() { out.append(c) }
        return out
    }

    @Test func aRealTimeModelAnswersWholeAndCountsTheTokens() async throws {
        let up = try FakeGenerator(tokens: 4)
        defer { up.stop() }
        let core = core(url: up.url)
        guard case .completed(let c) = try await core.generate(call("phi3", .messages([ChatMessage(role: "user", content: "hi")]))) else {
            Issue.record("phi3 answers now"); return
        }
        #expect(c.result == GeneratedText(text: "t0 t1 t2 t3 ", finishReason: "stop",
                                          usage: TokenUsage(promptTokens: 2, completionTokens: 4), isChat: true))
        #expect(c.endpoint == up.url && c.pattern == .realTime)
        #expect(up.lastBody?["max_tokens"]?.intValue == 100 && up.lastBody?["stream"]?.boolValue == false)
        let text = core.metricsRegistry.render()
        #expect(text.contains(#"pattern_tokens_total{model="phi3",kind="completion",protocol="rest"} 4"#))
        #expect(text.contains(#"pattern_tokens_total{model="phi3",kind="prompt",protocol="rest"} 2"#))
        #expect(text.contains(#"pattern_time_to_first_token_seconds_count{model="phi3"} 1"#))
        #expect(text.contains(#"pattern_requests_total{model="phi3",pattern="real_time",protocol="rest",outcome="success"} 1"#))
    }

    @Test func aStreamGivesEveryPieceThenTheReasonAndUsage() async throws {
        let up = try FakeGenerator(tokens: 6, tokenDelay: .milliseconds(5))
        defer { up.stop() }
        let core = core(url: up.url)
        guard case .streaming(let s) = try await core.generate(call("general", stream: true)) else {
            Issue.record("a stream"); return
        }
        #expect(s.endpoint == up.url && s.model == "general")
        let chunks = try await drain(s)
        #expect(chunks.map(\.text).joined() == "t0 t1 t2 t3 t4 t5 ")
        #expect(chunks.last == GenerationChunk(text: "", finishReason: "stop", usage: TokenUsage(promptTokens: 2, completionTokens: 6)))
        #expect(chunks.dropLast().allSatisfy { $0.finishReason == nil && !$0.text.isEmpty })
        #expect(up.lastBody?["stream_options"]?["include_usage"]?.boolValue == true)
        #expect(core.generation.totals(for: "general").completionTokens == 6)
    }

    @Test func theWorkerRunsQueuedGenerationsSideBySideAndStoresTheirOutputs() async throws {
        let up = try FakeGenerator(tokens: 3, tokenDelay: .milliseconds(5))
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, queue: queue)
        var ids: [String] = []
        for i in 0..<4 {
            let input: GenerationInput = i % 2 == 0 ? .prompt("p\(i)") : .messages([ChatMessage(role: "user", content: "m\(i)")])
            guard case .queued(let q) = try await core.generate(call("deepseek", input)) else { return }
            ids.append(q.batchID)
        }
        up.then(.ok, .status(500))
        let worker = BatchWorker(model: try core.model(named: "deepseek"), core: core, consumer: "w")
        #expect(await worker.flushOnce(batchSize: 10) == false)  // one generation failed
        let records = await ids.asyncMap { await queue.record(jobID: $0) }
        #expect(records.filter { $0?.state == .completed }.count == 3)
        #expect(records.filter { $0?.state == .queued && $0?.attempts == 1 }.count == 1)
        for r in records.compactMap({ $0 }) where r.state == .completed {
            let out = try #require(r.outputs?.first)
            #expect(out.text == "t0 t1 t2 " && out.usage.completionTokens == 3 && out.isChat == r.job.generation?.input.isChat)
        }
        // The failed one goes again on the next flush.
        #expect(await worker.flushOnce(batchSize: 10))
        #expect(await ids.asyncMap { await queue.record(jobID: $0)?.state }.allSatisfy { $0 == .completed })
        #expect(core.metricsRegistry.render().contains(#"pattern_tokens_total{model="deepseek",kind="completion",protocol="batch"} 12"#))
    }

    @Test func streamingABulkOnlyModelIsRefusedNamingThePattern() async throws {
        let core = core(url: "http://127.0.0.1:1")
        do {
            _ = try await core.generate(call("mixtral", stream: true))
            Issue.record("a bulk_only model cannot stream")
        } catch {
            #expect(error.code == .invalidArgument && error.message.contains("bulk_only") && error.message.contains("batch_id"))
        }
    }

    @Test("queued: bulk_only, non-urgent hybrid", arguments: ["mixtral", "hermes", "yi34"])
    func queued(_ model: String) async throws {
        let queue = MemoryBatchQueue()
        let core = core(url: "http://127.0.0.1:1", queue: queue)
        guard case .queued(let q) = try await core.generate(call(model, maxTokens: 9, stop: ["."])) else {
            Issue.record("\(model) queues"); return
        }
        #expect(q.itemsCount == 1 && !q.degraded)
        let job = try #require(await queue.record(jobID: q.batchID)).job
        #expect(job.generation == GenerationRequest(input: .prompt("hello"), options: GenerationOptions(maxTokens: 9, stop: ["."])))
        #expect(job.texts.isEmpty && job.itemsCount == 1)
    }

    @Test func aStreamIsRetriedBeforeItsFirstChunkOnly() async throws {
        let up = try FakeGenerator(tokens: 5)
        defer { up.stop() }
        let core = core(url: up.url, retries: 2)
        up.then(.status(503), .cut(after: 2))
        guard case .streaming(let s) = try await core.generate(call("phi3", stream: true)) else { return }
        do {
            _ = try await drain(s)
            Issue.record("a cut stream must fail")
        } catch {
            #expect(error.code == .upstreamError)
        }
        // The 503 was retried; the cut, after the first chunk, was not.
        #expect(up.calls == 2)
        #expect(core.metricsRegistry.render().contains(#"outcome="upstream_error"} 1"#))
    }

    @Test func aQuietStreamEndsWithUpstreamTimeout() async throws {
        let up = try FakeGenerator(tokens: 5)
        defer { up.stop() }
        let core = core(url: up.url, timeout: 0.3)
        up.then(.stall(after: 1))
        guard case .streaming(let s) = try await core.generate(call("phi3", stream: true)) else { return }
        #expect(try await s.next()?.text == "t0 ")
        do {
            _ = try await s.next()
            Issue.record("a stalled stream must time out")
        } catch {
            #expect(error.code == .upstreamTimeout)
        }
    }

    @Test func cancellingAStreamStopsTheUpstreamCall() async throws {
        let up = try FakeGenerator(tokens: 5)
        defer { up.stop() }
        let core = core(url: up.url)
        up.then(.stall(after: 1))
        guard case .streaming(let s) = try await core.generate(call("phi3", stream: true)) else { return }
        _ = try await s.next()
        s.cancel()
        for _ in 0..<200 where up.abandoned == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(up.abandoned == 1)
        #expect(core.metricsRegistry.render().contains(#"outcome="cancelled"} 1"#))
    }

    @Test func aHybridModelWhoseUpstreamIsDownQueuesTheWholeCallButNotAStream() async throws {
        let core = core(url: "http://127.0.0.1:1", threshold: 1)
        guard case .queued(let q) = try await core.generate(call("hermes", urgent: true)) else {
            Issue.record("degraded to the queue"); return
        }
        #expect(q.degraded)
        await #expect(throws: GatewayError.self) { _ = try await core.generate(call("hermes", stream: true)) }
    }

    @Test("bad input names the field", arguments: [
        (GenerationInput.prompt(""), nil as Int?, [String](), "prompt"),
        (.messages([]), nil, [], "messages"),
        (.messages([ChatMessage(role: "robot", content: "x")]), nil, [], "messages[0].role"),
        (.prompt("x"), 0, [], "max_tokens"),
        (.prompt("x"), 101, [], "max_tokens"),
        (.prompt("x"), nil, ["a", "b", "c", "d", "e"], "stop"),
        (.prompt("x"), nil, ["a", ""], "stop[1]"),
    ])
    func badInput(_ input: GenerationInput, _ maxTokens: Int?, _ stop: [String], _ field: String) async {
        let core = core(url: "http://127.0.0.1:1")
        do {
            _ = try await core.generate(call("phi3", input, maxTokens: maxTokens, stop: stop))
            Issue.record("must be refused")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.details.contains { $0 == ("field", field) }, "\(error.details)")
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var out: [T] = []
        for e in self { out.append(await transform(e)) }
        return out
    }
}
