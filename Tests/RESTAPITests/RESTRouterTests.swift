import GatewayHTTP
import GatewayTestSupport
import RESTAPI
import Testing

@Suite("RESTRouter")
struct RESTRouterTests {
    static let serverTimingPattern = #"gateway;dur=[0-9]+(\.[0-9]+)?, upstream;dur=[0-9]+(\.[0-9]+)?"#

    /// What every answer carries: one request id and one Server-Timing of the right shape,
    /// sent in one `respond` call.
    static func checkCommonHeaders(
        _ r: RecordingResponseWriter.Recorded, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(r.respondCalls == 1, sourceLocation: sourceLocation)
        #expect(r.writeHeadCalls == 0 && r.writeCalls == 0 && r.finishCalls == 0, sourceLocation: sourceLocation)
        #expect(r.trailers == nil, sourceLocation: sourceLocation)
        #expect(r.headers.values("X-Request-Id").count == 1, sourceLocation: sourceLocation)
        let timing = r.headers.values("Server-Timing")
        #expect(timing.count == 1, sourceLocation: sourceLocation)
        if let timing = timing.first {
            #expect((try? timing.wholeMatch(of: Regex(serverTimingPattern))) != nil, "Server-Timing: \(timing)", sourceLocation: sourceLocation)
        }
    }

    // MARK: /health

    @Test("GET /health answers 200 {\"status\":\"ok\"} as JSON")
    func healthGet() async {
        let r = await send(makeRequest("GET", "/health"))
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(jsonObject(r.body) as? [String: String] == ["status": "ok"])
        #expect(isGatewayRequestID(r.headers["X-Request-Id"]), "\(r.headers["X-Request-Id"] ?? "nil")")
        Self.checkCommonHeaders(r)
    }

    @Test("HEAD /health answers 200")
    func healthHead() async {
        let r = await send(makeRequest("HEAD", "/health"))
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        Self.checkCommonHeaders(r)
    }

    @Test("/health ignores the query string")
    func healthWithQuery() async {
        let r = await send(makeRequest("GET", "/health?verbose=1"))
        #expect(r.status == 200)
        #expect(jsonObject(r.body) as? [String: String] == ["status": "ok"])
    }

    @Test("other methods on /health answer 405 with Allow and the error shape",
          arguments: ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"])
    func healthMethodNotAllowed(_ method: String) async throws {
        let r = await send(makeRequest(method, "/health"))
        #expect(r.status == 405)
        #expect(r.headers.values("Allow") == ["GET, HEAD"])
        #expect(r.headers["Content-Type"] == "application/json")
        let error = try #require(ErrorBody(r.body))
        #expect(error.code == "invalid_argument")
        #expect(error.message.contains("GET, HEAD"))
        #expect(error.details.isEmpty)
        #expect(error.requestID == r.headers["X-Request-Id"])
        Self.checkCommonHeaders(r)
    }

    // MARK: request ids

    @Test("each request without an id gets a new one")
    func freshIDs() async {
        var ids = Set<String>()
        for _ in 0..<50 {
            let r = await send(makeRequest("GET", "/health"))
            let id = r.headers["X-Request-Id"] ?? ""
            #expect(isGatewayRequestID(id))
            ids.insert(id)
        }
        #expect(ids.count == 50)
    }

    @Test("a client X-Request-Id is echoed in the header", arguments: ["X-Request-Id", "x-request-id"])
    func clientIDEchoedInHeader(_ name: String) async {
        let r = await send(makeRequest("GET", "/health", headers: HTTPHeaders([(name: name, value: "abc-123")])))
        #expect(r.status == 200)
        #expect(r.headers.values("X-Request-Id") == ["abc-123"])
    }

    @Test("a client X-Request-Id is echoed in the error body's request_id")
    func clientIDEchoedInBody() async throws {
        let r = await send(makeRequest("GET", "/missing", headers: ["X-Request-Id": "abc-123"]))
        #expect(r.status == 404)
        #expect(r.headers.values("X-Request-Id") == ["abc-123"])
        let error = try #require(ErrorBody(r.body))
        #expect(error.requestID == "abc-123")
    }

    @Test("an unusable client id is replaced, in the header and in the body alike",
          arguments: ["has space", "", String(repeating: "x", count: 201), "ctl\u{1}"])
    func badClientIDReplaced(_ given: String) async throws {
        let r = await send(makeRequest("GET", "/missing", headers: ["X-Request-Id": given]))
        let id = try #require(r.headers["X-Request-Id"])
        #expect(id != given)
        #expect(isGatewayRequestID(id))
        #expect(try #require(ErrorBody(r.body)).requestID == id)
    }

    @Test("a request id that needs JSON escaping is escaped in the body")
    func requestIDEscapedInBody() async throws {
        let given = #"q"uote\back"#
        let r = await send(makeRequest("GET", "/missing", headers: ["X-Request-Id": given]))
        #expect(r.headers["X-Request-Id"] == given)
        #expect(try #require(ErrorBody(r.body)).requestID == given)
    }

    // MARK: unknown paths

    @Test("unknown paths answer 404 not_found in the spec's error shape", arguments: [
        ("GET", "/"),
        ("GET", "/nope"),
        ("GET", "/health/"),
        ("GET", "/HEALTH"),
        ("GET", "/healthz"),
        ("POST", "/api/v1/things?x=1"),
        ("DELETE", "/%2Fhealth"),
        ("GET", "/debug/sleep?ms=10"),
        ("POST", "/debug/echo"),
        ("GET", "/debug/stats"),
    ])
    func unknownPath(_ method: String, _ target: String) async throws {
        let r = await send(makeRequest(method, target))
        #expect(r.status == 404)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(!r.headers.contains("Allow"))
        let error = try #require(ErrorBody(r.body))
        #expect(error.code == "not_found")
        #expect(!error.message.isEmpty)
        #expect(error.details.isEmpty)
        #expect(error.requestID == r.headers["X-Request-Id"])
        #expect(isGatewayRequestID(error.requestID))
        Self.checkCommonHeaders(r)
    }

    @Test("the 404 message names the method and path, JSON-escaped")
    func notFoundMessage() async throws {
        let r = await send(makeRequest("PUT", "/a\"b\\c"))
        let error = try #require(ErrorBody(r.body))
        #expect(error.message.contains("PUT"))
        #expect(error.message.contains("/a\"b\\c"))
    }

    @Test("requests on different tasks all get answers with their own ids")
    func concurrentRequests() async {
        let router = RESTRouter()
        let answers = await withTaskGroup(of: (String, RecordingResponseWriter.Recorded).self) { group in
            for i in 0..<100 {
                group.addTask {
                    let id = "client-\(i)"
                    let path = i.isMultiple(of: 2) ? "/health" : "/missing"
                    return (id, await send(makeRequest("GET", path, headers: ["X-Request-Id": id]), to: router))
                }
            }
            var all: [(String, RecordingResponseWriter.Recorded)] = []
            for await answer in group { all.append(answer) }
            return all
        }
        #expect(answers.count == 100)
        for (id, r) in answers {
            #expect(r.headers["X-Request-Id"] == id)
            #expect(r.status == 200 || r.status == 404)
        }
    }
}
