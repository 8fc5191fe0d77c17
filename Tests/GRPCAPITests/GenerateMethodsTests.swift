import Foundation
import GatewayCore
import GatewayHTTP
import GatewayProto
import GatewayTestSupport
import Testing

@testable import GRPCAPI

/// `Generate` and `GenerateStream` through `GRPCServer.handle` against a scripted model server:
/// the answers, the queued path and its outputs in GetBatch/WatchBatch, the stream chunk by
/// chunk, statuses for bad input and for failures mid-stream, and a client that leaves.
@Suite("gRPC generation", .serialized)
struct GenerateMethodsTests {
    typealias Chat = GatewayProto.ChatMessage

    private func withHarness(tokens: Int = 4, tokenDelay: Duration = .zero, timeout: Double = 3,
                             _ body: (FakeModelServer, GRPCHarness) async throws -> Void) async throws {
        let up = try FakeModelServer(tokens: tokens, tokenDelay: tokenDelay)
        defer { up.stop() }
        let h = try GRPCHarness(upstream: up.url, timeout: timeout)
        defer { h.close() }
        try await body(up, h)
    }

    // MARK: Generate

    @Test func aPromptOnARealTimeModelAnswersTheUpstreamsTextAndUsage() async throws {
        try await withHarness { up, h in
            let reply = await h.call("Generate", GenerateRequest(
                model: "phi3", prompt: "hello", maxTokens: 40, temperature: 0.7, topP: 0.9, stop: ["\n"], seed: 42))
            #expect(reply.status == 0, "\(reply.message)")
            let r = try #require(try reply.decoded(GenerateResponse.self).first)
            #expect(r.status == "completed" && r.model == "phi3" && r.pattern == "real_time" && r.processingMode == "real_time")
            #expect(r.text == "t0 t1 t2 t3 " && r.finishReason == "stop")
            #expect(r.usage == Usage(promptTokens: 2, completionTokens: 4, totalTokens: 6))
            #expect(r.endpoint == up.url && !r.cached && r.batchId.isEmpty && r.processingTimeMs > 0)
            #expect(up.lastRequest?.path == "/v1/completions")
            let sent = up.lastBody
            #expect(sent["prompt"] as? String == "hello" && sent["max_tokens"] as? Int == 40 && sent["seed"] as? Int == 42)
            #expect(sent["stop"] as? [String] == ["\n"] && sent["stream"] as? Bool == false)
            // The client's decimals, not the float's binary expansion (0.699999988…).
            #expect(up.lastRequest?.body.contains(#""temperature":0.7"#) == true, "\(up.lastRequest?.body ?? "")")
            #expect(up.lastRequest?.body.contains(#""top_p":0.9"#) == true)
            let metrics = h.core.renderMetrics()
            #expect(metrics.contains(#"pattern_tokens_total{model="phi3",kind="completion",protocol="grpc"} 4"#))
            #expect(metrics.contains(#"pattern_tokens_total{model="phi3",kind="prompt",protocol="grpc"} 2"#))
            #expect(metrics.contains(#"pattern_requests_total{model="phi3",pattern="real_time",protocol="grpc",outcome="success"} 1"#))
        }
    }

    @Test func messagesAreAChatAndZeroFieldsAreNotSent() async throws {
        try await withHarness { up, h in
            let reply = await h.call("Generate", GenerateRequest(
                model: "general", messages: [Chat(role: "system", content: "be brief"), Chat(role: "user", content: "hi")]))
            #expect(reply.status == 0, "\(reply.message)")
            let r = try #require(try reply.decoded(GenerateResponse.self).first)
            #expect(r.text == "t0 t1 t2 t3 " && r.status == "completed")
            #expect(up.lastRequest?.path == "/v1/chat/completions")
            let sent = up.lastBody
            let messages = try #require(sent["messages"] as? [[String: String]])
            #expect(messages == [["role": "system", "content": "be brief"], ["role": "user", "content": "hi"]])
            // proto3's 0 is "not given": the default max_tokens (256, capped at the model's 100), no sampling options.
            #expect(sent["max_tokens"] as? Int == 100)
            #expect(sent["temperature"] == nil && sent["top_p"] == nil && sent["seed"] == nil)
        }
    }

