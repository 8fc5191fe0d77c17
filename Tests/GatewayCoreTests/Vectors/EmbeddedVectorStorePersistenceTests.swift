#if canImport(Glibc)
import Glibc
#endif
@testable import GatewayCore
import GatewayTestSupport
import Testing

/// The embedded store across restarts: its log, snapshots, torn tails and damage, the lock.
/// A store that is dropped without `close` stands for a killed process: nothing but what is on
/// disk carries over (its lock goes with its descriptor, as with kill -9).
@Suite("Embedded vector store persistence")
struct EmbeddedVectorStorePersistenceTests {
    typealias RawFile = EmbeddedQueueRawFile

    let m8 = VectorCollection(name: "m8", dimensions: 8)
    let m37 = VectorCollection(name: "m37", dimensions: 37)

    /// A history of every kind of change, over four collections.
    private func writeHistory(_ store: EmbeddedVectorStore, rng: inout SplitMix64) async throws {
        try await store.upsert(VectorSearchReference.points(count: 300, dimensions: 8, rng: &rng), into: m8)
        try await store.upsert(VectorSearchReference.points(count: 200, dimensions: 37, rng: &rng), into: m37)
        // Replace some, delete some (the last row and the first among them), drop one collection.
        try await store.upsert((0..<40).map { VectorPoint(id: "p\($0 * 5)", vector: VectorSearchReference.randomVector(8, &rng),
                                                          payload: ["group": "replaced"]) }, into: m8)
        try await store.delete(ids: ["p299", "p0", "p7", "p8", "unknown"], from: m8)
        let gone = VectorCollection(name: "gone", dimensions: 3)
        try await store.upsert([VectorPoint(id: "a", vector: [1, 2, 3])], into: gone)
        try await store.dropCollection("gone")
        // Same name again with another size: only the new one may come back.
        try await store.upsert([VectorPoint(id: "b", vector: [1, 2, 3, 4, 5])], into: VectorCollection(name: "gone", dimensions: 5))
        // An emptied collection keeps its size.
        try await store.upsert([VectorPoint(id: "only", vector: [1, 0, 0])], into: VectorCollection(name: "empty", dimensions: 3))
        try await store.delete(ids: ["only"], from: VectorCollection(name: "empty", dimensions: 3))
    }

    /// Everything a restart must reproduce: sizes, and answers (exactly: the same bits).
    private func answers(_ store: EmbeddedVectorStore) async throws -> [[ScoredPoint]] {
        var rng = SplitMix64(seed: 1234)
        var out: [[ScoredPoint]] = []
        for _ in 0..<3 {
            out.append(try await store.search(StoreSearch(vector: VectorSearchReference.randomVector(8, &rng), limit: 1000), in: m8))
            out.append(try await store.search(StoreSearch(vector: VectorSearchReference.randomVector(37, &rng), limit: 50,
                                                          filter: ["group": "g1"]), in: m37))
        }
        out.append(try await store.search(StoreSearch(vector: [1, 1, 1, 1, 1], limit: 5), in: VectorCollection(name: "gone", dimensions: 5)))
        return out
    }

    private func logFiles(_ dir: String) -> [String] {
        ((try? JournalIO.listDirectory(dir)) ?? []).filter { $0.hasPrefix("log-") }.sorted()
    }

