/// Dot products of a query with rows of the index's row-major matrix, picked by id: the graph's
/// inner loop.
///
/// A graph search reads rows at random, so it waits on memory, not on arithmetic. Four rows are
/// scored in lockstep so their loads overlap (four independent streams the core can have in
/// flight at once, where one row at a time waits for each row in turn); that is the prefetching
/// a C implementation does with intrinsics, done with plain loads. Every row is summed the same
/// way in either path (one SIMD8 accumulator, its lanes, then the tail), so a pair's score is
/// bit-equal however it was batched, and a search replays exactly.
///
/// Runs on: the caller's thread; pure arithmetic.
enum InnerProduct {
    @inline(__always)
    static func dot(_ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ d: Int) -> Float {
        let qr = UnsafeRawPointer(q), rr = UnsafeRawPointer(r)
        let end = (d & ~7) * MemoryLayout<Float>.stride
        var a = SIMD8<Float>()
        var o = 0
        while o < end {
            a += qr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * rr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            o += 32
        }
        return finish(a, q, r, from: d & ~7, to: d)
    }

    /// `out[j] = q · matrix[ids[j]]` for `j < n`.
    @inline(__always)
    static func scores(_ q: UnsafePointer<Float>, _ matrix: UnsafePointer<Float>, _ d: Int,
                       ids: UnsafePointer<Int32>, _ n: Int, into out: UnsafeMutablePointer<Float>) {
        var j = 0
        let end = (d & ~7) * MemoryLayout<Float>.stride
        let qr = UnsafeRawPointer(q)
        while j + 4 <= n {
            let p0 = matrix + Int(ids[j]) * d, p1 = matrix + Int(ids[j + 1]) * d
            let p2 = matrix + Int(ids[j + 2]) * d, p3 = matrix + Int(ids[j + 3]) * d
            let r0 = UnsafeRawPointer(p0), r1 = UnsafeRawPointer(p1)
            let r2 = UnsafeRawPointer(p2), r3 = UnsafeRawPointer(p3)
            // The next group's rows start loading while this group is summed.
            var ahead = j + 4
            while ahead < min(j + 8, n) {
                let next = UnsafeRawPointer(matrix + Int(ids[ahead]) * d)
                prefetch(next)
                prefetch(next + 64)
                ahead += 1
            }
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var o = 0
            while o < end {
                let x = qr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a0 += x * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a1 += x * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a2 += x * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                a3 += x * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                o += 32
            }
            out[j] = finish(a0, q, p0, from: d & ~7, to: d)
            out[j + 1] = finish(a1, q, p1, from: d & ~7, to: d)
            out[j + 2] = finish(a2, q, p2, from: d & ~7, to: d)
            out[j + 3] = finish(a3, q, p3, from: d & ~7, to: d)
            j += 4
        }
        while j < n {
            out[j] = dot(q, matrix + Int(ids[j]) * d, d)
            j += 1
        }
    }

    /// The lanes' sum plus the columns past the last multiple of eight.
    @inline(__always)
    private static func finish(_ acc: SIMD8<Float>, _ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
                               from start: Int, to end: Int) -> Float {
        var sum = acc.sum()
        var i = start
        while i < end {
            sum += q[i] * r[i]
            i += 1
        }
        return sum
    }
}