    @Test func aBulkOnlyModelQueuesAndTheBatchCarriesTheOutputs() async throws {
        try await withHarness(tokens: 3) { up, h in
            let reply = await h.call("Generate", GenerateRequest(model: "mixtral", prompt: "later", maxTokens: 9))
            #expect(reply.status == 0, "\(reply.message)")
            let q = try #require(try reply.decoded(GenerateResponse.self).first)
            #expect(q.status == "queued" && q.processingMode == "bulk" && q.pattern == "bulk_only" && q.model == "mixtral")
            #expect(q.batchId.hasPrefix("batch_mixtral_") && q.text.isEmpty && q.usage == nil)
            #expect(up.calls == 0)

            let pending = try #require(try await h.call("GetBatch", GetBatchRequest(batchId: q.batchId)).decoded(BatchStatus.self).first)
            #expect(pending.status == "queued" && pending.outputs.isEmpty && pending.itemsCount == 1)

            try await h.runQueue(model: "mixtral")
            let done = try #require(try await h.call("GetBatch", GetBatchRequest(batchId: q.batchId)).decoded(BatchStatus.self).first)
            #expect(done.status == "completed" && done.completedItems == 1 && done.embeddings.isEmpty)
            #expect(done.outputs == [GenerateResponse(
                model: "mixtral", pattern: "bulk_only", processingMode: "bulk", status: "completed", text: "t0 t1 t2 ",
                finishReason: "stop", usage: Usage(promptTokens: 2, completionTokens: 3, totalTokens: 5), batchId: q.batchId)])
            #expect(up.lastBody["max_tokens"] as? Int == 9)

            let watched = await h.call("WatchBatch", GetBatchRequest(batchId: q.batchId))
            #expect(watched.status == 0)
            let states = try watched.decoded(BatchStatus.self)
            #expect(states == [done])
        }
    }

    @Test func aNonUrgentHybridQueuesAnUrgentOneAnswersNow() async throws {
        try await withHarness { _, h in
            let chat = [Chat(role: "user", content: "hi")]
            let queued = try #require(try await h.call("Generate", GenerateRequest(model: "hermes", messages: chat))
                .decoded(GenerateResponse.self).first)
            #expect(queued.status == "queued" && queued.pattern == "hybrid")
            let now = try #require(try await h.call("Generate", GenerateRequest(model: "hermes", messages: chat, urgent: true))
                .decoded(GenerateResponse.self).first)
            #expect(now.status == "completed" && now.processingMode == "real_time" && now.text == "t0 t1 t2 t3 ")
            let byPriority = try #require(try await h.call("Generate", GenerateRequest(model: "hermes", messages: chat, priority: 7))
                .decoded(GenerateResponse.self).first)
            #expect(byPriority.status == "completed")
        }
    }

    // MARK: GenerateStream

    @Test func aStreamIsOneChunkPerUpstreamPieceThenReasonAndUsage() async throws {
        try await withHarness(tokens: 5, tokenDelay: .milliseconds(20)) { up, h in
            let reply = await h.call("GenerateStream", GenerateRequest(model: "general", prompt: "go", seed: 3))
            #expect(reply.status == 0 && reply.streamed, "\(reply.message)")
            let chunks = try reply.decoded(GenerateChunk.self)
            #expect(chunks.dropLast() == ["t0 ", "t1 ", "t2 ", "t3 ", "t4 "].map { GenerateChunk(text: $0) })
            #expect(chunks.last == GenerateChunk(finishReason: "stop", usage: Usage(promptTokens: 2, completionTokens: 5, totalTokens: 7)))
            #expect(up.lastBody["stream"] as? Bool == true)
            #expect(await up.eventually { up.completed == 1 })
            let whole = try #require(try await h.call("Generate", GenerateRequest(model: "general", prompt: "go", seed: 3))
                .decoded(GenerateResponse.self).first)
            #expect(chunks.map(\.text).joined() == whole.text)
            #expect(h.core.renderMetrics().contains(#"pattern_tokens_total{model="general",kind="completion",protocol="grpc"} 10"#))
        }
    }

    @Test func aChatStreamOnAHybridModelTakesTheRealTimePath() async throws {
        try await withHarness(tokens: 3) { up, h in
            let reply = await h.call("GenerateStream", GenerateRequest(model: "openchat", messages: [Chat(role: "user", content: "x")]))
            #expect(reply.status == 0, "\(reply.message)")
            let text = try reply.decoded(GenerateChunk.self).map(\.text).joined()
            #expect(text == "t0 t1 t2 ")
            #expect(up.lastRequest?.path == "/v1/chat/completions")
        }
    }

    @Test("bad requests are refused before any upstream call", arguments: [
        ("GenerateStream", GenerateRequest(model: "mixtral", prompt: "x"), 3, "bulk_only"),
        ("GenerateStream", GenerateRequest(model: "yi34", prompt: "x"), 3, "bulk_only"),
        ("Generate", GenerateRequest(model: "general", prompt: "x", messages: [GatewayProto.ChatMessage(role: "user", content: "y")]), 3, "not both"),
        ("GenerateStream", GenerateRequest(model: "general"), 3, "prompt or messages is required"),
        ("Generate", GenerateRequest(model: "gpt5", prompt: "x"), 5, "unknown model"),
        ("GenerateStream", GenerateRequest(model: "gpt5"), 5, "unknown model"),
        ("Generate", GenerateRequest(prompt: "x"), 3, "model is required"),
        ("GenerateStream", GenerateRequest(model: "general", prompt: "x", maxTokens: 101), 3, "at most 100"),
        ("Generate", GenerateRequest(model: "general", messages: [GatewayProto.ChatMessage(role: "wizard", content: "y")]), 3, "role"),
        ("Generate", GenerateRequest(model: "general", prompt: "x", stop: ["a", "b", "c", "d", "e"]), 3, "stop"),
        ("Generate", GenerateRequest(model: "general", prompt: "x", temperature: 3), 3, "temperature"),
        ("Generate", GenerateRequest(model: "general", prompt: "x", priority: -1), 3, "priority"),
    ] as [(String, GenerateRequest, Int, String)])
    func refused(_ method: String, _ request: GenerateRequest, _ status: Int, _ text: String) async throws {
        try await withHarness { up, h in
            let reply = await h.call(method, request)
            #expect(reply.status == status && reply.messages.isEmpty && !reply.streamed)
            #expect(reply.message.contains(text), "\(reply.message)")
            #expect(up.calls == 0)
        }
    }

    @Test("a failure mid-stream ends the call with its status after the chunks already sent", arguments: [
        (FakeModelServer.Answer.cut(after: 2), 14),
        (.errorEvent(after: 2), 14),
        (.stall(after: 2), 4),
    ] as [(FakeModelServer.Answer, Int)])
    func failureMidStream(_ fault: FakeModelServer.Answer, _ status: Int) async throws {
        try await withHarness(tokens: 6, tokenDelay: .milliseconds(10), timeout: 0.5) { up, h in
            up.then(fault)
            let reply = await h.call("GenerateStream", GenerateRequest(model: "general", prompt: "x"))
            #expect(reply.status == status, "\(reply.message)")
            #expect(reply.streamed, "headers went out with the first chunk; the status is a trailer")
            let chunks = try reply.decoded(GenerateChunk.self)
            #expect(chunks.map(\.text).joined() == "t0 t1 ")
            #expect(chunks.allSatisfy { $0.finishReason.isEmpty && $0.usage == nil })
            if case .stall = fault {
                #expect(reply.message.contains("sent no token"))
                #expect(await up.eventually { up.abandoned == 1 }, "the stalled upstream call was left open")
            }
            #expect(h.core.renderMetrics().contains(#"protocol="grpc",outcome="upstream_"#))
        }
    }

    @Test func aFailureBeforeTheFirstChunkIsTheOrdinaryStatus() async throws {
        try await withHarness { up, h in
            up.then(.errorEvent(after: 0))
            let reply = await h.call("GenerateStream", GenerateRequest(model: "general", prompt: "x"))
            #expect(reply.status == 14 && reply.messages.isEmpty && !reply.streamed, "\(reply.message)")
        }
    }

    // MARK: the client leaving

    @Test func aClientWhoseWritesFailStopsTheUpstreamCall() async throws {
        try await withHarness(tokens: 50, tokenDelay: .milliseconds(20)) { up, h in
            let writer = LeavingWriter(failAt: 3)
            await h.server.handle(GRPCHarness.request("GenerateStream", GenerateRequest(model: "phi3", prompt: "x")), writer)
            #expect(writer.recording.recorded.writeCalls == 2)
            #expect(await up.eventually { up.abandoned == 1 }, "the upstream kept generating for nobody")
            #expect(up.completed == 0)
        }
    }

    @Test func cancellingTheCallsTaskStopsTheUpstreamCall() async throws {
        try await withHarness(tokens: 100, tokenDelay: .milliseconds(20)) { up, h in
            let writer = RecordingResponseWriter()
            let task = Task {
                await h.server.handle(GRPCHarness.request("GenerateStream", GenerateRequest(model: "phi3", prompt: "x")), writer)
            }
            #expect(await up.eventually { writer.recorded.writeCalls >= 2 })
            task.cancel()  // what an RST_STREAM does to the handler's task
            await task.value
            #expect(await up.eventually { up.abandoned == 1 }, "the upstream kept generating after the cancel")
            #expect(up.completed == 0)
            #expect(h.core.renderMetrics().contains(#"protocol="grpc",outcome="cancelled"} 1"#))
        }
    }

    @Test func aDeadlineMidStreamIsDeadlineExceededAndStopsTheUpstream() async throws {
        try await withHarness(tokens: 100, tokenDelay: .milliseconds(20)) { up, h in
            let reply = await h.call("GenerateStream", GenerateRequest(model: "general", prompt: "x"),
                                     headers: [("grpc-timeout", "300m")])
            #expect(reply.status == 4 && reply.streamed)
            #expect(reply.messages.count >= 2 && reply.messages.count < 100)
            #expect(await up.eventually { up.abandoned == 1 })
        }
    }
}
