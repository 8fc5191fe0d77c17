/// One line as curl's header callback hands it over (CRLF included), classified.
/// Pure so that tests can drive it with tables; the callback only appends what it says.
enum HeaderLine: Equatable {
    /// "HTTP/1.1 200 OK": a head begins. Heads before it (100 Continue) are discarded.
    case statusLine
    /// A field; the name is lower-cased, the value trimmed of surrounding blanks.
    case field(name: String, value: String)
    /// An obsolete folded line (starts with a blank): more of the previous field's value.
    case continuation(String)
    /// The blank line that ends a head.
    case end
    /// No colon, or an empty name: dropped rather than guessed at.
    case malformed

    init(_ line: UnsafeBufferPointer<UInt8>) {
        var end = line.count
        while end > 0, line[end - 1] == .cr || line[end - 1] == .lf { end -= 1 }
        if end == 0 {
            self = .end
            return
        }
        if line[0] == .space || line[0] == .tab {
            self = .continuation(Self.trimmed(line, 0, end))
            return
        }
        if end >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"), line[2] == UInt8(ascii: "T"),
            line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/")
        {
            self = .statusLine
            return
        }
        guard let colon = line[0..<end].firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            self = .malformed
            return
        }
        let name = String(unsafeUninitializedCapacity: colon) { out in
            for i in 0..<colon { out[i] = Self.lower(line[i]) }
            return colon
        }
        self = .field(name: name, value: Self.trimmed(line, colon + 1, end))
    }

    /// ASCII lower case, the only case folding header names need.
    static func lowercased(_ name: String) -> String {
        if !name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return name }
        return String(decoding: name.utf8.map(lower), as: UTF8.self)
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        var start = from
        var end = to
        while start < end, line[start] == .space || line[start] == .tab { start += 1 }
        while end > start, line[end - 1] == .space || line[end - 1] == .tab { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }
}

extension UInt8 {
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
}
