import Testing
@testable import GatewayCore

private typealias Fixture = EmbeddedQueueFixture

@Suite("Embedded batch queue: operations")
struct EmbeddedBatchQueueTests {
    @Test func enqueueAnswersPositionsInOrder() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
            #expect(try await queue.enqueue(Fixture.job(1)) == 1)
            #expect(try await queue.enqueue(Fixture.job(2)) == 2)
            #expect(try await queue.enqueue(Fixture.job(3)) == 3)
            #expect(try await queue.enqueue(Fixture.job(4, model: "imp")) == 1)
            #expect(await queue.pendingJobs(model: "mixtral") == 3)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 3))
            #expect(await queue.counts(model: "phi3") == QueueCounts())
            let record = try #require(await queue.record(jobID: "batch_mixtral_2"))
            #expect(record == BatchRecord(job: Fixture.job(2)))
            #expect(await queue.record(jobID: "batch_nope") == nil)
        }
    }

    @Test func enqueueRefusesAJobWithoutTextsAndADuplicateID() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
            var empty = Fixture.job(1)
            empty.texts = []
            await #expect(throws: GatewayError.self) { _ = try await queue.enqueue(empty) }
            _ = try await queue.enqueue(Fixture.job(1))
            let error = await #expect(throws: GatewayError.self) { _ = try await queue.enqueue(Fixture.job(1)) }
            #expect(error?.code == .internalError)
            #expect(await queue.pendingJobs(model: "mixtral") == 1)
        }
    }

    @Test func claimPacksWholeJobsOldestFirstUpToMaxTexts() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
            for (n, texts) in [(1, 3), (2, 4), (3, 5), (4, 1)] {
                _ = try await queue.enqueue(Fixture.job(n, texts: texts))
            }
            // 3 + 4 fit in 8; the third (5) does not, and the smaller fourth may not jump it.
            let first = try await queue.claim(model: "mixtral", maxTexts: 8, consumer: "w1")
            #expect(first.map(\.id) == ["batch_mixtral_1", "batch_mixtral_2"])
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 2, processing: 2))
            #expect(await queue.record(jobID: "batch_mixtral_1")?.state == .processing)
            #expect(await queue.record(jobID: "batch_mixtral_1")?.attempts == 0)
            // Alone over the limit: still claimed, alone.
            let oversize = try await queue.claim(model: "mixtral", maxTexts: 2, consumer: "w1")
            #expect(oversize.map(\.id) == ["batch_mixtral_3"])
            #expect(try await queue.claim(model: "mixtral", maxTexts: 100, consumer: "w1").map(\.id) == ["batch_mixtral_4"])
            #expect(try await queue.claim(model: "mixtral", maxTexts: 100, consumer: "w1").isEmpty)
            #expect(try await queue.claim(model: "unknown", maxTexts: 100, consumer: "w1").isEmpty)
            #expect(await queue.pendingJobs(model: "mixtral") == 0)
        }
    }

    @Test func completeStoresEmbeddingsAndCountsTheAttempt() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            let job = Fixture.job(1, texts: 3)
            _ = try await queue.enqueue(job)
            _ = try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w1")
            clock.advance(by: .seconds(5))
            try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job))
            let record = try #require(await queue.record(jobID: job.id))
            #expect(record.state == .completed)
            #expect(record.attempts == 1)
            #expect(record.completedItems == 3)
            #expect(record.embeddings == Fixture.embeddings(for: job))
            #expect(record.completedAt == clock.wallTime())
            #expect(record.error == nil)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(completed: 1))
        }
    }

    @Test func completeIsANoOpUnlessProcessing() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            let job = Fixture.job(1, texts: 2)
            _ = try await queue.enqueue(job)
            // Still queued: nothing happens.
            try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job))
            #expect(await queue.record(jobID: job.id)?.state == .queued)
            _ = try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w1")
            try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job))
            let first = try #require(await queue.record(jobID: job.id))
            let size = queue.journalSize
            clock.advance(by: .seconds(1))
            // A second completion (another worker, a replayed batch) changes nothing, writes nothing.
            try await queue.complete(jobID: job.id, embeddings: [[9, 9], [9, 9]])
            try await queue.fail(jobID: job.id, reason: "late", retry: false)
            try await queue.complete(jobID: "batch_unknown", embeddings: [[1]])
            #expect(await queue.record(jobID: job.id) == first)
            #expect(queue.journalSize == size)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(completed: 1))
        }
    }

    @Test func completeRefusesEmbeddingsThatDoNotMatchTheTexts() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
            let job = Fixture.job(1, texts: 2)
            _ = try await queue.enqueue(job)
            _ = try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w1")
            await #expect(throws: GatewayError.self) { try await queue.complete(jobID: job.id, embeddings: [[1, 2]]) }
            #expect(await queue.record(jobID: job.id)?.state == .processing)
        }
    }

    @Test func failWithRetryRequeuesAtTheFront() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
            for n in 1...3 { _ = try await queue.enqueue(Fixture.job(n)) }
            let claimed = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w1")
            #expect(claimed.map(\.id) == ["batch_mixtral_1"])
            try await queue.fail(jobID: "batch_mixtral_1", reason: "upstream 502", retry: true)
            let record = try #require(await queue.record(jobID: "batch_mixtral_1"))
            #expect(record.state == .queued && record.attempts == 1 && record.error == nil && record.completedAt == nil)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 3))
            let again = try await queue.claim(model: "mixtral", maxTexts: 2, consumer: "w2")
            #expect(again.map(\.id) == ["batch_mixtral_1", "batch_mixtral_2"])
            // Fail on a job that is not processing (queued, unknown): no-op.
            try await queue.fail(jobID: "batch_mixtral_3", reason: "x", retry: false)
            try await queue.fail(jobID: "batch_unknown", reason: "x", retry: true)
            #expect(await queue.record(jobID: "batch_mixtral_3")?.state == .queued)
        }
    }

    @Test func failWithoutRetryMarksFailedWithTheReason() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            _ = try await queue.enqueue(Fixture.job(1))
            _ = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w1")
            try await queue.fail(jobID: "batch_mixtral_1", reason: "first", retry: true)
            _ = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w1")
            clock.advance(by: .seconds(3))
            try await queue.fail(jobID: "batch_mixtral_1", reason: "upstream_error: model answered 500", retry: false)
            let record = try #require(await queue.record(jobID: "batch_mixtral_1"))
            #expect(record.state == .failed)
            #expect(record.error == "upstream_error: model answered 500")
            #expect(record.attempts == 2)
            #expect(record.completedAt == clock.wallTime())
            #expect(record.embeddings == nil && record.completedItems == 0)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(failed: 1))
            // Finished: later calls change nothing.
            try await queue.fail(jobID: "batch_mixtral_1", reason: "again", retry: true)
            try await queue.complete(jobID: "batch_mixtral_1", embeddings: [[1]])
            #expect(await queue.record(jobID: "batch_mixtral_1") == record)
        }
    }

    @Test func queueFullPastTheLimitWithRetryAfter() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let settings = BatchQueueSettings(maxQueuedPerModel: 2, queueFullRetryAfter: 17)
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: ManualClock())
            _ = try await queue.enqueue(Fixture.job(1))
            _ = try await queue.enqueue(Fixture.job(2))
            let error = await #expect(throws: GatewayError.self) { _ = try await queue.enqueue(Fixture.job(3)) }
            #expect(error?.code == .queueFull)
            #expect(error?.retryAfter == 17)
            #expect(error?.message.contains("mixtral") == true)
            #expect(await queue.record(jobID: "batch_mixtral_3") == nil)
            // Another model has its own limit; a claim frees a place (the limit counts queued jobs).
            #expect(try await queue.enqueue(Fixture.job(4, model: "imp")) == 1)
            _ = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w1")
            #expect(try await queue.enqueue(Fixture.job(3)) == 2)
        }
    }

    @Test func makeIDHasTheStampAndARandomSuffix() {
        let at = ManualClock().wallTime()  // 2025-07-15T14:30:00Z
        let a = EmbeddedBatchQueue.makeID(model: "mixtral", at: at)
        let b = EmbeddedBatchQueue.makeID(model: "mixtral", at: at)
        #expect(a.hasPrefix("batch_mixtral_20250715_143000_"))
        let suffix = a.dropFirst("batch_mixtral_20250715_143000_".count)
        #expect(suffix.count == 8 && suffix.allSatisfy(\.isHexDigit))
        #expect(a != b)
    }

    @Test func concurrentEnqueuesGetDistinctIDsAndPositionsAndAllReplay() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            let results = try await withThrowingTaskGroup(of: [(String, Int)].self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var mine: [(String, Int)] = []
                        for n in 0..<25 {
                            let id = EmbeddedBatchQueue.makeID(model: "mixtral", at: clock.wallTime())
                            let job = BatchJob(id: id, model: "mixtral", texts: ["t\(task).\(n)"], pattern: .bulkOnly,
                                               queuedAt: clock.wallTime(), requestID: "r\(task).\(n)")
                            mine.append((id, try await queue.enqueue(job)))
                        }
                        return mine
                    }
                }
                var all: [(String, Int)] = []
                for try await part in group { all += part }
                return all
            }
            #expect(Set(results.map(\.0)).count == 200)
            #expect(Set(results.map(\.1)) == Set(1...200))
            #expect(await queue.pendingJobs(model: "mixtral") == 200)
            queue.close()
            let reopened = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            #expect(reopened.replay.records == 200 && reopened.replay.skipped == 0)
            #expect(await reopened.counts(model: "mixtral") == QueueCounts(pending: 200))
            for (id, _) in results { #expect(await reopened.record(jobID: id)?.state == .queued) }
            // Replay keeps the order positions were handed out in.
            let order = try await reopened.claim(model: "mixtral", maxTexts: 200, consumer: "w").map(\.id)
            #expect(order == results.sorted { $0.1 < $1.1 }.map(\.0))
        }
    }

    @Test func aSecondQueueOnTheSameDirectoryIsRefused() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
            let error = #expect(throws: GatewayError.self) { _ = try EmbeddedBatchQueue(dataDirectory: dir) }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("journal.lock") == true)
            queue.close()
            _ = try EmbeddedBatchQueue(dataDirectory: dir)
        }
    }

    @Test func aClosedQueueRefusesChangesButStillAnswersReads() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
            _ = try await queue.enqueue(Fixture.job(1))
            queue.close()
            let error = await #expect(throws: GatewayError.self) { _ = try await queue.enqueue(Fixture.job(2)) }
            #expect(error?.code == .unavailable)
            await #expect(throws: GatewayError.self) { _ = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w") }
            #expect(await queue.record(jobID: "batch_mixtral_1")?.state == .queued)
            #expect(queue.journalFailure?.code == .unavailable)
        }
    }
}
