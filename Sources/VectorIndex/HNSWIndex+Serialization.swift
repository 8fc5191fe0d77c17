/// The graph as bytes, for the store's snapshot, and back.
///
/// Layout, little-endian: a 64-byte header (magic `PGHNSWIX`, version, flags, dimensions, m,
/// efConstruction, count, deleted, entry point, top level, upper-link count, seed, generator
/// state), then levels (u8 × count), tombstones (u8 × count), zero padding to 4 bytes, upper
/// starts (i32 × count), layer-0 links (i32 × count × (2m + 1)), upper links (i32), optionally the
/// vectors (f32 × count × dimensions), and last a CRC-32C of everything before it. The vectors
/// may be left out when the store persists them itself; they are then passed back on load, in
/// id order, tombstoned nodes' rows included (they still route): a store that drops a deleted
/// point's row must keep the vectors in, or snapshot a `compacted()` graph.
extension HNSWIndex {
    static let magic: [UInt8] = Array("PGHNSWIX".utf8)
    static let formatVersion: UInt32 = 1
    static let headerBytes = 64

    /// Runs on: a background worker (the snapshot writer); holds the read lock while copying,
    /// so searches go on and inserts wait.
    public func serialized(includingVectors: Bool = true) -> [UInt8] {
        lock.withReadLock {
            let n = levels.count
            var out = ByteWriter()
            out.bytes.reserveCapacity(Self.headerBytes + 2 * n + 3 + 4 * (n + links0.count + upperLinks.count)
                                      + (includingVectors ? 4 * vectors.count : 0) + 4)
            out.bytes += Self.magic
            out.u32(Self.formatVersion)
            out.u32(includingVectors ? 1 : 0)
            for v in [d, m, parameters.efConstruction, n, deleted] { out.u32(UInt32(v)) }
            out.u32(UInt32(bitPattern: entryPoint))
            out.u32(UInt32(bitPattern: Int32(topLevel)))
            out.u32(UInt32(upperLinks.count))
            out.u64(parameters.seed)
            out.u64(rngState)
            out.raw(levels.buffer)
            out.raw(tombstones.buffer)
            while out.bytes.count % 4 != 0 { out.bytes.append(0) }
            out.raw(upperStart.buffer)
            out.raw(links0.buffer)
            out.raw(upperLinks.buffer)
            if includingVectors { out.raw(vectors.buffer) }
            out.u32(CRC32C.checksum(out.bytes))
            return out.bytes
        }
    }

    /// Loads what `serialized` wrote, checking the magic, version, lengths, checksum and every
    /// link; `vectors` (row-major, id order) is required when the bytes were written without.
    ///
    /// Runs on: a background worker (opening the store); O(size).
    public convenience init(serialized bytes: [UInt8], vectors external: UnsafeBufferPointer<Float>? = nil)
        throws(HNSWFormatError) {
        // Array.withUnsafeBytes only rethrows untyped errors: the closures return a Result instead.
        let header = try bytes.withUnsafeBytes { raw in Result { () throws(HNSWFormatError) in try SerializedHeader(raw) } }.get()
        self.init(HNSWParameters(dimensions: header.d, m: header.m, efConstruction: header.efConstruction,
                                 seed: header.seed))
        let n = header.count
        try bytes.withUnsafeBytes { raw in Result { () throws(HNSWFormatError) in
            var r = ByteReader(raw, offset: Self.headerBytes)
            levels.append(bytesOf: try r.array(UInt8.self, n))
            tombstones.append(bytesOf: try r.array(UInt8.self, n))
            r.offset = (r.offset + 3) & ~3
            upperStart.append(bytesOf: try r.array(Int32.self, n))
            links0.append(bytesOf: try r.array(Int32.self, n * (header.m * 2 + 1)))
            upperLinks.append(bytesOf: try r.array(Int32.self, header.upperCount))
            if header.hasVectors {
                vectors.append(bytesOf: try r.array(Float.self, n * header.d))
            } else if let external, external.count == n * header.d {
                vectors.append(contentsOf: external)
            } else {
                throw HNSWFormatError(.vectorsMissing, "written without vectors; \(n * header.d) floats are needed, "
                                      + "\(external?.count ?? 0) given")
            }
        } }.get()
        deleted = header.deleted
        entryPoint = header.entryPoint
        topLevel = header.topLevel
        rngState = header.rngState
        try validate()
    }

    /// The invariants a search relies on, so a buffer that passes the checksum but was written
    /// wrongly is refused here instead of crashing a search.
    private func validate() throws(HNSWFormatError) {
        let n = levels.count
        func fail(_ why: String) -> HNSWFormatError { HNSWFormatError(.inconsistent, why) }
        guard n == 0 ? entryPoint == -1 && topLevel == -1 : (0..<Int32(n)).contains(entryPoint) else {
            throw fail("entry point \(entryPoint) with \(n) nodes")
        }
        var tombstoned = 0, highest = -1
        for id in 0..<n {
            let level = Int(levels[id])
            highest = max(highest, level)
            guard tombstones[id] <= 1 else { throw fail("tombstone byte \(tombstones[id]) at \(id)") }
            tombstoned += Int(tombstones[id])
            let start = Int(upperStart[id])
            guard level == 0 ? start == -1 : start >= 0 && start + level * (m + 1) <= upperLinks.count else {
                throw fail("node \(id): level \(level), upper links at \(start)")
            }
            for layer in 0...level {
                let block = layer == 0 ? links0.base + id * (m0 + 1) : upperLinks.base + start + (layer - 1) * (m + 1)
                let linked = Int(block[0])
                guard (0...(layer == 0 ? m0 : m)).contains(linked) else { throw fail("node \(id): \(linked) links") }
                for j in 0..<linked {
                    let to = Int(block[1 + j])
                    guard to >= 0, to < n, Int(levels[to]) >= layer else {
                        throw fail("node \(id) links to \(to) on layer \(layer)")
                    }
                }
            }
        }
        guard tombstoned == deleted else { throw fail("\(tombstoned) tombstones, header says \(deleted)") }
        guard highest == topLevel, n == 0 || Int(levels[Int(entryPoint)]) == topLevel else {
            throw fail("top level \(topLevel), highest node level \(highest)")
        }
    }
}
