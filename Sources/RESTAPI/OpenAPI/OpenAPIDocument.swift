import JSON

/// The OpenAPI 3.1 document of the REST and `/v1` APIs, made from the route table: its paths and
/// methods are the table's routes, its security their `RouteAccess`, its error bodies their
/// `ErrorDialect`; only the rest (summary, bodies, answers) comes from `APIOperation.gateway`.
/// The `/debug/...` diagnostics are left out: they are off unless `--diagnostics`, for the live
/// tests only, and no client should build on them.
/// Runs on: the thread that builds the route table, once at start.
struct OpenAPIDocument: Sendable {
    static let path = "/openapi.json"

    let json: JSONValue
    /// `"<METHOD> <pattern>"` of the routes without documentation; a test keeps it empty.
    let undocumented: [String]

    /// `models` are offered as examples of a `{model}` segment, so a client (or a fuzzer) starts
    /// from names that exist.
    init(routes: [Route], models: [String], operations: [String: APIOperation] = APIOperation.gateway) {
        var paths = JSONObject()
        var undocumented: [String] = []
        for route in routes where Self.isDocumented(route) {
            let pattern = route.pattern.description
            var item = paths[pattern]?.objectValue ?? JSONObject()
            for method in route.methods {
                // A HEAD answers what its GET answers, without the body.
                guard let operation = operations["\(method == "HEAD" ? "GET" : method) \(pattern)"] else {
                    undocumented.append("\(method) \(pattern)")
                    continue
                }
                item.set(method.lowercased(), Self.operation(operation, route: route, head: method == "HEAD", models: models))
            }
            paths.set(pattern, .object(item))
        }
        self.undocumented = undocumented
        json = [
            "openapi": "3.1.0",
            "info": [
                "title": "PatternGateway",
                "version": "1",
                "description": .string("The REST API (spec §3, §7) and the OpenAI-compatible API (spec §8) of the gateway. "
                    + "GraphQL (`/graphql`) and gRPC share the port and describe themselves (introspection, reflection)."),
            ],
            "paths": .object(paths),
            "components": ["schemas": OpenAPISchemas.all, "securitySchemes": Self.securitySchemes],
        ]
    }

    static func isDocumented(_ route: Route) -> Bool {
        !route.pattern.description.hasPrefix("/debug/")
    }

    /// Spec §6: a key as `Authorization: Bearer <key>` or as `X-API-Key`, either one.
    static let securitySchemes: JSONValue = [
        "bearer": ["type": "http", "scheme": "bearer", "description": "an API key as a bearer token"],
        "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
    ]

    private static func operation(_ op: APIOperation, route: Route, head: Bool, models: [String]) -> JSONValue {
        var o: JSONObject = ["operationId": .string(head ? op.id + "Head" : op.id), "summary": .string(op.summary)]
        var parameters = route.pattern.segments.compactMap { segment -> JSONValue? in
            guard case .parameter(let name) = segment else { return nil }
            var schema: JSONObject = ["type": "string", "minLength": 1]
            if name == "model", !models.isEmpty { schema.set("examples", .array(models.map(JSONValue.string))) }
            return ["name": .string(name), "in": "path", "required": true, "schema": .object(schema)]
        }
        parameters += op.query.map { ["name": .string($0.name), "in": "query", "description": .string($0.description), "schema": $0.schema] }
        if !parameters.isEmpty { o.set("parameters", .array(parameters)) }
        if let body = op.body, !head {
            var media: JSONObject = ["schema": body.schema]
            if let example = body.example { media.set("example", example) }
            o.set("requestBody", ["required": true, "content": .object(JSONObject([(key: body.mediaType, value: .object(media))]))])
        }
        o.set("responses", responses(op, route: route, head: head))
        switch route.access {
        case .open:
            o.set("security", [])
        case .role(let role):
            o.set("security", [["bearer": []], ["apiKey": []]])
            o.set("x-role", .string(role.rawValue))
        }
        return .object(o)
    }

    /// The answers, then the errors in the route's dialect; a route behind a role can also be
    /// refused its key (401, 403) or its rate (429) once keys are configured.
    private static func responses(_ op: APIOperation, route: Route, head: Bool) -> JSONValue {
        var statuses = op.errors
        if case .role = route.access { statuses += [401, 403, 429] }
        let error: JSONValue = .ref(route.dialect == .openAI ? "OpenAIError" : "GatewayError")
        var all = op.answers.map { (status: $0.status, description: $0.description, content: $0.content) }
        for status in Set(statuses).sorted() where !all.contains(where: { $0.status == status }) {
            all.append((status, errorMeaning[status] ?? "error", [("application/json", error)]))
        }
        var out = JSONObject()
        for answer in all.sorted(by: { $0.status < $1.status }) {
            var r: JSONObject = ["description": .string(answer.description)]
            if !head {
                r.set("content", .object(JSONObject(answer.content.map { (key: $0.mediaType, value: ["schema": $0.schema]) })))
            }
            out.set(String(answer.status), .object(r))
        }
        return .object(out)
    }

    /// Spec §2's table, in words.
    static let errorMeaning: [Int: String] = [
        400: "invalid argument (the message and `field` name what)",
        401: "no key, or an unknown one (keys configured)",
        403: "the key's role may not call this",
        404: "unknown model, batch, file or path",
        413: "the body is over the limits",
        429: "rate limited or the queue is full (Retry-After)",
        502: "the upstream failed",
        503: "circuit open or a dependency unavailable (Retry-After)",
        504: "the upstream timed out",
    ]
}

extension OpenAPIDocument {
    /// `GET /openapi.json`, open to all: a schema carries no data, and tools fetch it before they
    /// have a key. The bytes are made once, here, not per request.
    static func route(documenting routes: [Route], models: [String]) -> Route {
        let methods = ["GET", "HEAD"]
        // The document lists itself, so it is made from the table with this route in it; the
        // stand-in's handler is never called.
        let standIn = Route(methods, path, .open) { _, _ in .json(404, "") }
        let body = JSON.serialize(OpenAPIDocument(routes: routes + [standIn], models: models).json)
        return Route(methods, path, .open) { _, _ in .json(200, body) }
    }
}
