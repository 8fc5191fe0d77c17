import Testing
@testable import GatewayCore

/// Queued generations (spec §7) in the embedded queue: their request and their outputs survive the
/// journal, replay and compaction exactly.
@Suite("Generation jobs in the embedded queue")
struct GenerationJobQueueTests {
    static func job(_ n: Int, chat: Bool = false) -> BatchJob {
        let input: GenerationInput = chat
            ? .messages([ChatMessage(role: "system", content: "be brief"), ChatMessage(role: "user", content: "q\(n) é\n🙂")])
            : .prompt("prompt \(n) \"quoted\"")
        let options = GenerationOptions(maxTokens: 64 + n, temperature: chat ? 0.7 : nil, topP: 0.1 + 0.2,
                                        stop: chat ? ["\n\n", "END"] : [], seed: chat ? UInt64.max - 1 : 42)
        return BatchJob(id: "batch_hermes_20250715_143000_g\(n)", model: "hermes", texts: [], pattern: .hybrid,
                        queuedAt: UnixTime(nanosecondsSinceEpoch: 1_752_589_800_123_456_789 + Int64(n)), requestID: "req-g\(n)",
                        generation: GenerationRequest(input: input, options: options))
    }

    static let output = GeneratedText(text: "an answer ✓", finishReason: "length",
                                      usage: TokenUsage(promptTokens: 12, completionTokens: 64), isChat: true)

    @Test func generationRecordsRoundTripAndOlderKindsStayAsTheyWere() throws {
        let records: [JournalRecord] = [
            .accepted(Self.job(1)), .accepted(Self.job(2, chat: true)),
            .completedOutputs(id: Self.job(1).id, outputs: [Self.output], attempts: 2, at: UnixTime(nanosecondsSinceEpoch: 7)),
            .snapshot(BatchRecord(job: Self.job(3, chat: true), state: .completed, attempts: 1, completedItems: 1,
                                  outputs: [Self.output], completedAt: UnixTime(nanosecondsSinceEpoch: 9))),
            .snapshot(BatchRecord(job: Self.job(4), state: .queued)),
        ]
        for record in records { #expect(try JournalRecord.decode(record.encoded()) == record) }
        #expect(JournalRecord.accepted(Self.job(1)).encoded().first == 9)
        // An embed job keeps kind 1, so journals written before generation decode as before.
        #expect(JournalRecord.accepted(EmbeddedQueueFixture.job(1)).encoded().first == 1)
    }

    @Test func aGenerationJobIsOneItemAndItsOutputsSurviveReplayAndCompaction() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let clock = ManualClock()
            let jobs = (0..<4).map { Self.job($0, chat: $0 % 2 == 1) }
            do {
                let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
                for j in jobs { _ = try await queue.enqueue(j) }
                // Four one-item jobs: a budget of 3 takes 3.
                let claimed = try await queue.claim(model: "hermes", maxTexts: 3, consumer: "w")
                #expect(claimed == Array(jobs.prefix(3)))
                try await queue.complete(jobID: jobs[0].id, outputs: [Self.output])
                try await queue.compact()
                try await queue.complete(jobID: jobs[1].id, outputs: [Self.output])
                let done = try #require(await queue.record(jobID: jobs[0].id))
                #expect(done.state == .completed && done.outputs == [Self.output] && done.completedItems == 1)
                #expect(done.embeddings == nil)
                // A generation job has exactly one output.
                await #expect(throws: GatewayError.self) {
                    try await queue.complete(jobID: jobs[2].id, outputs: [Self.output, Self.output])
                }
                // Free the directory now: a task of the blocking pool may still hold the queue for
                // a moment, and the lock would go only with the last reference.
                queue.close()
            }
            let queue = try EmbeddedBatchQueue(dataDirectory: dir, clock: clock)
            #expect(await queue.record(jobID: jobs[0].id)?.outputs == [Self.output])
            #expect(await queue.record(jobID: jobs[1].id)?.outputs == [Self.output])
            #expect(await queue.record(jobID: jobs[2].id)?.job == jobs[2])
            #expect(await queue.record(jobID: jobs[3].id)?.state == .queued)
            #expect(await queue.counts(model: "hermes") == QueueCounts(pending: 2, completed: 2))
        }
    }
}
