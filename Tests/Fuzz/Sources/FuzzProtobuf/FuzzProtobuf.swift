import GatewayProto
import Protobuf

// The protobuf reader and every message of gateway.proto and health.proto. The first input byte
// picks the message, the rest is its wire bytes. Invariants (a violation traps):
// - decoding never crashes, whatever the bytes;
// - a message that decodes re-encodes to bytes that decode again, and whose re-encoding is the
//   same bytes (compared as bytes, so a NaN float does not count as a difference) and an equal
//   message when it holds no NaN;
// - the raw reader walks any input field by field without moving backwards or past the end.

private func roundTrip<M: GatewayMessage>(_ type: M.Type, _ bytes: [UInt8]) {
    guard let first = try? M(decoding: bytes) else { return }
    let encoded = first.encoded()
    let second: M
    do { second = try M(decoding: encoded) } catch {
        fatalError("\(M.self): re-encoded bytes do not decode (\(error)): \(encoded)")
    }
    let reencoded = second.encoded()
    precondition(reencoded == encoded, "\(M.self): encoding is not stable: \(encoded) then \(reencoded)")
    // Equal unless a float field holds NaN (NaN != NaN); the byte check above covers that case.
    if first != second {
        precondition(containsNaNFloat(encoded),
                     "\(M.self): a decode–encode–decode round trip changed the message")
    }
}

/// True if any 4- or 8-byte window could be a NaN: cheap and conservative, only used to excuse
/// an inequality that byte stability has already shown to be harmless.
private func containsNaNFloat(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 4 else { return false }
    for i in 0...(bytes.count - 4) {
        let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        if Float(bitPattern: bits).isNaN { return true }
    }
    guard bytes.count >= 8 else { return false }
    for i in 0...(bytes.count - 8) {
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[i + k]) << (8 * k) }
        if Double(bitPattern: bits).isNaN { return true }
    }
    return false
}

/// Walks the fields with the raw reader, skipping each.
private func walk(_ bytes: [UInt8]) {
    var r = ProtoReader(bytes)
    var last = r.offset
    while true {
        let field: Int?
        do { field = try r.nextField() } catch { return }
        guard field != nil else { break }
        do { try r.skipField() } catch { return }
        precondition(r.offset > last && r.offset <= bytes.count, "reader moved from \(last) to \(r.offset) of \(bytes.count)")
        last = r.offset
    }
    precondition(r.isAtEnd, "reader stopped before the end without an error")
}

private let decoders: [@Sendable ([UInt8]) -> Void] = [
    { roundTrip(EmbedRequest.self, $0) },
    { roundTrip(Embedding.self, $0) },
    { roundTrip(EmbedResponse.self, $0) },
    { roundTrip(SearchRequest.self, $0) },
    { roundTrip(ScoredPoint.self, $0) },
    { roundTrip(SearchResponse.self, $0) },
    { roundTrip(Point.self, $0) },
    { roundTrip(IngestRequest.self, $0) },
    { roundTrip(IngestResponse.self, $0) },
    { roundTrip(GetBatchRequest.self, $0) },
    { roundTrip(BatchStatus.self, $0) },
    { roundTrip(PatternStatusRequest.self, $0) },
    { roundTrip(ModelStatus.self, $0) },
    { roundTrip(PatternStatus.self, $0) },
    { roundTrip(HealthCheckRequest.self, $0) },
    { roundTrip(HealthCheckResponse.self, $0) },
    // Generation (spec §7), appended so the selector bytes of the older seeds keep their message.
    { roundTrip(ChatMessage.self, $0) },
    { roundTrip(GenerateRequest.self, $0) },
    { roundTrip(Usage.self, $0) },
    { roundTrip(GenerateResponse.self, $0) },
    { roundTrip(GenerateChunk.self, $0) },
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    decoders[Int(data[0]) % decoders.count](bytes)
    walk(bytes)
    return 0
}
