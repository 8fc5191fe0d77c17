/// Appends compact JSON to a byte buffer, for building responses without a tree.
///
/// Commas are inserted automatically; the writer does not otherwise check the call sequence
/// (a key outside an object, an unclosed array): the calling code is the grammar.
///
/// Doubles and floats are written as the shortest text that reads back as the same value
/// (Swift's `description`, e.g. `0.1`, `1e-05`, `1e+16`). NaN and ±infinity have no JSON form
/// and are written as `null`, the same choice JavaScript's JSON.stringify makes, so one bad
/// number cannot make a whole response invalid.
public struct JSONWriter: Sendable {
    public internal(set) var bytes: [UInt8]
    /// A value has been written at the current level, so the next one needs a comma.
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer so one writer can serve many responses.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
        needsComma = false
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member's key and its `:`; the member's value comes next.
    public mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key written before: its quoted, escaped text and the `:` after it (`"name":`), copied
    /// as it is, for keys repeated in every response.
    public mutating func key(encoded: [UInt8]) {
        separate()
        bytes.append(contentsOf: encoded)
        needsComma = false
    }

    /// Escapes `"`, `\` and the control characters U+0000–U+001F (as `\n`, `\r`, `\t`, `\b`, `\f`,
    /// or `\u00xx`); everything else, including non-ASCII, is copied as UTF-8. This is the same
    /// output as Python's `json.dumps(ensure_ascii=False)`.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    public mutating func number(_ value: Int) {
        separate()
        appendDecimal(value)
        needsComma = true
    }

    /// NaN and infinities are written as `null`.
    public mutating func number(_ value: Double) {
        separate()
        if value.isFinite {
            bytes.append(contentsOf: value.description.utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        needsComma = true
    }

    /// NaN and infinities are written as `null`. The text is the float's shortest form (0.1, not
    /// the 0.10000000149011612 its double conversion would give).
    public mutating func number(_ value: Float) {
        separate()
        if value.isFinite {
            bytes.append(contentsOf: value.description.utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        needsComma = true
    }

    /// Fixed-point with exactly three decimals ("12.345"), for durations in milliseconds: formatting
    /// a double's shortest form costs more than the rest of a cached answer. Values at or beyond
    /// 1e15 in magnitude (never a duration) fall back to the shortest form.
    public mutating func milliseconds(_ value: Double) {
        guard value.isFinite, abs(value) < 1e15 else { return number(value) }
        separate()
        var thousandths = Int64((value * 1000).rounded())
        if thousandths < 0 {
            bytes.append(UInt8(ascii: "-"))
            thousandths = -thousandths
        }
        appendDecimal(Int(thousandths / 1000))
        bytes.append(UInt8(ascii: "."))
        let frac = Int(thousandths % 1000)
        bytes.append(UInt8(ascii: "0") + UInt8(frac / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(frac / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(frac % 10))
        needsComma = true
    }

    /// The number's text as it is, e.g. an id too large for a double.
    public mutating func number(_ value: JSONNumber) {
        separate()
        bytes.append(contentsOf: value.text.utf8)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// A fragment that is already JSON (a cached body, a pre-encoded value), copied unchecked.
    /// The array overload is a single copy; the generic one would go element by element across
    /// the module boundary.
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    public mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let bool): self.bool(bool)
        case .number(let number): self.number(number)
        case .string(let string): self.string(string)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for field in object.fields {
                key(field.key)
                self.value(field.value)
            }
            endObject()
        }
    }

    /// A point to come back to: what has been written so far, and whether a comma is due.
    public struct Mark: Sendable {
        fileprivate var count: Int
        fileprivate var needsComma: Bool
    }

    public var mark: Mark { Mark(count: bytes.count, needsComma: needsComma) }

    /// Forgets everything written since `mark`, e.g. a half-written value that turned out to be
    /// null after all; the next value is written where `mark` was taken.
    public mutating func rollback(to mark: Mark) {
        bytes.removeSubrange(mark.count...)
        needsComma = mark.needsComma
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
