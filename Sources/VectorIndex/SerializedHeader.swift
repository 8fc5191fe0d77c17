/// The fixed header of a serialized graph, read and checked before anything is allocated: the
/// magic, the version, the total length its counts imply, and the checksum over the body.
struct SerializedHeader {
    let hasVectors: Bool
    let d: Int, m: Int, efConstruction: Int
    let count: Int, deleted: Int
    let entryPoint: Int32, topLevel: Int
    let upperCount: Int
    let seed: UInt64, rngState: UInt64

    init(_ raw: UnsafeRawBufferPointer) throws(HNSWFormatError) {
        guard raw.count >= HNSWIndex.headerBytes + 4 else {
            throw HNSWFormatError(.truncated, "\(raw.count) bytes, shorter than a header")
        }
        guard Array(raw[0..<8]) == HNSWIndex.magic else { throw HNSWFormatError(.badMagic, "not an HNSW graph") }
        var r = ByteReader(raw, offset: 8)
        let version = r.u32()
        guard version == HNSWIndex.formatVersion else {
            throw HNSWFormatError(.unsupportedVersion, "version \(version), this build reads \(HNSWIndex.formatVersion)")
        }
        hasVectors = r.u32() & 1 != 0
        d = Int(r.u32()); m = Int(r.u32()); efConstruction = Int(r.u32())
        count = Int(r.u32()); deleted = Int(r.u32())
        entryPoint = Int32(bitPattern: r.u32()); topLevel = Int(Int32(bitPattern: r.u32()))
        upperCount = Int(r.u32())
        seed = r.u64(); rngState = r.u64()
        guard d > 0, d <= 1 << 16, (2...255).contains(m), count <= Int(Int32.max), deleted <= count,
              topLevel <= 30, upperCount <= count * 30 * (m + 1) else {
            throw HNSWFormatError(.inconsistent, "header out of range: d \(d), m \(m), count \(count)")
        }
        // Each part's size is now bounded, so the expected length cannot overflow.
        let tables = (HNSWIndex.headerBytes + 2 * count + 3) & ~3
        let expected = tables + 4 * (count + count * (2 * m + 1) + upperCount) + (hasVectors ? 4 * count * d : 0) + 4
        guard raw.count == expected else {
            throw HNSWFormatError(.truncated, "\(raw.count) bytes, the header's counts need \(expected)")
        }
        let stored = raw.loadUnaligned(fromByteOffset: expected - 4, as: UInt32.self).littleEndian
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<(expected - 4)]))
        guard stored == actual else {
            throw HNSWFormatError(.checksumMismatch, "stored \(stored), computed \(actual)")
        }
    }
}

/// Appends little-endian integers and raw arrays.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    /// The host's layout, which is little-endian on every platform Swift ships for.
    mutating func raw<T>(_ a: UnsafeBufferPointer<T>) { bytes.append(contentsOf: UnsafeRawBufferPointer(a)) }
}

/// Reads what `ByteWriter` wrote, refusing to read past the end.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    var offset: Int

    init(_ raw: UnsafeRawBufferPointer, offset: Int) {
        self.raw = raw
        self.offset = offset
    }

    /// Header fields: the caller has checked the header's length.
    mutating func u32() -> UInt32 {
        defer { offset += 4 }
        return raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
    }

    mutating func u64() -> UInt64 {
        defer { offset += 8 }
        return raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }

    /// The raw bytes of `n` values of `T`, to be copied out (never reinterpreted in place).
    mutating func array<T: BitwiseCopyable>(_: T.Type, _ n: Int) throws(HNSWFormatError) -> UnsafeRawBufferPointer {
        let size = n * MemoryLayout<T>.stride
        guard size >= 0, offset + size <= raw.count - 4 else {
            throw HNSWFormatError(.truncated, "an array of \(n) runs past the end")
        }
        defer { offset += size }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + size)])
    }
}
