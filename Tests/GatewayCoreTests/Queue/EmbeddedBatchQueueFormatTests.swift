#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
import Tracing
@testable import GatewayCore
import GatewayTestSupport

@Suite("Embedded batch queue: journal format and building blocks")
struct EmbeddedBatchQueueFormatTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(JournalCRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(JournalCRC32.checksum([]) == 0)
        // The 8-byte fast path and the byte tail agree with a bit-by-bit reference.
        var rng = SplitMix64(seed: 7)
        for length in [1, 7, 8, 9, 63, 64, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(JournalCRC32.checksum(bytes) == Self.bitwiseCRC(bytes), "length \(length)")
        }
    }

    private static func bitwiseCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }

    @Test func everyRecordKindRoundTrips() throws {
        let job = EmbeddedQueueFixture.job(6, texts: 3)
        var ingestJob = EmbeddedQueueFixture.job(7, texts: 3)
        ingestJob.ingest = IngestTarget(ids: ["p1", "ç", "p3"], payloads: [["k": "v", "a": ""], [:], ["z": "🙂"]])
        let at = UnixTime(nanosecondsSinceEpoch: -1_234_567)  // negative on purpose
        let floats: [[Float]] = [[0, -0.0, .infinity, -.greatestFiniteMagnitude], [.leastNonzeroMagnitude, 1, 2, 3], []]
        let records: [JournalRecord] = [
            .accepted(job),
            .claimed(ids: ["a", "b", "ç"], consumer: "gateway-1/mixtral"),
            .claimed(ids: [], consumer: ""),
            .completed(id: job.id, embeddings: floats, attempts: 3, at: at),
            .failed(id: job.id, reason: "upstream said \"no\"", retry: true, attempts: 1, at: at),
            .failed(id: job.id, reason: "", retry: false, attempts: 5, at: at),
            .purged(id: job.id),
            .snapshot(BatchRecord(job: job)),
            .snapshot(BatchRecord(job: job, state: .completed, attempts: 2, completedItems: 3, embeddings: floats,
                                  completedAt: at)),
            .snapshot(BatchRecord(job: job, state: .failed, attempts: 5, error: "gave up", completedAt: at)),
            .accepted(ingestJob),
            .snapshot(BatchRecord(job: ingestJob, state: .completed, attempts: 1, completedItems: 3, embeddings: floats,
                                  completedAt: at)),
        ]
        for record in records {
            #expect(try JournalRecord.decode(record.encoded()) == record)
        }
        // A job without an ingest target keeps the kinds journals had before texts ingest.
        #expect(JournalRecord.accepted(job).encoded().first == 1 && JournalRecord.accepted(ingestJob).encoded().first == 7)
        // Exact float bits, including the sign of zero.
        if case .completed(_, let back, _, _) = try JournalRecord.decode(records[3].encoded()) {
            #expect(back[0][1].sign == .minus)
        }
    }

    @Test func aJobsTraceRoundTripsBesideItsRequestID() throws {
        var traced = EmbeddedQueueFixture.job(8, texts: 2)
        let parent = try #require(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        traced.trace = TraceContext(traceHigh: parent.traceHigh, traceLow: parent.traceLow, parentID: parent.parentID,
                                    flags: parent.flags, state: "congo=t61rcWkgMzE")
        var stateless = traced
        stateless.trace = parent
        for job in [traced, stateless] {
            #expect(try JournalRecord.decode(JournalRecord.accepted(job).encoded()) == .accepted(job))
            #expect(try JournalRecord.decode(JournalRecord.snapshot(BatchRecord(job: job)).encoded())
                    == .snapshot(BatchRecord(job: job)))
        }
        // The field as journals wrote it before traces were kept: the request id alone, no trace.
        let untraced = EmbeddedQueueFixture.job(9, texts: 1)
        guard case .accepted(let back) = try JournalRecord.decode(JournalRecord.accepted(untraced).encoded()) else {
            Issue.record("not an accepted record")
            return
        }
        #expect(back.requestID == untraced.requestID && back.trace == nil)
        #expect(JobRequestField.split("req-1\u{0}garbage\u{0}").trace == nil)
        #expect(JobRequestField.split("req-1\u{0}garbage\u{0}").requestID == "req-1")
    }

    @Test func damagedPayloadsDoNotDecode() {
        let bytes = JournalRecord.accepted(EmbeddedQueueFixture.job(1)).encoded()
        #expect(throws: JournalDecodeError.self) { try JournalRecord.decode(Array(bytes.dropLast())) }
        #expect(throws: JournalDecodeError.self) { try JournalRecord.decode(bytes + [0]) }
        #expect(throws: JournalDecodeError.self) { try JournalRecord.decode([99] + bytes.dropFirst()) }
        // A string length pointing far past the end.
        #expect(throws: JournalDecodeError.self) { try JournalRecord.decode([5, 0xFF, 0xFF, 0xFF, 0x7F]) }
    }

    @Test func framesCarryTheLengthTwiceAndTheChecksum() {
        let frame = JournalFormat.frame([1, 2, 3])
        #expect(frame.count == JournalFormat.frameHeaderSize + 3)
        #expect(Array(frame[0..<4]) == [3, 0, 0, 0])
        #expect(Array(frame[4..<8]) == [0xFC, 0xFF, 0xFF, 0xFF])
        #expect(Array(frame[12...]) == [1, 2, 3])
    }

    @Test func dequeKeepsOrderAcrossWrapAndGrowth() {
        var deque = EmbeddedJobDeque()
        var model: [String] = []
        var rng = SplitMix64(seed: 42)
        for step in 0..<2000 {
            switch UInt8.random(in: 0..<4, using: &rng) {
            case 0, 1:
                deque.append("j\(step)")
                model.append("j\(step)")
            case 2:
                deque.prepend("j\(step)")
                model.insert("j\(step)", at: 0)
            default:
                #expect(deque.popFirst() == (model.isEmpty ? nil : model.removeFirst()))
            }
            if step % 97 == 0, let victim = model.randomElement(using: &rng) {
                let removed = deque.remove(victim)
                #expect(removed)
                model.removeAll { $0 == victim }
            }
        }
        #expect(Array(deque) == model)
        #expect(deque.count == model.count && deque.first == model.first)
        let removedAbsent = deque.remove("absent")
        #expect(!removedAbsent)
    }

    @Test func groupCommitSharesOneFlushAmongConcurrentWriters() async throws {
        let commit = JournalGroupCommit(durable: 0, pool: .shared)
        let tally = CommitTally()
        // Every writer has appended before anyone waits: on a two-thread pool the tasks may otherwise
        // run one after another, each its own leader, which says nothing about sharing.
        let ends = (0..<16).map { _ in tally.written.add(10, ordering: .sequentiallyConsistent).newValue }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for end in ends {
                group.addTask {
                    try await commit.waitUntilDurable(end) {
                        tally.flushes.add(1, ordering: .relaxed)
                        // A slow disk: others write and wait meanwhile.
                        let upTo = tally.written.load(ordering: .sequentiallyConsistent)
                        usleep(20_000)
                        return .durable(upTo: upTo)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(tally.flushes.load(ordering: .relaxed) < 16)
        // Nothing new to flush: answered without a leader.
        try await commit.waitUntilDurable(tally.written.load(ordering: .relaxed)) {
            Issue.record("no flush was needed")
            return .durable(upTo: 0)
        }
    }

    @Test func aFailedFlushFailsEveryoneAfterwards() async {
        let commit = JournalGroupCommit(durable: 0, pool: .shared)
        let failure = GatewayError(.unavailable, "fsync failed: EIO")
        await #expect(throws: failure) { try await commit.waitUntilDurable(10) { .failed(failure) } }
        await #expect(throws: failure) { try await commit.waitUntilDurable(20) { .durable(upTo: 20) } }
    }
}

/// Shared tallies for the group-commit test's writers.
private final class CommitTally: Sendable {
    let written = Atomic<Int64>(0)
    let flushes = Atomic<Int>(0)
}
