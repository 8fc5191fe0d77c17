import ByteCodecs

extension Base64 {
    /// A vector as OpenAI's base64 embeddings carry it: each float's IEEE 754 bits, little-endian.
    static func encode(floats: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(floats.count * 4)
        for f in floats {
            // Lowest byte first whatever the machine's own order.
            let b = f.bitPattern
            bytes.append(UInt8(truncatingIfNeeded: b))
            bytes.append(UInt8(truncatingIfNeeded: b >> 8))
            bytes.append(UInt8(truncatingIfNeeded: b >> 16))
            bytes.append(UInt8(truncatingIfNeeded: b >> 24))
        }
        return encode(bytes)
    }
}
