import GatewayProto
import Protobuf
import Testing

@Suite("Protobuf wire codec")
struct WireCodecTests {
    struct VarintCase: Sendable, CustomTestStringConvertible {
        var value: UInt64
        var bytes: [UInt8]
        var testDescription: String { "\(value)" }
    }

    @Test(arguments: [
        VarintCase(value: 0, bytes: [0x00]),
        VarintCase(value: 1, bytes: [0x01]),
        VarintCase(value: 127, bytes: [0x7F]),
        VarintCase(value: 128, bytes: [0x80, 0x01]),
        VarintCase(value: 300, bytes: [0xAC, 0x02]),
        VarintCase(value: 16_383, bytes: [0xFF, 0x7F]),
        VarintCase(value: 16_384, bytes: [0x80, 0x80, 0x01]),
        VarintCase(value: UInt64(UInt32.max), bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        VarintCase(value: 1 << 63, bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        VarintCase(value: UInt64.max, bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        VarintCase(value: UInt64(bitPattern: -2), bytes: [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ])
    func varint(_ c: VarintCase) throws {
        var w = ProtoWriter()
        w.varint(c.value)
        #expect(w.bytes == c.bytes)
        var r = ProtoReader(c.bytes)
        #expect(try r.readVarint() == c.value)
        #expect(r.isAtEnd)
    }

    /// A non-minimal varint (padded with 0x80 continuation bytes) is still a valid encoding.
    @Test func paddedVarintDecodes() throws {
        var r = ProtoReader([0x81, 0x80, 0x80, 0x00])
        #expect(try r.readVarint() == 1)
    }

    @Test func negativeInt32IsTenBytes() throws {
        var w = ProtoWriter()
        w.field(4, int32: -1)
        #expect(w.bytes == [0x20] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        #expect(EmbedRequest(priority: -1).encoded().count == 11)
        #expect(try EmbedRequest(decoding: w.bytes).priority == -1)
        #expect(try EmbedRequest(decoding: EmbedRequest(priority: .min).encoded()).priority == .min)
    }

    /// Other runtimes may write a negative int32 in 5 bytes; the upper bits are dropped.
    @Test func int32TruncatesWideVarints() throws {
        #expect(try EmbedRequest(decoding: [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).priority == -1)
        #expect(try IngestResponse(decoding: [0x10, 0x80, 0x80, 0x80, 0x80, 0x10]).ingested == 0)
    }

    @Test func fixed32AndFixed64() throws {
        #expect(ScoredPoint(score: 1).encoded() == [0x15, 0x00, 0x00, 0x80, 0x3F])
        #expect(SearchResponse(tookMs: 1).encoded() == [0x21, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(try ScoredPoint(decoding: [0x15, 0x00, 0x00, 0xC0, 0xBF]).score == -1.5)
        #expect(try SearchResponse(decoding: [0x21, 0, 0, 0, 0, 0, 0, 0x04, 0xC0]).tookMs == -2.5)
        let tiny = Float.leastNonzeroMagnitude
        #expect(try ScoredPoint(decoding: ScoredPoint(score: tiny).encoded()).score == tiny)
    }

    @Test func lengthDelimited() throws {
        #expect(GetBatchRequest(batchId: "ab").encoded() == [0x0A, 0x02, 0x61, 0x62])
        let long = String(repeating: "x", count: 300)
        let bytes = GetBatchRequest(batchId: long).encoded()
        #expect(Array(bytes.prefix(3)) == [0x0A, 0xAC, 0x02])
        #expect(try GetBatchRequest(decoding: bytes).batchId == long)
        #expect(try GetBatchRequest(decoding: [0x0A, 0x04, 0xF0, 0x9F, 0x98, 0x80]).batchId == "😀")
    }

    @Test func repeatedFloatsArePacked() {
        #expect(Embedding(values: [1, 2]).encoded() == [0x0A, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
    }

    @Test func packedAndUnpackedFloatsDecodeEqual() throws {
        let values: [Float] = [1, -2.5, 0, .greatestFiniteMagnitude]
        let packed = Embedding(values: values).encoded()
        var w = ProtoWriter()
        for v in values {
            w.tag(1, .fixed32)
            w.fixed32(v.bitPattern)
        }
        #expect(try Embedding(decoding: packed) == Embedding(decoding: w.bytes))
        #expect(try Embedding(decoding: w.bytes).values == values)
        // Runs of both kinds accumulate in wire order.
        #expect(try Embedding(decoding: packed + w.bytes + packed).values == values + values + values)
        #expect(try SearchRequest(decoding: [0x15, 0, 0, 0x80, 0x3F]).queryVector == [1])
        #expect(try Point(decoding: [0x12, 0x00]).vector == [])
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        var w = ProtoWriter()
        w.tag(90, .varint); w.varint(UInt64.max)
        w.field(1, "m")
        w.tag(91, .fixed64); w.fixed64(7)
        w.tag(92, .lengthDelimited); w.lengthDelimited([1, 2, 3])
        w.field(4, int32: 5)
        w.tag(93, .fixed32); w.fixed32(9)
        w.tag(536_870_911, .varint); w.varint(1)
        #expect(try EmbedRequest(decoding: w.bytes) == EmbedRequest(model: "m", priority: 5))
        #expect(try PatternStatusRequest(decoding: w.bytes) == PatternStatusRequest())
    }

    @Test func lastValueWinsAndRepeatedAccumulate() throws {
        var w = ProtoWriter()
        w.field(1, "a"); w.field(2, "x"); w.field(4, int32: 3)
        w.field(1, "b"); w.field(2, "y"); w.field(4, int32: 7)
        #expect(try EmbedRequest(decoding: w.bytes) == EmbedRequest(model: "b", texts: ["x", "y"], priority: 7))
        // Explicit defaults on the wire are values like any other.
        let zeros: [UInt8] = [0x0A, 0x00, 0x18, 0x00, 0x20, 0x00]
        #expect(try EmbedRequest(decoding: [0x0A, 0x01, 0x61] + zeros) == EmbedRequest())
    }

    @Test func mapEntriesKeepWireOrderAndDuplicates() throws {
        let pairs: [(key: String, value: String)] = [("b", "1"), ("a", "2"), ("b", "3"), ("", "")]
        let point = Point(id: "p", payload: pairs)
        let decoded = try Point(decoding: point.encoded())
        #expect(decoded == point)
        #expect(decoded.payload.map(\.key) == ["b", "a", "b", ""])
        #expect(Point(payload: [("a", "1"), ("b", "2")]) != Point(payload: [("b", "2"), ("a", "1")]))
        // An empty entry, entries with only a value or an unknown field, and value before key.
        let raw: [UInt8] = [0x1A, 0x00, 0x1A, 0x03, 0x12, 0x01, 0x76, 0x1A, 0x08, 0x12, 0x01, 0x76, 0x18, 0x05, 0x0A, 0x01, 0x6B]
        #expect(try Point(decoding: raw).payload.map { [$0.key, $0.value] } == [["", ""], ["", "v"], ["k", "v"]])
    }

    @Test(arguments: MessageKind.allCases)
    func defaultMessageEncodesToNothing(_ kind: MessageKind) throws {
        let empty = try kind.decode([])
        #expect(empty.encoded() == [])
    }

    @Test func proto3DefaultsOmittedButPresentValuesWritten() throws {
        #expect(EmbedResponse(embeddings: [Embedding()]).encoded() == [0x2A, 0x00])
        #expect(EmbedRequest(texts: [""]).encoded() == [0x12, 0x00])
        // Only +0.0 is a default: -0.0 has its own bits and is written, as protoc does.
        #expect(ScoredPoint(score: -0.0).encoded() == [0x15, 0x00, 0x00, 0x00, 0x80])
        #expect(try ScoredPoint(decoding: [0x15, 0, 0, 0, 0x80]).score.sign == .minus)
    }

    @Test func healthStatusKeepsUnknownValues() throws {
        #expect(HealthCheckResponse(status: .serving).encoded() == [0x08, 0x01])
        #expect(HealthCheckResponse(status: .unknown).encoded() == [])
        for raw: Int32 in [0, 1, 2, 3, 4, 99, -1, .max, .min] {
            let m = HealthCheckResponse(status: .init(rawValue: raw))
            #expect(try HealthCheckResponse(decoding: m.encoded()).status.rawValue == raw)
        }
        #expect(HealthCheckResponse.ServingStatus.serviceUnknown.description == "SERVICE_UNKNOWN")
        #expect(try HealthCheckRequest(decoding: [0x0A, 0x01, 0x78]).service == "x")
    }
}
