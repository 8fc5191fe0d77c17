import Protobuf

/// What every message of gateway.proto and health.proto offers, so that the gRPC front-end can
/// decode a request and encode a response generically, one method handler per RPC.
public protocol GatewayMessage: Sendable, Equatable {
    /// Reads the fields up to the reader's end; nested messages are read with a bounded reader.
    init(from r: inout ProtoReader) throws(ProtoError)
    func encode(to w: inout ProtoWriter)
}

extension GatewayMessage {
    public init(decoding bytes: [UInt8]) throws(ProtoError) {
        var r = ProtoReader(bytes)
        try self.init(from: &r)
    }

    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        encode(to: &w)
        return w.bytes
    }
}

/// `map<string, string>` fields are kept as ordered pairs rather than a dictionary so that a
/// decode–encode round trip reproduces the wire order; tuples are not Equatable, hence this.
func pairsEqual(_ a: [(key: String, value: String)], _ b: [(key: String, value: String)]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
}
