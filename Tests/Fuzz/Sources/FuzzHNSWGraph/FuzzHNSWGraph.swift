@testable import VectorIndex

// The saved graph reader (`HNSWIndex(serialized:)`), which the embedded store runs on the
// graph files it finds at start. The input's last four bytes are replaced by the CRC-32C of the
// rest, so the fuzzer gets past the checksum to the header, lengths and link checks.
// Invariants (a violation traps):
// - reading never crashes, whatever the bytes: it refuses with an HNSWFormatError or loads;
// - a loaded graph can be searched: every hit is a live node within the count, best first;
// - a loaded graph written again reads back with the same count and entry settings.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHNSWGraph(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 4 else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data, count: size - 4))
    let crc = CRC32C.checksum(bytes)
    for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: crc >> (8 * k))) }
    guard let index = try? HNSWIndex(serialized: bytes) else { return 0 }
    let d = index.parameters.dimensions
    guard d <= 1 << 16 else { return 0 }
    var query = [Float](repeating: 0, count: d)
    query[0] = 1
    let hits = index.search(query, k: 5, ef: 16)
    precondition(hits.allSatisfy { Int($0.id) < index.count && !index.isDeleted($0.id) }, "a hit outside the graph")
    precondition(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score || $0.score.isNaN || $1.score.isNaN },
                 "hits out of order")
    let again = try? HNSWIndex(serialized: index.serialized(includingVectors: true))
    precondition(again?.count == index.count && again?.parameters == index.parameters, "a loaded graph did not round-trip")
    return 0
}
