import JSON

/// One entry of a response's `errors` (spec §7.1.2): what went wrong, where in the document, and
/// for field errors where in the response.
public struct GraphQLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var locations: [SourceLocation]
    /// Response keys and list indexes from the root to the failed field; empty for request errors.
    public var path: [PathComponent]
    /// `code` (the gateway's error codes, spec §2) and anything else a client may act on.
    public var extensions: JSONObject?

    public init(_ message: String, locations: [SourceLocation] = [], path: [PathComponent] = [], extensions: JSONObject? = nil) {
        self.message = message
        self.locations = locations
        self.path = path
        self.extensions = extensions
    }

    public var description: String {
        locations.isEmpty ? message : "\(message) (at \(locations.map(\.description).joined(separator: ", ")))"
    }

    /// As it appears in the response.
    public var json: JSONValue {
        var object: JSONObject = ["message": .string(message)]
        if !locations.isEmpty {
            object.set(
                "locations",
                .array(locations.map { .object(["line": .number(JSONNumber($0.line)), "column": .number(JSONNumber($0.column))]) }))
        }
        if !path.isEmpty {
            object.set("path", .array(path.map(\.json)))
        }
        if let extensions { object.set("extensions", .object(extensions)) }
        return .object(object)
    }
}

public enum PathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var json: JSONValue {
        switch self {
        case .key(let key): .string(key)
        case .index(let index): .number(JSONNumber(index))
        }
    }

    public var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): String(index)
        }
    }
}

/// What a resolver throws to fail its field with a message and a code the client can act on
/// (`extensions.code`); any other error becomes "Internal error" with code `internal`, so
/// nothing internal leaks into responses.
public struct FieldError: Error, Sendable {
    public var message: String
    public var extensions: JSONObject

    public init(_ message: String, code: String, details: JSONObject = [:]) {
        self.message = message
        var extensions: JSONObject = ["code": .string(code)]
        for (key, value) in details { extensions.set(key, value) }
        self.extensions = extensions
    }
}
