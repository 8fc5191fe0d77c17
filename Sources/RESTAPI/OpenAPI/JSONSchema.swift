import JSON

/// JSON Schema 2020-12 values (the dialect of OpenAPI 3.1) built from a few calls, so the
/// schemas read like the bodies they describe.
enum JSONSchema {
    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]
    /// An RFC 3339 timestamp, as the gateway writes every time.
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    /// Any object: maps keyed by model name, whose keys the configuration decides.
    static let anyObject: JSONValue = ["type": "object"]

    static func string(maxLength: Int, minLength: Int = 0) -> JSONValue {
        ["type": "string", "minLength": .number(JSONNumber(minLength)), "maxLength": .number(JSONNumber(maxLength))]
    }

    static func integer(minimum: Int, maximum: Int? = nil) -> JSONValue {
        var o: JSONObject = ["type": "integer", "minimum": .number(JSONNumber(minimum))]
        if let maximum { o.set("maximum", .number(JSONNumber(maximum))) }
        return .object(o)
    }

    static func oneOf(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map(JSONValue.string))]
    }

    /// `type: [t, "null"]`: 2020-12's way to say a member may be null.
    static func nullable(_ type: String) -> JSONValue {
        ["type": [.string(type), "null"]]
    }

    static func array(_ items: JSONValue, minItems: Int = 0, maxItems: Int? = nil) -> JSONValue {
        var o: JSONObject = ["type": "array", "items": items]
        if minItems > 0 { o.set("minItems", .number(JSONNumber(minItems))) }
        if let maxItems { o.set("maxItems", .number(JSONNumber(maxItems))) }
        return .object(o)
    }

    /// An object with these members, `required` of them always present. Other members are
    /// allowed: an answer may gain fields without breaking a client that validates.
    static func object(_ properties: KeyValuePairs<String, JSONValue>, required: [String] = []) -> JSONValue {
        var o: JSONObject = ["type": "object", "properties": .object(JSONObject(properties.map { (key: $0.key, value: $0.value) }))]
        if !required.isEmpty { o.set("required", .array(required.map(JSONValue.string))) }
        return .object(o)
    }

    /// Exactly one of these members: the decoders refuse both and neither, naming the field.
    static func exactlyOneOf(_ members: [String], in schema: JSONValue) -> JSONValue {
        guard case .object(var o) = schema else { return schema }
        o.set("oneOf", .array(members.map { ["required": [.string($0)]] }))
        return .object(o)
    }

    /// A map whose values all have this schema (`{"<model>": {...}}`).
    static func map(_ values: JSONValue) -> JSONValue {
        ["type": "object", "additionalProperties": values]
    }
}
