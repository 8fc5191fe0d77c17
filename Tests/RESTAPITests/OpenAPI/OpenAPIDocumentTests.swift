import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import JSON
import Testing

@testable import RESTAPI

/// The served `/openapi.json` against the route table it is made from.
@Suite("OpenAPI document", .serialized)
struct OpenAPIDocumentTests {
    /// The whole gateway's router (core, Batch API, diagnostics) and the document it serves.
    static func served() async throws -> (table: RouteTable, document: JSONValue) {
        let core = try unreachableCore()
        let router = RESTRouter(core: core, batches: try batchesInTemporaryDirectory(core: core), diagnostics: true)
        let answer = await send(makeRequest("GET", OpenAPIDocument.path), to: router)
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/json")
        return (router.table, try JSON.parse(answer.body))
    }

    /// `(method, path, operation)` for every operation of the document.
    static func operations(_ document: JSONValue) -> [(method: String, path: String, operation: JSONObject)] {
        (document["paths"]?.objectValue?.fields ?? []).flatMap { path, item in
            (item.objectValue?.fields ?? []).compactMap { method, operation in
                operation.objectValue.map { (method.uppercased(), path, $0) }
            }
        }
    }

    @Test func isOpenAPI31() async throws {
        let (_, document) = try await Self.served()
        #expect(document["openapi"]?.stringValue == "3.1.0")
        #expect(document["info"]?["title"]?.stringValue != nil)
        #expect(document["components"]?["securitySchemes"]?["bearer"]?["scheme"]?.stringValue == "bearer")
        #expect(document["components"]?["securitySchemes"]?["apiKey"]?["name"]?.stringValue == "X-API-Key")
    }

    @Test("every method of every route but the diagnostics is in the document, and nothing else")
    func pathsAndMethodsAreTheTables() async throws {
        let (table, document) = try await Self.served()
        let routes = Set(table.routes.filter(OpenAPIDocument.isDocumented).flatMap { r in r.methods.map { "\($0) \(r.pattern)" } })
        let documented = Set(Self.operations(document).map { "\($0.method) \($0.path)" })
        #expect(routes.count > 30 && routes.contains("GET \(OpenAPIDocument.path)"))
        #expect(routes.subtracting(documented).isEmpty, "not documented: \(routes.subtracting(documented).sorted())")
        #expect(documented.subtracting(routes).isEmpty, "not routes: \(documented.subtracting(routes).sorted())")
        #expect(!documented.contains { $0.contains("/debug/") })
    }

    @Test("a route the documentation table does not know is reported, not dropped silently")
    func undocumentedRouteIsListed() throws {
        let core = try unreachableCore()
        let routes = RESTRouter(core: core).table.routes + [Route(["PATCH"], "/api/v1/new/{thing}", .role(.read)) { _, _ in .json(200, "") }]
        let document = OpenAPIDocument(routes: routes, models: [])
        #expect(document.undocumented == ["PATCH /api/v1/new/{thing}"])
        #expect(OpenAPIDocument(routes: RESTRouter(core: core).table.routes, models: []).undocumented.isEmpty)
    }

    @Test func operationIdsAndResponses() async throws {
        let (_, document) = try await Self.served()
        var seen: [String: String] = [:]
        for (method, path, operation) in Self.operations(document) {
            guard let id = operation["operationId"]?.stringValue, !id.isEmpty else {
                Issue.record("\(method) \(path) has no operationId")
                continue
            }
            #expect(seen.updateValue("\(method) \(path)", forKey: id) == nil, "\(id) names two operations")
            let responses = operation["responses"]?.objectValue
            #expect(responses?.isEmpty == false, "\(method) \(path) has no responses")
            #expect(responses?.keys.contains { $0.hasPrefix("2") } == true, "\(method) \(path) has no success")
        }
    }

    @Test("every {name} of a path is a required path parameter, and no other is declared")
    func pathParameters() async throws {
        let (_, document) = try await Self.served()
        for (method, path, operation) in Self.operations(document) {
            let template = PathPattern(path).segments.compactMap { s -> String? in
                if case .parameter(let name) = s { return name } else { return nil }
            }
            let declared = (operation["parameters"]?.arrayValue ?? []).filter { $0["in"]?.stringValue == "path" }
            #expect(declared.compactMap { $0["name"]?.stringValue } == template, "\(method) \(path)")
            #expect(declared.allSatisfy { $0["required"] == true }, "\(method) \(path)")
        }
    }

    @Test("security follows the route's access: open is [], a role asks for a key")
    func securityFromAccess() async throws {
        let (table, document) = try await Self.served()
        let operations = Self.operations(document)
        for route in table.routes where OpenAPIDocument.isDocumented(route) {
            for method in route.methods {
                guard let op = operations.first(where: { $0.method == method && $0.path == route.pattern.description })?.operation
                else { continue }
                switch route.access {
                case .open:
                    #expect(op["security"] == [], "\(method) \(route.pattern)")
                    #expect(op["responses"]?["401"] == nil, "\(method) \(route.pattern)")
                case .role(let role):
                    #expect(op["security"]?.arrayValue?.count == 2, "\(method) \(route.pattern)")
                    #expect(op["x-role"]?.stringValue == role.rawValue, "\(method) \(route.pattern)")
                    #expect(op["responses"]?["401"] != nil && op["responses"]?["403"] != nil, "\(method) \(route.pattern)")
                }
            }
        }
    }

    @Test("errors are written in the path's dialect")
    func errorDialects() async throws {
        let (_, document) = try await Self.served()
        for (method, path, operation) in Self.operations(document) where method != "HEAD" {
            let want = "#/components/schemas/" + (ErrorDialect(path: path) == .openAI ? "OpenAIError" : "GatewayError")
            for (status, response) in operation["responses"]?.objectValue?.fields ?? [] where status.hasPrefix("4") || status.hasPrefix("5") {
                let schema = response["content"]?["application/json"]?["schema"]?["$ref"]?.stringValue
                // `/ready` and the vector health answer 503 with their own report.
                if schema != want {
                    #expect(["/ready", "/api/v1/patterns/health"].contains(path) && status == "503", "\(method) \(path) \(status): \(schema ?? "-")")
                }
            }
        }
    }

    @Test("every $ref names a schema of the components")
    func referencesResolve() async throws {
        let (_, document) = try await Self.served()
        let schemas = Set(document["components"]?["schemas"]?.objectValue?.keys ?? [])
        var refs: [String] = []
        func walk(_ v: JSONValue) {
            switch v {
            case .object(let o):
                for (k, x) in o { if k == "$ref", let s = x.stringValue { refs.append(s) } else { walk(x) } }
            case .array(let a): a.forEach(walk)
            default: break
            }
        }
        walk(document)
        #expect(refs.count > 50)
        for ref in Set(refs) {
            #expect(ref.hasPrefix("#/components/schemas/") && schemas.contains(String(ref.dropFirst(21))), "\(ref)")
        }
    }

    @Test func modelsAreExamplesOfTheModelSegment() async throws {
        let (_, document) = try await Self.served()
        let op = Self.operations(document).first { $0.method == "POST" && $0.path == "/api/v1/external/{model}/embed" }
        let examples = op?.operation["parameters"]?[0]?["schema"]?["examples"]?.arrayValue?.compactMap(\.stringValue)
        #expect(examples == (try unreachableCore()).configuration.registry.models.map(\.name))
        #expect(examples?.isEmpty == false)
    }
}
