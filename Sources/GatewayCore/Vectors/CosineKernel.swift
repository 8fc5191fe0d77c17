/// The inner loop of brute-force search: dot products of unit vectors, eight lanes at a time.
/// Two accumulators keep the adds independent (and halve the rounding each one collects).
enum CosineKernel {
    /// `query · rows[row]` for a row-major matrix with `query.count` columns.
    static func dot(_ query: UnsafeBufferPointer<Float>, _ rows: UnsafeBufferPointer<Float>, row: Int) -> Float {
        let n = query.count
        guard let qBase = query.baseAddress, let rBase = rows.baseAddress else { return 0 }
        let q = UnsafeRawPointer(qBase)
        let r = UnsafeRawPointer(rBase + row * n)
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            let o = i * MemoryLayout<Float>.stride
            acc0 += q.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * r.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            acc1 += q.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                * r.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < n {
            sum += qBase[i] * rBase[row * n + i]
            i += 1
        }
        return sum
    }
}
