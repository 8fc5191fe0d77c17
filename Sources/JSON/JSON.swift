/// Strict RFC 8259 JSON: one value of any type, surrounded only by SP, HT, LF or CR; no comments,
/// trailing commas, leading zeros, NaN or Infinity; strings must be valid UTF-8 with escaped
/// control characters and paired surrogates; no byte order mark; no duplicate keys.
public enum JSON {
    /// Parses a whole document into a tree. Numbers keep their text (see `JSONNumber`).
    public static func parse(
        _ bytes: some Collection<UInt8>, limits: JSONLimits = .init()
    ) throws(JSONError) -> JSONValue {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) -> JSONValue in
                try TreeBuilder.build(Input(bytes: buffer, limits: limits))
            }
        }
        if let parsed { return try parsed.get() }
        // Non-contiguous input is copied, but no further than the size limit needs to see.
        return try parse(Array(bytes.prefix(limits.maxBytes &+ 1)), limits: limits)
    }

    public static func parse(_ text: String, limits: JSONLimits = .init()) throws(JSONError) -> JSONValue {
        try parse(text.utf8, limits: limits)
    }

    /// Compact JSON: no whitespace, members in stored order, strings escaped minimally (see
    /// `JSONWriter.string`), numbers as their text.
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(value)
        return writer.bytes
    }
}
