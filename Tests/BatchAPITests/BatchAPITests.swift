#if canImport(Glibc)
import Glibc
#endif
import BatchAPI
import GatewayCore
import JSON
import Testing
import Upstream

@Suite("Batch API input files")
struct BatchInputParserTests {
    private let endpoint = "/v1/embeddings"

    private func line(_ id: String, url: String = "/v1/embeddings", method: String = "POST", body: String = #"{"input":"x"}"#) -> String {
        #"{"custom_id":"\#(id)","method":"\#(method)","url":"\#(url)","body":\#(body)}"#
    }

    @Test func goodLinesKeepTheirNumbersAndBodies() {
        let file = line("a") + "\n\n" + line("b", body: #"{"input":["y","z"],"model":"general"}"#) + "\r\n"
        guard case .lines(let lines) = BatchInputParser.parse(Array(file.utf8), endpoint: endpoint) else {
            Issue.record("a good file"); return
        }
        #expect(lines.map(\.number) == [1, 3] && lines.map(\.customID) == ["a", "b"])
        #expect((try? JSON.parse(lines[1].body))?["model"]?.stringValue == "general")
    }

    @Test("what fails the whole batch, by line", arguments: [
        ("not json", "invalid_json_line", 1),
        ("[1,2]", "invalid_json_line", 1),
        (#"{"method":"POST","url":"/v1/embeddings","body":{}}"#, "missing_required_parameter", 1),
        (#"{"custom_id":"a","method":"GET","url":"/v1/embeddings","body":{}}"#, "invalid_method", 1),
        (#"{"custom_id":"a","method":"POST","url":"/v1/completions","body":{}}"#, "mismatched_endpoint", 1),
        (#"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":"text"}"#, "invalid_body", 1),
    ])
    func invalid(_ text: String, _ code: String, _ lineNumber: Int) {
        guard case .invalid(let errors) = BatchInputParser.parse(Array(text.utf8), endpoint: endpoint) else {
            Issue.record("must be refused"); return
        }
        #expect(errors.first?.code == code && errors.first?.line == lineNumber)
    }

    @Test func repeatsEmptinessAndSizeAreCaught() {
        let dup = line("a") + "\n" + line("a")
        guard case .invalid(let d) = BatchInputParser.parse(Array(dup.utf8), endpoint: endpoint) else { return }
        #expect(d.map(\.code) == ["duplicate_custom_id"] && d[0].line == 2)
        guard case .invalid(let e) = BatchInputParser.parse(Array(" \n\n".utf8), endpoint: endpoint) else { return }
        #expect(e.map(\.code) == ["empty_file"])
        let many = (0..<4).map { line("l\($0)") }.joined(separator: "\n")
        guard case .invalid(let m) = BatchInputParser.parse(Array(many.utf8), endpoint: endpoint,
                                                            limits: .init(maxLines: 3)) else { return }
        #expect(m.last?.code == "too_many_lines" && m.last?.line == 4)
        let bad = (0..<500).map { _ in "nope" }.joined(separator: "\n")
        guard case .invalid(let capped) = BatchInputParser.parse(Array(bad.utf8), endpoint: endpoint, reportAtMost: 10) else { return }
        #expect(capped.count == 10)
    }
}

/// Batches end to end over a real embedded queue and stores in a scratch directory; the jobs are
/// finished by hand, as a worker would.
@Suite("Batch API: files, batches and their coordinator", .serialized)
struct BatchCoordinatorTests {
    /// Lines are `{"model","input"}` embeddings; a body without `input` is invalid.
    struct EmbedCodec: BatchLineCodec {
        let core: PatternCore
        var endpoints: [String] { ["/v1/embeddings"] }

        func enqueue(endpoint: String, body: [UInt8], context: CallContext,
                     jobID: @escaping @Sendable (String) -> String) async throws(GatewayError) -> String {
            let v = try? JSON.parse(body)
            guard let input = v?["input"]?.stringValue else { throw .invalid("input is required", field: "input") }
            return try await core.queueEmbedding(model: v?["model"]?.stringValue ?? "general", texts: [input],
                                                 context: context, jobID: jobID)
        }

        func responseBody(endpoint: String, record: BatchRecord) -> [UInt8] {
            Array(#"{"n":\#(record.embeddings?.count ?? -1)}"#.utf8)
        }
    }

    struct Rig {
        let dir: String
        let queue: EmbeddedBatchQueue
        let core: PatternCore
        let service: BatchService
        let coordinator: BatchCoordinator
    }

    private func rig(_ dir: String) throws -> Rig {
        let queue = try EmbeddedBatchQueue(dataDirectory: dir + "/queue")
        let models = ModelRegistry.defaults.map { m -> ModelConfig in
            var m = m
            m.endpoints = ["http://127.0.0.1:1"]
            m.healthCheck = .init(interval: 0)
            return m
        }
        let config = CoreConfiguration(registry: ModelRegistry(models: models))
        let metrics = MetricsRegistry()
        let core = PatternCore(configuration: config,
                               pool: UpstreamPool(configuration: config, client: try UpstreamClient(), metrics: metrics),
                               cache: EmbeddingCache(), queue: queue, metrics: metrics)
        let service = BatchService(core: core, files: try EmbeddedFileStore(directory: dir + "/files"),
                                   batches: try EmbeddedBatchStore(directory: dir + "/batches"), codec: EmbedCodec(core: core))
        return Rig(dir: dir, queue: queue, core: core, service: service, coordinator: BatchCoordinator(service: service, owner: "t"))
    }

    private func withDirectory(_ body: (String) async throws -> Void) async throws {
        var template = Array("/tmp/batch-api-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let path = String(cString: made!)
        defer { _ = system("rm -rf '\(path)'") }
        try await body(path)
    }

    private func file(_ lines: [String]) -> [UInt8] {
        Array(lines.joined(separator: "\n").utf8)
    }

    private func request(_ id: String, _ input: String?, model: String = "general") -> String {
        let body = input.map { #"{"model":"\#(model)","input":"\#($0)"}"# } ?? #"{"model":"\#(model)"}"#
        return #"{"custom_id":"\#(id)","method":"POST","url":"/v1/embeddings","body":\#(body)}"#
    }

    /// What a worker does: every queued job of `model` completes with one vector per text.
    private func work(_ r: Rig, model: String = "general") async throws {
        for job in try await r.queue.claim(model: model, maxTexts: 1000, consumer: "w") {
            try await r.queue.complete(jobID: job.id, embeddings: job.texts.map { _ in [1, 0] })
        }
    }

    @Test func aBatchRunsItsLinesAndWritesItsOutputAndErrorFiles() async throws {
        try await withDirectory { dir in
            let r = try rig(dir)
            let input = try await r.service.createFile(filename: "in.jsonl", purpose: "batch", content: file([
                request("a", "one"), request("b", nil), request("c", "three", model: "mixtral"),
            ]))
            let created = try await r.service.createBatch(inputFileID: input.id, endpoint: "/v1/embeddings",
                                                          completionWindow: "24h", metadata: [("team", "search")])
            #expect(created.status == .validating && created.id.hasPrefix("batch_"))
            await r.coordinator.tick()
            var b = try await r.service.batch(id: created.id)
            #expect(b.status == .inProgress && b.requestCounts == .init(total: 3, completed: 0, failed: 1))
            // Lines of several models: each went to its own model's queue.
            #expect(await r.core.queueStatus().models.first { $0.model == "mixtral" }?.counts.pending == 1)
            try await work(r)
            await r.coordinator.tick()
            #expect(try await r.service.batch(id: created.id).status == .inProgress)
            try await work(r, model: "mixtral")
            await r.coordinator.tick()
            b = try await r.service.batch(id: created.id)
            #expect(b.status == .completed && b.requestCounts == .init(total: 3, completed: 2, failed: 1))
            #expect(b.completedAt != nil && b.finalizingAt != nil && b.metadata?.first?.1 == "search")
            let output = try await r.service.fileContent(id: try #require(b.outputFileID))
            let outLines = output.split(separator: 10).compactMap { try? JSON.parse(Array($0)) }
            #expect(outLines.map { $0["custom_id"]?.stringValue } == ["a", "c"])
            #expect(outLines[0]["response"]?["status_code"]?.intValue == 200)
            #expect(outLines[0]["response"]?["body"]?["n"]?.intValue == 1)
            #expect(outLines[0]["response"]?["request_id"]?.stringValue == "\(b.id)-a")
            let errors = try await r.service.fileContent(id: try #require(b.errorFileID))
            let errLine = try JSON.parse(Array(errors.split(separator: 10)[0]))
            #expect(errLine["custom_id"]?.stringValue == "b" && errLine["error"]?["code"]?.stringValue == "invalid_argument")
            #expect(try await r.service.file(id: b.outputFileID!).purpose == "batch_output")

            // Everything reads back from the directories, as after a restart.
            let again = BatchService(core: r.core, files: try EmbeddedFileStore(directory: dir + "/files"),
                                     batches: try EmbeddedBatchStore(directory: dir + "/batches"), codec: EmbedCodec(core: r.core))
            #expect(try await again.batch(id: b.id) == b)
            #expect(try await again.fileContent(id: b.outputFileID!) == output)
            #expect(try await again.list(after: nil, limit: 10).batches.map(\.id) == [b.id])
        }
    }

    @Test func aCancelledBatchFailsItsQueuedLinesAndEndsCancelled() async throws {
        try await withDirectory { dir in
            let r = try rig(dir)
            let input = try await r.service.createFile(filename: "in.jsonl", purpose: "batch",
                                                       content: file((0..<4).map { request("r\($0)", "t\($0)") }))
            let b = try await r.service.createBatch(inputFileID: input.id, endpoint: "/v1/embeddings", completionWindow: "24h",
                                                    metadata: nil)
            await r.coordinator.tick()
            // One line is already running when the cancel comes: it finishes.
            let running = try await r.queue.claim(model: "general", maxTexts: 1, consumer: "w")
            #expect(try await r.service.cancel(id: b.id).status == .cancelling)
            await r.coordinator.tick()
            #expect(try await r.service.batch(id: b.id).status == .cancelling)
            try await r.queue.complete(jobID: running[0].id, embeddings: [[1, 0]])
            await r.coordinator.tick()
            let done = try await r.service.batch(id: b.id)
            #expect(done.status == .cancelled && done.cancelledAt != nil)
            #expect(done.requestCounts == .init(total: 4, completed: 1, failed: 3))
            let errors = try await r.service.fileContent(id: try #require(done.errorFileID))
            #expect(errors.split(separator: 10).compactMap { try? JSON.parse(Array($0))["error"]?["code"]?.stringValue }
                == ["batch_cancelled", "batch_cancelled", "batch_cancelled"])
            await #expect(throws: GatewayError.self) { _ = try await r.service.cancel(id: b.id) }
        }
    }

    @Test func aBadFileFailsTheBatchWithNumberedErrors() async throws {
        try await withDirectory { dir in
            let r = try rig(dir)
            let input = try await r.service.createFile(filename: "in.jsonl", purpose: "batch", content: file([
                request("a", "x"), #"{"custom_id":"b","method":"POST","url":"/v1/completions","body":{}}"#, "oops",
            ]))
            let b = try await r.service.createBatch(inputFileID: input.id, endpoint: "/v1/embeddings", completionWindow: "24h",
                                                    metadata: nil)
            await r.coordinator.tick()
            let failed = try await r.service.batch(id: b.id)
            #expect(failed.status == .failed && failed.failedAt != nil)
            #expect(failed.errors?.map(\.line) == [2, 3])
            #expect(await r.core.queueStatus().total.pending == 0, "nothing of a failed batch is queued")
        }
    }

    @Test func queueingTheLinesTwiceQueuesEachJobOnce() async throws {
        try await withDirectory { dir in
            let r = try rig(dir)
            let codec = EmbedCodec(core: r.core)
            let body = Array(#"{"input":"once"}"#.utf8)
            let context = CallContext(requestID: "x", protocolName: "openai")
            let id = { @Sendable (model: String) in "batch_\(model)_20250715_143000_fixedl1" }
            let first = try await codec.enqueue(endpoint: "/v1/embeddings", body: body, context: context, jobID: id)
            let second = try await codec.enqueue(endpoint: "/v1/embeddings", body: body, context: context, jobID: id)
            #expect(first == second)
            #expect(await r.core.queueStatus().total.pending == 1)
        }
    }

    @Test func filesAndBatchesRefuseWhatTheAPIDoesNotTake() async throws {
        try await withDirectory { dir in
            let r = try rig(dir)
            await #expect(throws: GatewayError.self) {
                _ = try await r.service.createFile(filename: "x", purpose: "fine-tune", content: [1])
            }
            let input = try await r.service.createFile(filename: "x", purpose: "batch", content: Array("{}".utf8))
            for (endpoint, window) in [("/v1/images", "24h"), ("/v1/embeddings", "1h")] {
                await #expect(throws: GatewayError.self) {
                    _ = try await r.service.createBatch(inputFileID: input.id, endpoint: endpoint, completionWindow: window,
                                                        metadata: nil)
                }
            }
            do throws(GatewayError) {
                _ = try await r.service.batch(id: "batch_nothere")
                Issue.record("unknown")
            } catch {
                #expect(error.code == .notFound)
            }
            try await r.service.deleteFile(id: input.id)
            await #expect(throws: GatewayError.self) { _ = try await r.service.file(id: input.id) }
        }
    }
}
