/// The journal's byte layout.
///
///     file   = header frame*
///     header = "PGQJ" version:u32le            (8 bytes; version 1)
///     frame  = length:u32le ~length:u32le crc32(payload):u32le payload[length]
///
/// The inverted copy of the length lets replay tell a damaged length (corruption: stop and
/// report) from a frame whose header is intact but whose payload runs past the end of the file
/// (a torn last write: drop it). The CRC covers the payload.
enum JournalFormat {
    static let header: [UInt8] = Array("PGQJ".utf8) + [1, 0, 0, 0]
    static let frameHeaderSize = 12
    /// No legitimate record comes near this (a job of 10k texts of 4096 floats is 160 MiB);
    /// a larger length is damage, not data.
    static let maxPayload = 1 << 30

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        precondition(!payload.isEmpty && payload.count <= maxPayload, "journal record of \(payload.count) bytes")
        var w = JournalByteWriter(capacity: frameHeaderSize + payload.count)
        let length = UInt32(payload.count)
        w.u32(length)
        w.u32(~length)
        w.u32(JournalCRC32.checksum(payload))
        var bytes = w.bytes
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// The frame of one record.
    static func frame(_ record: JournalRecord) -> [UInt8] {
        frame(record.encoded())
    }
}
