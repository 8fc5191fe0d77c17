import GatewayCore
import GatewayHTTP
import GatewayTestSupport
import Testing

@testable import RESTAPI

/// The router admits by each entry's own role: every keyed route refuses a missing key (401) and
/// a key one role too low (403), in its path's error dialect; open routes ask for nothing.
@Suite("Route access", .serialized)
struct RouteAccessTests {
    static let keys: [APIKeyRole: String] = [.read: "k-read", .write: "k-write", .admin: "k-admin"]
    let router: RESTRouter

    init() throws {
        let keys = Self.keys.map { APIKey(name: "\($0.key.rawValue)-key", sha256: AccessControl.hash($0.value), role: $0.key) }
        router = RESTRouter(core: try unreachableCore(keys: keys))
    }

    /// A request for `route` with its parameters filled in.
    private func request(_ route: Route, key: String?) -> Request {
        let path = route.pattern.segments.map { s -> String in
            switch s {
            case .literal(let l): l
            case .parameter: "general"
            }
        }.joined(separator: "/")
        return makeRequest(route.methods[0], "/" + path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:],
                           body: Array("{}".utf8))
    }

    @Test func everyKeyedRouteRefusesAMissingKeyAndALowerRole() async throws {
        for route in router.table.routes {
            guard case .role(let role) = route.access else { continue }
            let anonymous = await send(request(route, key: nil), to: router)
            #expect(anonymous.status == 401, "\(route.pattern)")
            #expect(anonymous.headers["WWW-Authenticate"] == "Bearer", "\(route.pattern)")
            let code = (jsonObject(anonymous.body)?["error"] as? [String: Any])?["code"] as? String
            #expect(code == (route.dialect == .openAI ? "invalid_api_key" : "unauthenticated"), "\(route.pattern)")
            guard let lower = APIKeyRole.allCases.last(where: { $0 < role }) else { continue }
            let denied = await send(request(route, key: Self.keys[lower]), to: router)
            #expect(denied.status == 403, "\(route.pattern) with a \(lower) key")
        }
    }

    @Test func openRoutesAskForNoKey() async throws {
        for route in router.table.routes where route.access == .open {
            let r = await send(request(route, key: nil), to: router)
            #expect(r.status != 401 && r.status != 403, "\(route.pattern): \(r.status)")
        }
    }

    @Test func anAdmittedAnswerCarriesTheRateLimitState() async throws {
        let r = await send(makeRequest("GET", "/v1/models", headers: ["Authorization": "Bearer k-read"]), to: router)
        #expect(r.status == 200)
        #expect(r.headers["RateLimit-Limit"] == "1000" && r.headers["RateLimit-Remaining"] != nil)
    }

    @Test func aRefusalUnderV1IsInOpenAIsShape() async throws {
        let r = await send(makeRequest("POST", "/v1/embeddings", headers: ["Authorization": "Bearer k-read"],
                                       body: Array("{}".utf8)), to: router)
        #expect(r.status == 403)
        let error = try #require(jsonObject(r.body)?["error"] as? [String: Any])
        #expect(error["type"] as? String == "permission_error" && (error["message"] as? String)?.contains("write") == true)
    }
}
