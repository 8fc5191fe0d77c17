extension JSONReader {
    /// One step through a document. A key arrives with its `:` already consumed, so the next
    /// token is that member's value.
    public enum Token: Sendable, Equatable {
        case beginObject
        case endObject
        case beginArray
        case endArray
        case key(String)
        case string(String)
        case number(JSONNumber)
        case bool(Bool)
        case null
        /// The document is complete and nothing but whitespace followed it.
        case end
    }
}