    @Test("a restart restores every change", arguments: [false, true])
    func restartRestoresEverything(closeCleanly: Bool) async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 7)
            let before: [[ScoredPoint]]
            let counts: [String: Int]
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                try await writeHistory(store, rng: &rng)
                before = try await answers(store)
                counts = store.counts
                if closeCleanly { store.close() }
            }
            #expect(counts == ["m8": 296, "m37": 200, "gone": 1, "empty": 0])
            let store = try EmbeddedVectorStore(directory: dir)
            #expect(store.counts == counts)
            #expect(try await answers(store) == before)
            // The emptied collection kept its size.
            await #expect(throws: GatewayError.self) {
                try await store.upsert([VectorPoint(id: "x", vector: [1, 2])], into: VectorCollection(name: "empty", dimensions: 2))
            }
            if closeCleanly {
                // One snapshot and one empty log: nothing to replay.
                #expect(store.replay.snapshotPoints == 497 && store.replay.logRecords == 0)
                #expect(logFiles(dir).count == 1)
            } else {
                #expect(store.replay.snapshotPoints == 0 && store.replay.logRecords == 9)
            }
        }
    }

    @Test func snapshotsFoldTheLogAndLaterChangesReplayOnTop() async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 8)
            let before: [[ScoredPoint]]
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                try await writeHistory(store, rng: &rng)
                try store.snapshot()
                #expect(logFiles(dir).count == 1, "the logs the snapshot covers are gone: \(logFiles(dir))")
                // Nothing new: no second snapshot.
                try store.snapshot()
                try await store.upsert([VectorPoint(id: "late", vector: [Float](repeating: 1, count: 8))], into: m8)
                try await store.delete(ids: ["p1", "p2"], from: m8)
                before = try await answers(store)
            }
            let store = try EmbeddedVectorStore(directory: dir)
            #expect(store.replay.snapshotPoints == 497)
            #expect(store.replay.logRecords == 2)
            #expect(store.count(collection: "m8") == 295)
            #expect(try await answers(store) == before)
        }
    }

    @Test func aLogPastTheThresholdIsSnapshottedByItself() async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 9)
            let before: [[ScoredPoint]]
            do {
                let store = try EmbeddedVectorStore(directory: dir, snapshotThreshold: 16 << 10)
                try await writeHistory(store, rng: &rng)
                // About 100 KiB of log: several snapshots, each while later upserts go on.
                for round in 0..<30 {
                    try await store.upsert(VectorSearchReference.points(count: 20, dimensions: 37, rng: &rng,
                                                                        prefix: "r\(round % 7)-"), into: m37)
                }
                before = try await answers(store)
                // Waits for a snapshot still being written, then writes the last one.
                store.close()
            }
            #expect(RawFile.size(dir + "/snapshot.pgvs") > 0)
            let store = try EmbeddedVectorStore(directory: dir)
            #expect(store.replay.logRecords == 0)
            #expect(try await answers(store) == before)
        }
    }

    @Test("a torn last record is cut and only it is lost", arguments: ["cut", "garbage", "zeros"])
    func tornTail(_ damage: String) async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 10)
            let batches = (0..<3).map { b in VectorSearchReference.points(count: 20, dimensions: 8, rng: &rng, prefix: "b\(b)-") }
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                for batch in batches { try await store.upsert(batch, into: m8) }
            }
            let path = try #require(logFiles(dir).last.map { dir + "/" + $0 })
            let offsets = RawFile.frameOffsets(RawFile.read(path), headerSize: VectorStoreFiles.headerSize)
            #expect(offsets.count == 3)
            let size = RawFile.size(path)
            var garbage = SplitMix64(seed: 11)
            switch damage {
            case "cut": RawFile.truncate(path, by: 5)
            case "garbage": RawFile.write(path, RawFile.read(path) + (0..<300).map { _ in UInt8.random(in: 1...255, using: &garbage) })
            default: RawFile.write(path, RawFile.read(path) + [UInt8](repeating: 0, count: 4096))
            }
            let lost = damage == "cut" ? 20 : 0
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                #expect(store.count(collection: "m8") == 60 - lost)
                #expect(store.replay.truncatedAt == (damage == "cut" ? Int64(offsets[2]) : size))
                #expect(RawFile.size(path) == (damage == "cut" ? Int64(offsets[2]) : size))
                #expect(try await store.search(StoreSearch(vector: batches[1][3].vector, limit: 1), in: m8).first?.id == "b1-3")
                // The next record follows the last good one.
                try await store.upsert([VectorPoint(id: "after", vector: [Float](repeating: 1, count: 8))], into: m8)
            }
            let store = try EmbeddedVectorStore(directory: dir)
            #expect(store.replay.truncatedAt == nil)
            #expect(store.count(collection: "m8") == 61 - lost)
        }
    }

    @Test func damageInTheMiddleStopsTheOpenNamingFileAndOffset() async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 12)
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                for _ in 0..<3 { try await store.upsert(VectorSearchReference.points(count: 10, dimensions: 8, rng: &rng), into: m8) }
            }
            let path = try #require(logFiles(dir).last.map { dir + "/" + $0 })
            let good = RawFile.read(path)
            let offsets = RawFile.frameOffsets(good, headerSize: VectorStoreFiles.headerSize)
            var payload = good
            payload[offsets[1] + JournalFormat.frameHeaderSize + 9] ^= 0x10
            var length = good
            length[offsets[1] + 1] ^= 0x01
            for damaged in [payload, length] {
                RawFile.write(path, damaged)
                let error = #expect(throws: GatewayError.self) { _ = try EmbeddedVectorStore(directory: dir) }
                #expect(error?.code == .unavailable)
                #expect(error?.message.contains("vector store log \(path) is corrupt at offset \(offsets[1])") == true,
                        "\(error?.message ?? "")")
                #expect(error?.details.first { $0.0 == "file" }?.1 == path)
                #expect(error?.details.first { $0.0 == "offset" }?.1 == String(offsets[1]))
                #expect(RawFile.read(path) == damaged, "left as it was, for whoever repairs it")
            }
        }
    }

    @Test func aDamagedSnapshotStopsTheOpen() async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 13)
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                try await writeHistory(store, rng: &rng)
                store.close()
            }
            let path = dir + "/snapshot.pgvs"
            let good = RawFile.read(path)
            let offsets = RawFile.frameOffsets(good, headerSize: VectorStoreFiles.headerSize)
            for (damaged, offset) in [(Array(good.dropLast(3)), offsets.last!),
                                      (Array(good[..<offsets.last!]), offsets.last!),
                                      (good.enumerated().map { $0.offset == offsets[1] + 20 ? $0.element ^ 1 : $0.element }, offsets[1])] {
                RawFile.write(path, damaged)
                let error = #expect(throws: GatewayError.self) { _ = try EmbeddedVectorStore(directory: dir) }
                #expect(error?.message.contains("vector store snapshot \(path) is corrupt at offset \(offset)") == true,
                        "\(error?.message ?? "")")
            }
            RawFile.write(path, Array("not a snapshot".utf8))
            let error = #expect(throws: GatewayError.self) { _ = try EmbeddedVectorStore(directory: dir) }
            #expect(error?.details.first { $0.0 == "offset" }?.1 == "0")
        }
    }

    @Test func aMissingLogIsAnErrorAndLeftoversAreRemoved() async throws {
        try await withEmbeddedQueueDirectory { dir in
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                try await store.upsert([VectorPoint(id: "a", vector: [Float](repeating: 1, count: 8))], into: m8)
                try store.snapshot()
                try await store.upsert([VectorPoint(id: "b", vector: [Float](repeating: 2, count: 8))], into: m8)
            }
            RawFile.write(dir + "/snapshot.pgvs.tmp", [1, 2, 3])
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                #expect(store.count(collection: "m8") == 2)
            }
            #expect(!((try? JournalIO.listDirectory(dir)) ?? []).contains("snapshot.pgvs.tmp"))
            let log = try #require(logFiles(dir).last)
            unlink(dir + "/" + log)
            let error = #expect(throws: GatewayError.self) { _ = try EmbeddedVectorStore(directory: dir) }
            #expect(error?.message.contains("\(log) is missing") == true, "\(error?.message ?? "")")
        }
    }

    @Test func oneStorePerDirectory() async throws {
        try await withEmbeddedQueueDirectory { dir in
            let first = try EmbeddedVectorStore(directory: dir)
            try await first.upsert([VectorPoint(id: "a", vector: [Float](repeating: 1, count: 8))], into: m8)
            let error = #expect(throws: GatewayError.self) { _ = try EmbeddedVectorStore(directory: dir) }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("locked by another open vector store") == true, "\(error?.message ?? "")")
            first.close()
            // Closed: no more changes, searches still answer, and the directory is free.
            let closed = await #expect(throws: GatewayError.self) {
                try await first.upsert([VectorPoint(id: "b", vector: [Float](repeating: 1, count: 8))], into: m8)
            }
            #expect(closed?.message == "vector store is closed")
            #expect(try await first.search(StoreSearch(vector: [Float](repeating: 1, count: 8), limit: 1), in: m8).count == 1)
            #expect(await first.isReachable() == false)
            let second = try EmbeddedVectorStore(directory: dir)
            #expect(second.count(collection: "m8") == 1)
            #expect(await second.isReachable())
        }
    }

    @Test func concurrentIngestsAllLandDurably() async throws {
        try await withEmbeddedQueueDirectory { dir in
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    EmbeddedVectorStoreTests.addWriters(to: &group, store: store, collection: m8, writers: 8, batches: 10, size: 5)
                    try await group.waitForAll()
                }
                #expect(store.count(collection: "m8") == 400)
            }
            let store = try EmbeddedVectorStore(directory: dir)
            #expect(store.count(collection: "m8") == 400)
            #expect(store.replay.logRecords == 80)
        }
    }

    @Test func memoryNumbersSurviveARestart() async throws {
        try await withEmbeddedQueueDirectory { dir in
            var rng = SplitMix64(seed: 14)
            let before: Int
            do {
                let store = try EmbeddedVectorStore(directory: dir)
                try await store.upsert(VectorSearchReference.points(count: 2000, dimensions: 37, rng: &rng), into: m37)
                before = try #require(store.memoryBytes(collection: "m37"))
                store.close()
            }
            let store = try EmbeddedVectorStore(directory: dir)
            let after = try #require(store.memoryBytes(collection: "m37"))
            #expect(after >= 2000 * 37 * 4)
            #expect(Double(after) > Double(before) * 0.75 && Double(after) < Double(before) * 1.25, "\(before) → \(after)")
        }
    }
}
