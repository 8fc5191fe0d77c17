import GatewayHTTP
import GraphQL
import JSON

/// The GraphQL request carried by an HTTP request (GraphQL over HTTP §"Request"): from the URL
/// parameters of a GET, or from a POST body. A JSON body is read whatever its Content-Type, so
/// `curl -d '{"query":...}'` works; `Content-Type: application/graphql` sends the bare document.
struct GraphQLHTTPRequest: Sendable {
    var query: String
    var operationName: String?
    var variables: JSONObject?
    var extensions: JSONObject?

    /// A request that is not a GraphQL request at all: 400 with this message.
    struct Malformed: Error, Sendable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func fromQueryString(_ query: String) throws(Malformed) -> GraphQLHTTPRequest {
        guard let text = QueryString.decodedValue("query", in: query) else {
            if QueryString.value("query", in: query) != nil { throw Malformed("the query parameter is not valid percent-encoded UTF-8") }
            throw Malformed("a GET request needs a query parameter: /graphql?query={...}")
        }
        var request = GraphQLHTTPRequest(query: text)
        if let name = QueryString.decodedValue("operationName", in: query), !name.isEmpty { request.operationName = name }
        request.variables = try jsonObjectParameter("variables", QueryString.decodedValue("variables", in: query))
        request.extensions = try jsonObjectParameter("extensions", QueryString.decodedValue("extensions", in: query))
        return request
    }

    /// False for `application/graphql`, whose body is the document itself.
    static func readsBodyAsJSON(contentType: String?) -> Bool {
        guard let contentType else { return true }
        let lowercased = contentType.lowercased()
        return !lowercased.hasPrefix("application/graphql") || lowercased.hasPrefix("application/graphql-response")
    }

    static func fromBody(_ body: [UInt8], contentType: String?) throws(Malformed) -> GraphQLHTTPRequest {
        if !readsBodyAsJSON(contentType: contentType) {
            guard let text = String(validating: body, as: UTF8.self) else { throw Malformed("the body is not valid UTF-8") }
            return GraphQLHTTPRequest(query: text)
        }
        let value: JSONValue
        do {
            value = try JSON.parse(body)
        } catch {
            throw Malformed("the body is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw Malformed("the body must be a JSON object {\"query\": ..., \"variables\": ..., \"operationName\": ...}")
        }
        guard let queryValue = object["query"] else { throw Malformed("the body has no \"query\"") }
        guard case .string(let text) = queryValue else { throw Malformed("\"query\" must be a string") }
        var request = GraphQLHTTPRequest(query: text)
        switch object["operationName"] {
        case nil, .null?: break
        case .string(let name)?: request.operationName = name
        default: throw Malformed("\"operationName\" must be a string or null")
        }
        request.variables = try objectMember("variables", object["variables"])
        request.extensions = try objectMember("extensions", object["extensions"])
        return request
    }

    private static func objectMember(_ name: String, _ value: JSONValue?) throws(Malformed) -> JSONObject? {
        switch value {
        case nil, .null?: return nil
        case .object(let object)?: return object
        default: throw Malformed("\"\(name)\" must be an object or null")
        }
    }

    private static func jsonObjectParameter(_ name: String, _ text: String?) throws(Malformed) -> JSONObject? {
        guard let text, !text.isEmpty else { return nil }
        let value: JSONValue
        do {
            value = try JSON.parse(text)
        } catch {
            throw Malformed("the \(name) parameter is not valid JSON: \(error)")
        }
        return try objectMember(name, value)
    }

    init(query: String, operationName: String? = nil, variables: JSONObject? = nil, extensions: JSONObject? = nil) {
        self.query = query
        self.operationName = operationName
        self.variables = variables
        self.extensions = extensions
    }
}
