/// The elements of a `#rule` list field value (RFC 9110 §5.6.1), each trimmed of OWS. Empty
/// elements are yielded too: some fields tolerate them and some must reject them.
struct CommaList: Sequence, IteratorProtocol {
    private var rest: ArraySlice<UInt8>
    private var done = false

    init(_ value: ArraySlice<UInt8>) {
        rest = value
    }

    mutating func next() -> ArraySlice<UInt8>? {
        if done { return nil }
        if let comma = rest.firstIndex(of: ASCII.comma) {
            let element = rest[rest.startIndex..<comma]
            rest = rest[(comma + 1)...]
            return ASCII.trimmingWhitespace(element)
        }
        done = true
        return ASCII.trimmingWhitespace(rest)
    }
}
