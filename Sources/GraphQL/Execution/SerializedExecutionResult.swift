import JSON

/// `ExecutionResult` with `data` already written as compact JSON (see
/// `Executor.executeSerialized`): `data` is nil for request errors.
public struct SerializedExecutionResult: Sendable {
    public var data: [UInt8]?
    public var errors: [GraphQLError]

    public init(data: [UInt8]?, errors: [GraphQLError]) {
        self.data = data
        self.errors = errors
    }

    /// The response map as JSON text, byte for byte what `JSON.serialize` makes of
    /// `ExecutionResult.json(extensions:)` for the same result.
    public func json(extensions: JSONObject? = nil) -> [UInt8] {
        var writer = JSONWriter(capacity: (data?.count ?? 0) + 64)
        writer.beginObject()
        if !errors.isEmpty {
            writer.key("errors")
            writer.beginArray()
            for error in errors { writer.value(error.json) }
            writer.endArray()
        }
        if let data {
            writer.key("data")
            writer.raw(data)
        }
        if let extensions, !extensions.isEmpty {
            writer.key("extensions")
            writer.value(.object(extensions))
        }
        writer.endObject()
        return writer.bytes
    }
}
