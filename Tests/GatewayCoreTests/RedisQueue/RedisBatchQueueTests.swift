import GatewayCore
import Redis
import Testing

/// One instance against a real redis-server: the `BatchQueue` contract, step by step.
@Suite struct RedisBatchQueueTests {
    typealias F = RedisQueueFixture

    @Test func enqueueReturnsPositionsPerModelAndRecordsRoundTrip() async throws {
        try await F.withQueue { queue, _ throws in
            var first = F.job("a", texts: 2, pattern: .hybrid, urgent: true, degraded: true)
            first.texts = ["héllo \"wörld\"\n", "🙂\u{0}\\"]  // escapes, NUL, non-ASCII survive JSON
            #expect(try await queue.enqueue(first) == 1)
            #expect(try await queue.enqueue(F.job("b")) == 2)
            #expect(try await queue.enqueue(F.job("c", model: "imp")) == 1)
            #expect(try await queue.enqueue(F.job("d")) == 3)
            #expect(await queue.pendingJobs(model: "mixtral") == 3)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 3))
            #expect(await queue.counts(model: "imp") == QueueCounts(pending: 1))
            #expect(await queue.counts(model: "phi3") == QueueCounts())
            #expect(await queue.record(jobID: first.id) == BatchRecord(job: first))
            var ingest = F.job("e", texts: 2)
            ingest.ingest = IngestTarget(ids: ["p1", "p\"2"], payloads: [["k": "v"], [:]])
            #expect(try await queue.enqueue(ingest) == 4)
            #expect(await queue.record(jobID: ingest.id) == BatchRecord(job: ingest))
            #expect(await queue.record(jobID: "batch_mixtral_20250715_143000_nothere") == nil)
        }
    }

    @Test func enqueueRefusesEmptyAndDuplicateJobs() async throws {
        try await F.withQueue { queue, _ throws in
            var empty = F.job("e")
            empty.texts = []
            #expect(await F.error { _ = try await queue.enqueue(empty) }?.code == .invalidArgument)
            _ = try await queue.enqueue(F.job("a"))
            #expect(await F.error { _ = try await queue.enqueue(F.job("a")) }?.code == .internalError)
            #expect(await queue.pendingJobs(model: "mixtral") == 1)
        }
    }

    @Test func claimPacksWholeJobsOldestFirst() async throws {
        try await F.withQueue { queue, _ throws in
            for (name, texts) in [("a", 2), ("b", 3), ("c", 4), ("d", 2), ("e", 7)] {
                _ = try await queue.enqueue(F.job(name, texts: texts))
            }
            #expect(try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w1").map(\.id) == [F.job("a").id, F.job("b").id])
            // c (4) fits, d would make 6: it waits, undelivered, for the next claim.
            #expect(try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w1").map(\.id) == [F.job("c").id])
            #expect(try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w2").map(\.id) == [F.job("d").id])
            // Alone over the budget, still handed out whole.
            let big = try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w2")
            #expect(big == [F.job("e", texts: 7)])
            #expect(try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w2").isEmpty)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(processing: 5))
            #expect(await queue.record(jobID: F.job("e").id)?.state == .processing)
            #expect(try await queue.claim(model: "deepseek", maxTexts: 5, consumer: "w1").isEmpty)
        }
    }

    @Test func completeStoresEmbeddingsBitExactly() async throws {
        let clock = RedisQueueTestClock()
        try await F.withQueue(clock: clock) { queue, _ throws in
            let job = F.job("a", texts: 3)
            _ = try await queue.enqueue(job)
            _ = try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w1")
            clock.advance(.seconds(2))
            let vectors: [[Float]] = [
                [0, -0.0, 1.5, -3.25e-7],
                [.greatestFiniteMagnitude, .leastNonzeroMagnitude, -.infinity, .pi],
                [Float(bitPattern: 0x7FC0_1234), Float(bitPattern: 0x0000_0123), 42, -1],  // a NaN payload and a subnormal
            ]
            try await queue.complete(jobID: job.id, embeddings: vectors)
            let record = try #require(await queue.record(jobID: job.id))
            #expect(record.state == .completed)
            #expect(record.attempts == 1)
            #expect(record.completedItems == 3)
            #expect(record.completedAt == clock.wallTime())
            #expect(record.job == job)
            #expect(record.embeddings?.map { $0.map(\.bitPattern) } == vectors.map { $0.map(\.bitPattern) })
            #expect(await queue.counts(model: "mixtral") == QueueCounts(completed: 1))
        }
    }

    @Test func secondCompleteChangesNothing() async throws {
        try await F.withQueue { queue, _ throws in
            let job = F.job("a", texts: 2)
            _ = try await queue.enqueue(job)
            _ = try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w1")
            try await queue.complete(jobID: job.id, embeddings: F.vectors(2, seed: 1))
            let first = await queue.record(jobID: job.id)
            try await queue.complete(jobID: job.id, embeddings: F.vectors(2, seed: 9))
            try await queue.fail(jobID: job.id, reason: "late", retry: true)
            try await queue.fail(jobID: job.id, reason: "late", retry: false)
            #expect(await queue.record(jobID: job.id) == first)
            #expect(first?.attempts == 1)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(completed: 1))
            #expect(try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w2").isEmpty)
            // Unknown jobs: nothing to do, no error.
            try await queue.complete(jobID: "batch_mixtral_20250715_143000_gone", embeddings: F.vectors(1))
            try await queue.fail(jobID: "batch_mixtral_20250715_143000_gone", reason: "x", retry: true)
        }
    }

