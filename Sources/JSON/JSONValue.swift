/// A parsed JSON document, or one to be serialized.
///
/// Not `indirect`: arrays and objects already store their elements out of line, and boxing every
/// number and string would cost an allocation each when parsing.
public enum JSONValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Equal when they serialize to the same bytes: strings compare by UTF-8 (not canonical
    /// equivalence), numbers by text, objects in member order.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.string(x), .string(y)): sameUTF8(x, y)
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x == y
        default: false
        }
    }

    /// The compact JSON text, as `JSON.serialize` writes it.
    public var description: String {
        String(decoding: JSON.serialize(self), as: UTF8.self)
    }
}
