/// Ids for points sent without one: random UUIDs (version 4), unique across gateway instances
/// without coordination.
enum PointID {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
        return uuidText(bytes)
    }

    /// 16 bytes as a UUID's canonical text: lower-case hex in 8-4-4-4-12 groups.
    static func uuidText(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
