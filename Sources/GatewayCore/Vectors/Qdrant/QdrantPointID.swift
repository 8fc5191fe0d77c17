import ByteCodecs

/// Qdrant takes only unsigned integers and UUIDs as point ids, so every gateway id — whatever
/// it looks like, a UUID or a number included — becomes a name-based UUID (version 5, RFC 4122
/// §4.3) of its UTF-8 bytes. The same id maps to the same UUID on every instance and after every
/// restart, which is what makes re-ingesting an id replace the point. The original id rides in
/// the payload under `payloadKey` and comes back in search results.
enum QdrantPointID {
    /// `uuid.uuid5(uuid.NAMESPACE_URL, "urn:pattern-gateway:point-id")` =
    /// 8cb9b337-817d-54a1-970f-1b52497d2775. Changing it orphans every point already stored.
    static let namespace: [UInt8] = [
        0x8C, 0xB9, 0xB3, 0x37, 0x81, 0x7D, 0x54, 0xA1, 0x97, 0x0F, 0x1B, 0x52, 0x49, 0x7D, 0x27, 0x75,
    ]

    /// The payload key holding the gateway's id; reserved, so a client payload may not use it.
    static let payloadKey = "_gateway_id"

    static func uuid(for id: String) -> String {
        var digest = SHA1.digest(namespace + Array(id.utf8))
        digest[6] = digest[6] & 0x0F | 0x50  // version 5
        digest[8] = digest[8] & 0x3F | 0x80  // RFC 4122 variant
        return PointID.uuidText(Array(digest.prefix(16)))
    }
}
