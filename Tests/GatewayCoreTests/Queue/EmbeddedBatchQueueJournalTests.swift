#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import GatewayCore

private typealias Fixture = EmbeddedQueueFixture
private typealias RawFile = EmbeddedQueueRawFile

@Suite("Embedded batch queue: journal, replay, retention, compaction")
struct EmbeddedBatchQueueJournalTests {
    /// 100 jobs over two models, in every state; returns the records as the queue saw them.
    private func populate(_ queue: EmbeddedBatchQueue, clock: ManualClock) async throws -> [String: BatchRecord] {
        for n in 0..<100 {
            _ = try await queue.enqueue(Fixture.job(n, model: n % 4 == 0 ? "imp" : "mixtral", texts: 1 + n % 3))
        }
        // mixtral: claim 30 texts' worth, complete some, fail some for good, retry some.
        let claimed = try await queue.claim(model: "mixtral", maxTexts: 30, consumer: "w1")
        for (i, job) in claimed.enumerated() {
            clock.advance(by: .milliseconds(10))
            switch i % 4 {
            case 0, 1: try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job))
            case 2: try await queue.fail(jobID: job.id, reason: "bad input \(i)", retry: false)
            default: try await queue.fail(jobID: job.id, reason: "retry me", retry: true)
            }
        }
        // Left processing when the process "dies": 2 claims of imp.
        _ = try await queue.claim(model: "imp", maxTexts: 3, consumer: "w2")
        _ = try await queue.claim(model: "imp", maxTexts: 3, consumer: "w3")
        var records: [String: BatchRecord] = [:]
        for n in 0..<100 {
            let id = Fixture.job(n, model: n % 4 == 0 ? "imp" : "mixtral").id
            records[id] = await queue.record(jobID: id)
        }
        return records
    }

    @Test func replayAfterACrashRestoresEveryJob() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            var before: [String: BatchRecord] = [:]
            var impOrder: [String] = []
            var mixtralOrder: [String] = []
            do {
                // The queue goes away without close(): what a killed process leaves.
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                before = try await populate(queue, clock: clock)
                #expect(await queue.counts(model: "imp").processing > 0)
                impOrder = before.values.filter { $0.job.model == "imp" && $0.state != .completed }
                    .sorted { $0.job.queuedAt < $1.job.queuedAt }.map(\.job.id)
                mixtralOrder = try await Self.queueOrder(queue, model: "mixtral", clock: clock, copyFrom: dir)
            }
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            #expect(queue.replay.skipped == 0 && queue.replay.truncatedAt == nil)
            let abandoned = before.values.filter { $0.state == .processing }
            #expect(queue.replay.requeued == abandoned.count && abandoned.count > 0)
            for (id, old) in before {
                let now = try #require(await queue.record(jobID: id), "lost \(id)")
                if old.state == .processing {
                    // The worker died, not the upstream: queued again, attempt not counted.
                    var expected = old
                    expected.state = .queued
                    #expect(now == expected)
                } else {
                    #expect(now == old)
                }
            }
            let completed = before.values.filter { $0.state == .completed }
            #expect(!completed.isEmpty && completed.allSatisfy { $0.embeddings != nil })
            // Abandoned jobs lead their queue again, in their old order.
            let imp = try await queue.claim(model: "imp", maxTexts: 1000, consumer: "w").map(\.id)
            #expect(imp == impOrder)
            let mixtral = try await queue.claim(model: "mixtral", maxTexts: 1000, consumer: "w").map(\.id)
            #expect(mixtral == mixtralOrder)
        }
    }

    /// The order `claim` would hand out `model`'s queue in, read from a copy of the journal.
    private static func queueOrder(_ queue: EmbeddedBatchQueue, model: String, clock: ManualClock, copyFrom dir: String)
        async throws -> [String]
    {
        try await withEmbeddedQueueDirectory { copy in
            precondition(mkdir(copy + "/queue", 0o755) == 0)
            RawFile.write(copy + "/queue/journal.log", RawFile.read(queue.journalPath))
            let twin = try EmbeddedBatchQueue(dataDirectory: copy, clock: clock)
            defer { twin.close() }
            return try await twin.claim(model: model, maxTexts: 1000, consumer: "peek").map(\.id)
        }
    }

    @Test func aCompletionAfterReplayIsStillWrittenOnce() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let job = Fixture.job(1, texts: 2)
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                _ = try await queue.enqueue(job)
                _ = try await queue.claim(model: "mixtral", maxTexts: 10, consumer: "w1")
                try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job))
            }
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            // A worker that finished the same job before the restart reports again: ignored.
            try await queue.complete(jobID: job.id, embeddings: [[0, 0], [0, 0]])
            #expect(await queue.record(jobID: job.id)?.embeddings == Fixture.embeddings(for: job))
            #expect(await queue.record(jobID: job.id)?.attempts == 1)
        }
    }

    @Test func jobsAbandonedTwiceReplayAcrossTwoRestarts() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                for n in 1...3 { _ = try await queue.enqueue(Fixture.job(n)) }
                _ = try await queue.claim(model: "mixtral", maxTexts: 2, consumer: "w1")
            }
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                #expect(queue.replay.requeued == 2)
                // Claimed again by the new process, and it dies too.
                #expect(try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "w2").map(\.id) == ["batch_mixtral_1"])
            }
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            #expect(queue.replay.skipped == 0)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 3))
            let order = try await queue.claim(model: "mixtral", maxTexts: 3, consumer: "w3").map(\.id)
            #expect(order == ["batch_mixtral_1", "batch_mixtral_2", "batch_mixtral_3"])
        }
    }

    @Test func aTornLastRecordIsCutAndOnlyItIsLost() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            var path = ""
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                path = queue.journalPath
                for n in 1...3 { _ = try await queue.enqueue(Fixture.job(n)) }
            }
            let offsets = RawFile.frameOffsets(RawFile.read(path))
            #expect(offsets.count == 3)
            RawFile.truncate(path, by: 5)
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                #expect(queue.replay.truncatedAt == Int64(offsets[2]))
                #expect(queue.replay.records == 2)
                #expect(RawFile.size(path) == Int64(offsets[2]))
                #expect(await queue.record(jobID: "batch_mixtral_2")?.state == .queued)
                #expect(await queue.record(jobID: "batch_mixtral_3") == nil)
                // The next record follows the last good one: nothing torn is left in the middle.
                #expect(try await queue.enqueue(Fixture.job(4)) == 3)
            }
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            #expect(queue.replay.truncatedAt == nil && queue.replay.records == 3)
            #expect(await queue.pendingJobs(model: "mixtral") == 3)
        }
    }

    @Test func aTornTailInsideTheFrameHeaderOrAChecksumOfTheLastRecordIsCut() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            var path = ""
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                path = queue.journalPath
                for n in 1...3 { _ = try await queue.enqueue(Fixture.job(n)) }
            }
            var bytes = RawFile.read(path)
            let offsets = RawFile.frameOffsets(bytes)
            // Damage inside the last record's payload: the frame is complete but its CRC fails.
            bytes[bytes.count - 2] ^= 0xFF
            // And a few bytes of a next frame header that never got written completely.
            RawFile.write(path, bytes + [7, 0, 0])
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            #expect(queue.replay.records == 2)
            #expect(queue.replay.truncatedAt == Int64(offsets[2]))
            #expect(RawFile.size(path) == Int64(offsets[2]))
            #expect(await queue.record(jobID: "batch_mixtral_2")?.state == .queued)
            #expect(await queue.record(jobID: "batch_mixtral_3") == nil)
        }
    }

    @Test func corruptionInTheMiddleStopsTheOpenNamingFileAndOffset() async throws {
        try await withEmbeddedQueueDirectory { dir in
            var path = ""
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
                path = queue.journalPath
                for n in 1...3 { _ = try await queue.enqueue(Fixture.job(n)) }
            }
            let good = RawFile.read(path)
            let offsets = RawFile.frameOffsets(good)
            // A flipped bit in the second record's payload...
            var payload = good
            payload[offsets[1] + JournalFormat.frameHeaderSize + 3] ^= 0x10
            // ...and a damaged length in its frame header.
            var length = good
            length[offsets[1]] ^= 0x01
            for damaged in [payload, length] {
                RawFile.write(path, damaged)
                let error = #expect(throws: GatewayError.self) {
                    _ = try EmbeddedBatchQueue(dataDirectory: dir, clock: ManualClock())
                }
                #expect(error?.code == .unavailable)
                #expect(error?.message.contains(path) == true)
                #expect(error?.message.contains("offset \(offsets[1])") == true)
                #expect(error?.details.first { $0.0 == "offset" }?.1 == String(offsets[1]))
                let why = damaged == payload ? "checksum mismatch" : "damaged frame header"
                #expect(error?.message.contains(why) == true, "\(error?.message ?? "")")
                // The journal is left as it was, for whoever repairs it.
                #expect(RawFile.read(path) == damaged)
            }
        }
    }

    @Test func aFileThatIsNotAJournalIsRefused() async throws {
        try await withEmbeddedQueueDirectory { dir in
            precondition(mkdir(dir + "/queue", 0o755) == 0)
            RawFile.write(dir + "/queue/journal.log", Array("{\"not\": \"a journal\"}\n".utf8))
            let error = #expect(throws: GatewayError.self) { _ = try EmbeddedBatchQueue(dataDirectory: dir) }
            #expect(error?.message.contains("journal.log") == true)
        }
    }

    @Test func retentionPurgesOldFinishedJobsForGood() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let settings = BatchQueueSettings(resultRetention: .seconds(60))
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: clock)
                for n in 1...4 { _ = try await queue.enqueue(Fixture.job(n)) }
                _ = try await queue.claim(model: "mixtral", maxTexts: 3, consumer: "w")
                try await queue.complete(jobID: "batch_mixtral_1", embeddings: [[1]])
                try await queue.fail(jobID: "batch_mixtral_2", reason: "no", retry: false)
                clock.advance(by: .seconds(30))
                try await queue.complete(jobID: "batch_mixtral_3", embeddings: [[3]])
                clock.advance(by: .seconds(30))
                // 1 and 2 are 60 s old: gone. 3 is 30 s old, 4 still queued (never expires).
                #expect(try queue.purgeExpired() == 2)
                #expect(await queue.record(jobID: "batch_mixtral_1") == nil)
                #expect(await queue.record(jobID: "batch_mixtral_2") == nil)
                #expect(await queue.record(jobID: "batch_mixtral_3")?.state == .completed)
                #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 1, completed: 1))
                #expect(try queue.purgeExpired() == 0)
                // On access, past retention, without a purge pass.
                clock.advance(by: .seconds(30))
                #expect(await queue.record(jobID: "batch_mixtral_3") == nil)
                #expect(await queue.counts(model: "mixtral") == QueueCounts(pending: 1))
            }
            // Reopened with the clock set back: purged jobs do not come back.
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: ManualClock())
            for n in 1...3 { #expect(await queue.record(jobID: "batch_mixtral_\(n)") == nil) }
            #expect(await queue.record(jobID: "batch_mixtral_4")?.state == .queued)
        }
    }

    @Test func compactionKeepsEveryLiveJobAndShrinksTheFile() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let settings = BatchQueueSettings(resultRetention: .seconds(60))
            var before: [String: BatchRecord] = [:]
            var sizes: (Int64, Int64) = (0, 0)
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: clock)
                for n in 0..<60 { _ = try await queue.enqueue(Fixture.job(n, texts: 2)) }
                // 40 finish; the first 20 of them long ago (purged), the other 20 recently.
                for round in 0..<2 {
                    for job in try await queue.claim(model: "mixtral", maxTexts: 40, consumer: "w") {
                        try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job, dimensions: 64))
                    }
                    if round == 0 { clock.advance(by: .seconds(61)) }
                }
                #expect(try queue.purgeExpired() == 20)
                // Some retried (dead records), some left processing.
                let retried = try await queue.claim(model: "mixtral", maxTexts: 4, consumer: "w")
                for job in retried { try await queue.fail(jobID: job.id, reason: "flaky", retry: true) }
                _ = try await queue.claim(model: "mixtral", maxTexts: 6, consumer: "w")
                for n in 0..<60 { before[Fixture.job(n).id] = await queue.record(jobID: Fixture.job(n).id) }
                sizes.0 = queue.journalSize
                try await queue.compact()
                sizes.1 = queue.journalSize
                #expect(sizes.1 < sizes.0)
                // Still appending to the new file.
                _ = try await queue.enqueue(Fixture.job(100))
                before[Fixture.job(100).id] = await queue.record(jobID: Fixture.job(100).id)
            }
            #expect(before.values.filter { $0.state == .completed }.count == 20)
            #expect(before.values.filter { $0.state == .processing }.count == 3)
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: clock)
            #expect(queue.replay.skipped == 0 && queue.replay.requeued == 3)
            for n in [Array(0..<60), [100]].joined() {
                let id = Fixture.job(n).id
                var expected = before[id]
                if expected?.state == .processing { expected?.state = .queued }
                #expect(await queue.record(jobID: id) == expected, "job \(n)")
            }
            // Order: the processing ones first, then the retried ones, then the rest.
            let order = try await queue.claim(model: "mixtral", maxTexts: 1000, consumer: "w").map(\.id)
            #expect(order == ((40..<60).map { Fixture.job($0).id } + [Fixture.job(100).id]))
        }
    }

    @Test func compactionRunsByItselfWhenTheJournalIsLargeAndMostlyDead() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let settings = BatchQueueSettings(resultRetention: .seconds(60))
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: clock,
                                               compactionThreshold: 16 << 10)
            var peak: Int64 = 0
            var shrinks = 0
            for n in 0..<200 {
                let job = Fixture.job(n, texts: 2)
                _ = try await queue.enqueue(job)
                _ = try await queue.claim(model: "mixtral", maxTexts: 2, consumer: "w")
                try await queue.complete(jobID: job.id, embeddings: Fixture.embeddings(for: job, dimensions: 16))
                clock.advance(by: .seconds(1))
                let before = queue.journalSize
                try queue.purgeExpired()
                // A compaction that made due runs on the pool.
                await queue.compactionSettled()
                if queue.journalSize < before { shrinks += 1 }
                peak = max(peak, queue.journalSize)
            }
            #expect(shrinks > 0)
            // Compacted only when half dead: the file stays under about twice its live content
            // (about 86 KiB were written in all).
            try await queue.compact()
            #expect(peak < 2 * queue.journalSize + 4096)
            // Completed at second k, kept while k + 60 > 200: jobs 141...199.
            #expect(await queue.counts(model: "mixtral") == QueueCounts(completed: 59))
            queue.close()
            let reopened = try EmbeddedBatchQueue(dataDirectory: dir, settings: settings, clock: clock)
            #expect(await reopened.counts(model: "mixtral") == QueueCounts(completed: 59))
            #expect(await reopened.record(jobID: Fixture.job(140).id) == nil)
            #expect(await reopened.record(jobID: Fixture.job(199).id)?.embeddings == Fixture.embeddings(for: Fixture.job(199, texts: 2), dimensions: 16))
        }
    }
}
