@testable import GatewayCore
import Testing

/// Compaction runs on the blocking pool without the queue's lock, so changes go on while it
/// writes: what they append to the old journal meanwhile (the tail) must reach the new one.
@Suite("Embedded batch queue: changes during a compaction")
struct EmbeddedBatchQueueCompactionTests {
    typealias Fixture = EmbeddedQueueFixture

    @Test("the tail appended while the snapshot was written is in the new journal",
          arguments: [1, 40])  // a few records; and over 256 KiB, copied partly outside the lock
    func tailReachesTheNewJournal(completionsDuring: Int) async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let settings = BatchQueueSettings(resultRetention: .seconds(60))
            var expected: [String: BatchRecord] = [:]
            var liveBytes = 0
            var sizes: (before: Int64, after: Int64) = (0, 0)
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: clock)
                for n in 0..<100 { _ = try await queue.enqueue(Fixture.job(n, texts: 2)) }
                try await finishOldest(queue, count: 60)
                clock.advance(by: .seconds(61))
                #expect(try queue.purgeExpired() == 60)
                // Taken as a compaction takes it: live jobs as of now, then the rewrite later.
                let plan = try #require(queue.core.withLock { queue.planCompaction(&$0) })
                // Meanwhile: new jobs, claims and completions of old and new ones.
                for n in 100..<100 + completionsDuring { _ = try await queue.enqueue(Fixture.job(n, texts: 2)) }
                try await finishOldest(queue, count: completionsDuring)
                _ = try await queue.claim(model: "mixtral", maxTexts: 2, consumer: "w")
                sizes.before = queue.journalSize
                #expect(queue.runCompaction(plan) == nil)
                sizes.after = queue.journalSize
                // Still appending to the new file.
                _ = try await queue.enqueue(Fixture.job(1000))
                for n in Array(0..<100 + completionsDuring) + [1000] {
                    expected[Fixture.job(n).id] = await queue.record(jobID: Fixture.job(n).id)
                }
                liveBytes = queue.core.withLock { $0.state.liveBytes }
                queue.close()
            }
            #expect(sizes.after < sizes.before)
            let reopened = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: clock)
            defer { reopened.close() }
            #expect(reopened.replay.skipped == 0 && reopened.replay.requeued == 1)
            for (id, record) in expected {
                var want = record
                if want.state == .processing { want.state = .queued }
                #expect(await reopened.record(jobID: id) == want, "\(id)")
            }
            // What the live queue counted as live is what replay counts: the next compaction
            // starts from the right estimate.
            #expect(reopened.core.withLock { $0.state.liveBytes } == liveBytes)
        }
    }

    @Test func aCompactionOfAClosedQueueLeavesTheJournalAlone() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let queue = try EmbeddedBatchQueue(dataDirectory: dir)
            for n in 0..<10 { _ = try await queue.enqueue(Fixture.job(n)) }
            let plan = try #require(queue.core.withLock { queue.planCompaction(&$0) })
            let before = EmbeddedQueueRawFile.read(queue.journalPath)
            queue.close()
            #expect(queue.runCompaction(plan)?.code == .unavailable)
            #expect(EmbeddedQueueRawFile.read(queue.journalPath) == before)
            #expect(!((try? JournalIO.listDirectory(dir + "/queue")) ?? []).contains { $0.hasSuffix(".compacting") })
            let reopened = try EmbeddedBatchQueue(dataDirectory: dir)
            defer { reopened.close() }
            #expect(await reopened.counts(model: "mixtral") == QueueCounts(pending: 10))
        }
    }

    /// Claims and completes the oldest `count` jobs, one claim each, with 2,048-float rows.
    private func finishOldest(_ queue: EmbeddedBatchQueue, count: Int) async throws {
        for _ in 0..<count {
            for job in try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w") {
                try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job, dimensions: 2048))
            }
        }
    }
}
