/// Swift's `String ==` compares by canonical equivalence, so "\u00E9" equals "e\u0301". JSON keys
/// are distinct when their code points differ (that is how every other parser, and the peer that
/// sent them, sees them), so keys are compared by their UTF-8 bytes.
@inline(__always)
func sameUTF8(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
}

/// A `String` hashed and compared by its UTF-8 bytes, for sets of keys.
struct ExactKey: Hashable {
    var string: String

    static func == (a: ExactKey, b: ExactKey) -> Bool { sameUTF8(a.string, b.string) }

    func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
