import Testing
import VectorIndex

/// The graph as bytes: a round trip answers identically, and damage is refused with its reason.
@Suite struct HNSWSerializationTests {
    static let d = 24

    static func fixture() -> (HNSWIndex, [Float], [Float]) {
        let data = Fixtures.vectors(.clustered, count: 1_500, dimensions: d, seed: 21)
        let index = Fixtures.build(data, dimensions: d, m: 8, efConstruction: 60)
        for id in stride(from: Int32(5), to: 1_500, by: 50) { index.delete(id) }
        return (index, data, Fixtures.vectors(.clustered, count: 30, dimensions: d, seed: 22))
    }

    static func sameAnswers(_ a: HNSWIndex, _ b: HNSWIndex, _ queries: [Float]) -> Bool {
        (0..<queries.count / d).allSatisfy { i in
            let q = Fixtures.row(queries, i, d)
            return a.search(q, k: 10, ef: 40) == b.search(q, k: 10, ef: 40)
        }
    }

    @Test func roundTripWithVectors() throws {
        let (index, _, queries) = Self.fixture()
        let bytes = index.serialized()
        let loaded = try HNSWIndex(serialized: bytes)
        #expect(loaded.parameters == index.parameters)
        #expect(loaded.count == index.count && loaded.deletedCount == index.deletedCount)
        #expect(Self.sameAnswers(index, loaded, queries))
        #expect(loaded.serialized() == bytes)
        // Inserting after a load continues the same graph (the level generator's state is saved).
        let extra = Fixtures.vectors(.clustered, count: 20, dimensions: Self.d, seed: 23)
        for i in 0..<20 {
            index.insert(Fixtures.row(extra, i, Self.d))
            loaded.insert(Fixtures.row(extra, i, Self.d))
        }
        #expect(loaded.serialized() == index.serialized())
    }

    @Test func roundTripWithVectorsSuppliedByTheStore() throws {
        let (index, data, queries) = Self.fixture()
        let bytes = index.serialized(includingVectors: false)
        #expect(bytes.count < index.serialized().count - data.count * 4 + 8)
        let loaded = try data.withUnsafeBufferPointer { try HNSWIndex(serialized: bytes, vectors: $0) }
        #expect(Self.sameAnswers(index, loaded, queries))
        #expect(throws: HNSWFormatError.self) { try HNSWIndex(serialized: bytes) }
        do {
            _ = try HNSWIndex(serialized: bytes)
        } catch {
            #expect(error.code == .vectorsMissing)
        }
    }

    @Test func emptyIndexRoundTrips() throws {
        let empty = HNSWIndex(HNSWParameters(dimensions: 8))
        let loaded = try HNSWIndex(serialized: empty.serialized())
        #expect(loaded.count == 0 && loaded.search([Float](repeating: 0.5, count: 8), k: 3, ef: 8).isEmpty)
    }

    static func code(_ bytes: [UInt8]) -> HNSWFormatError.Code? {
        do {
            _ = try HNSWIndex(serialized: bytes)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func damagedBuffersAreRefused() {
        let (index, _, _) = Self.fixture()
        let bytes = index.serialized()
        #expect(Self.code(Array(bytes.prefix(bytes.count - 1))) == .truncated)
        #expect(Self.code(Array(bytes.prefix(40))) == .truncated)
        #expect(Self.code([]) == .truncated)
        #expect(Self.code(bytes + [0]) == .truncated)
        var wrongMagic = bytes
        wrongMagic[0] ^= 0xFF
        #expect(Self.code(wrongMagic) == .badMagic)
        var future = bytes
        future[8] = 9
        #expect(Self.code(future) == .unsupportedVersion)
        // A flipped bit anywhere in the body, the vectors, or the checksum itself.
        for offset in [70, bytes.count / 2, bytes.count - 10, bytes.count - 1] {
            var flipped = bytes
            flipped[offset] ^= 0x10
            #expect(Self.code(flipped) == .checksumMismatch, "flip at \(offset)")
        }
    }
}
