import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import Testing

@testable import RESTAPI

@Suite("Route table", .serialized)
struct RouteTableTests {
    /// Every route with its methods, pattern and role. A route added to the table without being
    /// added here (and so without a second look at who may call it) fails `everyRouteAndItsRole`.
    static let expected: [(methods: String, pattern: String, access: String)] = [
        ("GET, HEAD", "/health", "open"),
        ("GET, HEAD", "/", "open"),
        ("GET, HEAD", "/dashboard/app.js", "open"),
        ("GET, HEAD", "/dashboard/style.css", "open"),
        ("GET, HEAD", "/ready", "open"),
        ("GET, HEAD", "/metrics", "open"),
        ("POST", "/api/v1/external/{model}/embed", "write"),
        ("POST", "/api/v1/external/{model}/generate", "write"),
        ("POST", "/api/v1/external/{model}/chat", "write"),
        ("GET", "/api/v1/external/batch/{batch_id}", "read"),
        ("GET", "/api/v1/external/batch/queue/status", "read"),
        ("GET", "/api/v1/external/patterns/status", "read"),
        ("GET", "/api/v1/external/patterns/metrics", "read"),
        ("POST", "/api/v1/external/test/failover", "admin"),
        ("POST", "/api/v1/patterns/{model}/ingest", "write"),
        ("POST", "/api/v1/patterns/{model}/search", "read"),
        ("POST", "/api/v1/models/{model}/search", "read"),
        ("GET, HEAD", "/api/v1/patterns/status", "read"),
        ("GET, HEAD", "/api/v1/patterns/health", "read"),
        ("GET, HEAD", "/api/v1/patterns/metrics", "read"),
        ("POST", "/api/v1/patterns/test/all-models", "admin"),
        ("GET, HEAD", "/api/v1/optimizations/status", "read"),
        ("GET", "/v1/models", "read"),
        ("GET", "/v1/models/{model}", "read"),
        ("POST", "/v1/embeddings", "write"),
        ("POST", "/v1/completions", "write"),
        ("POST", "/v1/chat/completions", "write"),
        ("POST", "/v1/files", "write"),
        ("GET", "/v1/files/{file_id}", "read"),
        ("DELETE", "/v1/files/{file_id}", "write"),
        ("GET", "/v1/files/{file_id}/content", "read"),
        ("POST", "/v1/batches", "write"),
        ("GET", "/v1/batches", "read"),
        ("GET", "/v1/batches/{batch_id}", "read"),
        ("POST", "/v1/batches/{batch_id}/cancel", "write"),
        ("GET, HEAD", "/openapi.json", "open"),
        ("GET", "/debug/sleep", "open"),
        ("GET", "/debug/stats", "open"),
        ("POST", "/debug/echo", "open"),
        ("POST", "/debug/decode-search", "open"),
    ]

    static func listing(_ router: RESTRouter) -> [String] {
        router.table.routes.map { "\($0.methods.joined(separator: ", ")) \($0.pattern) \($0.access)" }
    }

    @Test func everyRouteAndItsRole() throws {
        let core = try unreachableCore()
        let got = Self.listing(RESTRouter(core: core, batches: try batchesInTemporaryDirectory(core: core),
                                          diagnostics: true))
        let want = Self.expected.map { "\($0.methods) \($0.pattern) \($0.access)" }
        #expect(got == want, "added: \(got.filter { !want.contains($0) }), missing: \(want.filter { !got.contains($0) })")
    }

    @Test func withoutACoreOnlyHealthTheDocumentAndTheDiagnostics() {
        #expect(Self.listing(RESTRouter()) == ["GET, HEAD /health open", "GET, HEAD /openapi.json open"])
        #expect(Self.listing(RESTRouter(diagnostics: true)).count == 6)
    }

    @Test("a path known under other methods is 405 with every method it answers in Allow", arguments: [
        ("PUT", "/api/v1/external/batch/embed", "POST, GET"),
        ("GET", "/api/v1/external/general/embed", "POST"),
        ("POST", "/metrics", "GET, HEAD"),
        ("DELETE", "/v1/models/general", "GET"),
        ("PUT", "/v1/files/file-1", "GET, DELETE"),
        ("DELETE", "/v1/batches/batch_1", "GET"),
    ])
    func methodNotAllowed(_ method: String, _ path: String, _ allowed: String) throws {
        let core = try unreachableCore()
        let table = RESTRouter(core: core, batches: try batchesInTemporaryDirectory(core: core), diagnostics: true).table
        guard case .methodNotAllowed(let got) = table.match(method: method, path: path) else {
            Issue.record("\(method) \(path) is not a 405")
            return
        }
        #expect(got == allowed)
    }

    @Test("a path matching two patterns goes to the one of its method") func sharedPath() throws {
        let table = RESTRouter(core: try unreachableCore()).table
        guard case .found(let get, let p) = table.match(method: "GET", path: "/api/v1/external/batch/embed"),
              case .found(let post, let q) = table.match(method: "POST", path: "/api/v1/external/batch/embed") else {
            Issue.record("no match")
            return
        }
        #expect(get.pattern.description == "/api/v1/external/batch/{batch_id}" && p["batch_id"] == "embed")
        #expect(post.pattern.description == "/api/v1/external/{model}/embed" && q["model"] == "batch")
    }

    @Test func noTwoRoutesOfOneMethodMatchOnePath() throws {
        let core = try unreachableCore()
        let routes = RESTRouter(core: core, batches: try batchesInTemporaryDirectory(core: core),
                                diagnostics: true).table.routes
        for (i, a) in routes.enumerated() {
            for b in routes[(i + 1)...] where a.pattern.overlaps(b.pattern) {
                #expect(Set(a.methods).isDisjoint(with: b.methods), "\(a.pattern) and \(b.pattern)")
            }
        }
    }
}
