import Testing
@testable import GatewayCore

/// `ingestTexts`: the texts go through the model's pattern, and their embeddings become points.
/// The fake upstream embeds the i-th text of a call as [i, i+1, i+2, i+3].
extension PatternCoreVectorTests {
    @Test func textIngestOnARealTimeModelStoresThePointsNow() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, queue: queue)
        let request = TextIngest(model: "general", texts: ["a", "b"], payloads: [["lang": "en"], [:]],
                                 ids: ["t1", "t2"], context: ctx)
        guard case .ingested(let out) = try await core.ingestTexts(request) else {
            Issue.record("a real_time model answers now"); return
        }
        #expect(out.ids == ["t1", "t2"] && out.ingested == 2 && up.calls == 1)
        #expect(await queue.counts(model: "general").pending == 0)
        let hits = try await core.search(SearchQuery(model: "general", vector: [0, 1, 2, 3], limit: 2, context: ctx)).results
        #expect(hits.map(\.id) == ["t1", "t2"] && abs(hits[0].score - 1) < 1e-6)
        #expect(hits[0].payload == ["lang": "en"] && hits[1].payload == [:])
    }

    @Test func textIngestOnABulkModelLandsWhenTheBatchCompletes() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let queue = MemoryBatchQueue()
        let core = core(url: up.url, queue: queue)
        guard case .queued(let q, let ids) = try await core.ingestTexts(
            TextIngest(model: "mixtral", texts: ["a", "b", "c"], payloads: [["n": "0"], ["n": "1"], ["n": "2"]], context: ctx))
        else { Issue.record("a bulk_only model queues"); return }
        #expect(ids.count == 3 && Set(ids).count == 3 && q.itemsCount == 3)
        #expect(try await core.vectorStore.count(collection: "mixtral") == 0, "nothing lands before the batch runs")
        // A search cached now must not outlive the landing.
        let before = try await core.search(SearchQuery(model: "mixtral", vector: [1, 2, 3, 4], context: ctx))
        #expect(before.results.isEmpty)
        let worker = BatchWorker(model: try core.model(named: "mixtral"), core: core, consumer: "w")
        #expect(await worker.flushOnce())
        #expect(try await core.batch(id: q.batchID)?.state == .completed)
        #expect(try await core.vectorStore.count(collection: "mixtral") == 3)
        let after = try await core.search(SearchQuery(model: "mixtral", vector: [1, 2, 3, 4], limit: 1, context: ctx))
        #expect(!after.cached && after.results.map(\.id) == [ids[1]] && after.results[0].payload == ["n": "1"])
    }

    @Test func hybridTextIngestFollowsUrgency() async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let core = core(url: up.url)
        guard case .ingested = try await core.ingestTexts(TextIngest(model: "hermes", texts: ["u"], urgent: true, context: ctx)) else {
            Issue.record("urgent hybrid answers now"); return
        }
        guard case .queued = try await core.ingestTexts(TextIngest(model: "hermes", texts: ["n"], context: ctx)) else {
            Issue.record("non-urgent hybrid queues"); return
        }
        #expect(try await core.vectorStore.count(collection: "hermes") == 1)
    }

    @Test("mismatched payloads or ids are refused before anything is embedded", arguments: [
        (TextIngestCase(payloads: [[:]]), "payloads"),
        (TextIngestCase(ids: ["x"]), "ids"),
        (TextIngestCase(ids: ["x", ""]), "ids[1]"),
        (TextIngestCase(texts: ["a", ""]), "texts[1]"),
    ] as [(TextIngestCase, String)])
    func badTextIngests(_ c: TextIngestCase, _ field: String) async throws {
        let up = try FakeUpstream(size: 4)
        defer { up.stop() }
        let core = core(url: up.url)
        await expectError(.invalidArgument, field: field, "\(c)") {
            _ = try await core.ingestTexts(TextIngest(model: "general", texts: c.texts, payloads: c.payloads, ids: c.ids, context: ctx))
        }
        #expect(up.calls == 0)
    }
}

struct TextIngestCase: Sendable, CustomStringConvertible {
    var texts = ["a", "b"]
    var payloads: [[String: String]]?
    var ids: [String]?
    var description: String { "texts \(texts.count), payloads \(payloads?.count ?? -1), ids \(ids ?? [])" }
}
