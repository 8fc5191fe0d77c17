/// The inner loop of brute-force search: dot products of a query with the rows of a row-major
/// matrix of unit vectors, eight lanes at a time.
///
/// The scan is bound by memory, not arithmetic, so the loop is shaped for the memory system:
/// four rows are read in lockstep from four quarters of the range, i.e. from four places far
/// apart. The hardware prefetchers follow each of the four streams, and the loads of four rows
/// overlap; one row at a time (one stream) reached about half the bandwidth on the test machine.
/// Every row is summed the same way (one SIMD8 accumulator, then the lanes, then the tail), in
/// either path, so equal rows get bit-equal scores and ties are broken only by id.
enum CosineKernel {
    /// `out[k] = query · matrix[rows.lowerBound + k]` for each row of `rows`; `query.count` is
    /// the row length.
    static func scores(_ query: UnsafeBufferPointer<Float>, _ matrix: UnsafeBufferPointer<Float>, rows: Range<Int>,
                       into out: UnsafeMutablePointer<Float>) {
        let d = query.count
        guard !rows.isEmpty, d > 0, let qBase = query.baseAddress, let mBase = matrix.baseAddress else { return }
        precondition(rows.upperBound * d <= matrix.count, "rows past the matrix")
        let q = UnsafeRawPointer(qBase)
        let quarter = rows.count / 4
        let stride = quarter * d * MemoryLayout<Float>.stride
        let vectorized = d & ~7
        for k in 0..<quarter {
            let r0 = UnsafeRawPointer(mBase + (rows.lowerBound + k) * d)
            let r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var o = 0
            let end = vectorized * MemoryLayout<Float>.stride
            // Two chunks an iteration (a cache line of each row), added in the same order as
            // one at a time, so the sums are bit-equal to the single-row path's.
            while o + 64 <= end {
                let x = q.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let y = q.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                a0 += x * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a1 += x * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a2 += x * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a3 += x * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a0 += y * r0.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                a1 += y * r1.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                a2 += y * r2.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                a3 += y * r3.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                o += 64
            }
            if o < end {
                let x = q.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a0 += x * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a1 += x * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a2 += x * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a3 += x * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            }
            out[k] = finish(a0, qBase, r0, from: vectorized, to: d)
            out[k + quarter] = finish(a1, qBase, r1, from: vectorized, to: d)
            out[k + 2 * quarter] = finish(a2, qBase, r2, from: vectorized, to: d)
            out[k + 3 * quarter] = finish(a3, qBase, r3, from: vectorized, to: d)
        }
        for k in (4 * quarter)..<rows.count {
            let r = UnsafeRawPointer(mBase + (rows.lowerBound + k) * d)
            var a = SIMD8<Float>()
            var o = 0
            while o < vectorized * MemoryLayout<Float>.stride {
                a += q.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * r.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                o += 32
            }
            out[k] = finish(a, qBase, r, from: vectorized, to: d)
        }
    }

    /// The lanes' sum plus the columns past the last multiple of eight.
    @inline(__always)
    private static func finish(_ acc: SIMD8<Float>, _ q: UnsafePointer<Float>, _ row: UnsafeRawPointer,
                               from start: Int, to end: Int) -> Float {
        var sum = acc.sum()
        let r = row.assumingMemoryBound(to: Float.self)
        var i = start
        while i < end {
            sum += q[i] * r[i]
            i += 1
        }
        return sum
    }
}
