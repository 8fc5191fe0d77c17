/// An object's members in document order. Order is kept because it is part of what the peer sent
/// (and what we send back); lookups are linear, which beats hashing for the few keys typical
/// objects have.
///
/// Keys compare by their UTF-8 bytes, not by Swift's canonical equivalence, so "\u00E9" and
/// "e\u0301" are different keys, as in every other JSON implementation. Equality is
/// order-sensitive: two objects are equal when they serialize to the same bytes.
public struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (key: String, value: JSONValue)

    /// The members as given. `JSON.parse` never produces duplicate keys; code that edits this
    /// array directly is trusted not to either.
    public var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.fields = elements.map { (key: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }
    public var keys: [String] { fields.map(\.key) }

    /// The member's value; setting nil removes the member, setting a value replaces it in place
    /// or appends it.
    public subscript(key: String) -> JSONValue? {
        get { fields.first { sameUTF8($0.key, key) }?.value }
        set {
            if let newValue {
                set(key, newValue)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Replaces the value of an existing member (keeping its position) or appends a new one.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if let index = fields.firstIndex(where: { sameUTF8($0.key, key) }) {
            fields[index].value = value
        } else {
            fields.append((key: key, value: value))
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let index = fields.firstIndex(where: { sameUTF8($0.key, key) }) else { return nil }
        return fields.remove(at: index).value
    }

    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { sameUTF8($0.key, $1.key) && $0.value == $1.value }
    }
}
