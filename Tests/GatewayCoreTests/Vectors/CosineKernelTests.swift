@testable import GatewayCore
import GatewayTestSupport
import Testing

@Suite("Embedded collection: cosine kernel")
struct CosineKernelTests {
    /// Every row length from 1 to 40 (each tail length of the eight lanes) and counts that
    /// leave 0–3 rows past the four streams.
    @Test("the kernel's dot products equal a plain sum", arguments: Array(1...40))
    func plainSum(_ d: Int) {
        var rng = SplitMix64(seed: UInt64(d))
        for n in [1, 2, 3, 4, 5, 9, 14, 31] {
            let matrix = (0..<(n * d)).map { _ in Float.random(in: -1...1, using: &rng) }
            let query = (0..<d).map { _ in Float.random(in: -1...1, using: &rng) }
            var out = [Float](repeating: .nan, count: n)
            query.withUnsafeBufferPointer { q in
                matrix.withUnsafeBufferPointer { m in
                    out.withUnsafeMutableBufferPointer { CosineKernel.scores(q, m, rows: 0..<n, into: $0.baseAddress!) }
                }
            }
            for row in 0..<n {
                var want = 0.0
                for i in 0..<d { want += Double(query[i]) * Double(matrix[row * d + i]) }
                #expect(abs(Double(out[row]) - want) < 1e-5, "d \(d), n \(n), row \(row)")
            }
        }
    }

    /// Equal rows must score bit-equal wherever they sit (in any of the four streams or past
    /// them), or equal vectors would not be ordered by id.
    @Test func equalRowsScoreBitEqualInEveryLane() {
        var rng = SplitMix64(seed: 77)
        let d = 45
        let row = (0..<d).map { _ in Float.random(in: -1...1, using: &rng) }
        let query = (0..<d).map { _ in Float.random(in: -1...1, using: &rng) }
        let n = 4 * 5 + 3
        let matrix = Array([[Float]](repeating: row, count: n).joined())
        // Room for both calls below: n scores, then n - 2.
        var out = [Float](repeating: .nan, count: 2 * n - 2)
        query.withUnsafeBufferPointer { q in
            matrix.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    CosineKernel.scores(q, m, rows: 0..<n, into: o.baseAddress!)
                    // An offset range too (other rows in each stream), written after the first.
                    CosineKernel.scores(q, m, rows: 2..<n, into: o.baseAddress! + n)
                }
            }
        }
        #expect(Set(out.map(\.bitPattern)).count == 1)
    }
}
