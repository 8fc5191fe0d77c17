import JSON

/// What the OpenAPI document says about one method of one route: its id, its summary, the query
/// parameters and body it reads, and every answer it can give. The path, its `{name}` parameters,
/// the security and the refusals of keys (401, 403, 429) come from the route itself (see
/// `OpenAPIDocument`), so they cannot disagree with the table.
struct APIOperation: Sendable {
    var id: String
    var summary: String
    var query: [QueryParameter] = []
    var body: RequestBody?
    /// The answers in the route's success shapes; the error answers are listed by status only,
    /// their body is the route's error dialect.
    var answers: [APIAnswer]
    var errors: [Int] = []

    struct QueryParameter: Sendable {
        var name: String
        var description: String
        var schema: JSONValue
    }

    struct RequestBody: Sendable {
        var mediaType: String
        var schema: JSONValue
        /// A valid body: what a reader copies and what a fuzzer starts from.
        var example: JSONValue?
    }
}

/// One successful answer: its status, what it means and its bodies by media type.
struct APIAnswer: Sendable {
    var status: Int
    var description: String
    var content: [(mediaType: String, schema: JSONValue)]

    static func json(_ status: Int, _ description: String, _ schema: String) -> APIAnswer {
        APIAnswer(status: status, description: description, content: [("application/json", .ref(schema))])
    }
}

extension JSONValue {
    /// `{"$ref": "#/components/schemas/<name>"}`.
    static func ref(_ name: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/\(name)")]
    }
}