    @Test func completeWithTheWrongNumberOfEmbeddingsThrows() async throws {
        try await F.withQueue { queue, _ throws in
            let job = F.job("a", texts: 2)
            _ = try await queue.enqueue(job)
            _ = try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w1")
            #expect(await F.error { try await queue.complete(jobID: job.id, embeddings: F.vectors(3)) }?.code == .internalError)
            #expect(await F.error { try await queue.complete(jobID: job.id, embeddings: [[1, 2], [3]]) }?.code == .internalError)
            #expect(await queue.record(jobID: job.id)?.state == .processing)
        }
    }

    @Test func failWithRetryRequeuesAtTheFrontThenFailsForGood() async throws {
        let clock = RedisQueueTestClock()
        try await F.withQueue(clock: clock) { queue, _ throws in
            let a = F.job("a", texts: 2)
            _ = try await queue.enqueue(a)
            _ = try await queue.claim(model: "mixtral", maxTexts: 2, consumer: "w1")
            _ = try await queue.enqueue(F.job("b"))
            try await queue.fail(jobID: a.id, reason: "upstream 502", retry: true)
            #expect(await queue.record(jobID: a.id) == BatchRecord(job: a, state: .queued, attempts: 1))
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 2))
            // The retried job goes first again, ahead of b, which was queued later.
            #expect(try await queue.claim(model: "mixtral", maxTexts: 2, consumer: "w2").map(\.id) == [a.id])
            clock.advance(.seconds(1))
            try await queue.fail(jobID: a.id, reason: "upstream 502 again", retry: false)
            let failed = try #require(await queue.record(jobID: a.id))
            #expect(failed.state == .failed)
            #expect(failed.attempts == 2)
            #expect(failed.error == "upstream 502 again")
            #expect(failed.completedAt == clock.wallTime())
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 1, failed: 1))
            // Finished: later calls change nothing, and it is never handed out again.
            try await queue.fail(jobID: a.id, reason: "again", retry: true)
            try await queue.complete(jobID: a.id, embeddings: F.vectors(2))
            #expect(await queue.record(jobID: a.id) == failed)
            #expect(try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w2").map(\.id) == [F.job("b").id])
        }
    }

    @Test func failOfAQueuedJobIsIgnored() async throws {
        try await F.withQueue { queue, _ throws in
            let a = F.job("a")
            _ = try await queue.enqueue(a)
            try await queue.fail(jobID: a.id, reason: "not claimed", retry: false)
            #expect(await queue.record(jobID: a.id) == BatchRecord(job: a))
        }
    }

    @Test func queueFullPastTheLimitOfQueuedJobs() async throws {
        let settings = BatchQueueSettings(maxQueuedPerModel: 2, queueFullRetryAfter: 17)
        try await F.withQueue(settings: settings) { queue, _ throws in
            _ = try await queue.enqueue(F.job("a"))
            _ = try await queue.enqueue(F.job("b"))
            let error = await F.error { _ = try await queue.enqueue(F.job("c")) }
            #expect(error?.code == .queueFull)
            #expect(error?.retryAfter == 17)
            #expect(await queue.record(jobID: F.job("c").id) == nil)
            #expect(try await queue.enqueue(F.job("x", model: "imp")) == 1)  // per model
            // Processing jobs do not count against the limit.
            _ = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w1")
            #expect(try await queue.enqueue(F.job("c")) == 2)
        }
    }

    @Test func finishedRecordsExpireAfterRetention() async throws {
        let clock = RedisQueueTestClock()
        let settings = BatchQueueSettings(resultRetention: .milliseconds(300))
        try await F.withQueue(settings: settings, clock: clock) { queue, _ throws in
            let a = F.job("a")
            _ = try await queue.enqueue(a)
            _ = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w1")
            try await queue.complete(jobID: a.id, embeddings: F.vectors(1))
            #expect(await queue.counts(model: "mixtral").completed == 1)
            clock.advance(.milliseconds(301))
            #expect(await queue.counts(model: "mixtral").completed == 0)
            #expect(await F.eventually(within: 3) { await queue.record(jobID: a.id) == nil })
        }
    }
}

/// Queued generations on Redis: the request and the outputs read back exactly.
@Suite struct RedisGenerationJobTests {
    typealias F = RedisQueueFixture

    @Test func aGenerationJobRoundTripsAndCompletesWithItsOutputs() async throws {
        try await F.withQueue { queue, _ throws in
            var job = F.job("gen", model: "hermes", texts: 0, pattern: .hybrid)
            job.generation = GenerationRequest(
                input: .messages([ChatMessage(role: "user", content: "héllo \"wörld\"\n🙂")]),
                options: GenerationOptions(maxTokens: 77, temperature: 0.3, topP: 0.9, stop: ["\n\n"], seed: UInt64.max))
            var plain = F.job("gen2", model: "hermes", texts: 0, pattern: .hybrid)
            plain.generation = GenerationRequest(input: .prompt("p"), options: GenerationOptions())
            #expect(try await queue.enqueue(job) == 1)
            #expect(try await queue.enqueue(plain) == 2)
            #expect(await queue.record(jobID: job.id) == BatchRecord(job: job))
            // One item each: a budget of 1 takes one job.
            #expect(try await queue.claim(model: "hermes", maxTexts: 1, consumer: "w") == [job])
            let output = GeneratedText(text: "answer", finishReason: "stop", usage: TokenUsage(promptTokens: 3, completionTokens: 1),
                                       isChat: true)
            try await queue.complete(jobID: job.id, outputs: [output])
            let record = try #require(await queue.record(jobID: job.id))
            #expect(record.state == .completed && record.outputs == [output] && record.completedItems == 1)
            #expect(record.embeddings == nil && record.job == job)
        }
    }
}
