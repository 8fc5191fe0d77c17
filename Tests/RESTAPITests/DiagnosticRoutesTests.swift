import GatewayHTTP
import GatewayTestSupport
import Synchronization
import Testing

@testable import RESTAPI

private struct Boom: Error {}

@Suite("Diagnostic routes")
struct DiagnosticRoutesTests {
    let router = RESTRouter(diagnostics: true)

    @Test("without diagnostics the /debug routes are 404", arguments: [
        ("GET", "/debug/sleep?ms=10"), ("POST", "/debug/echo"), ("GET", "/debug/stats"),
    ])
    func offByDefault(_ method: String, _ target: String) async throws {
        let r = await send(makeRequest(method, target, body: Array("x".utf8)), to: RESTRouter(diagnostics: false))
        #expect(r.status == 404)
        #expect(try #require(ErrorBody(r.body)).code == "not_found")
    }

    @Test("/health still answers with diagnostics on")
    func healthWithDiagnostics() async {
        let r = await send(makeRequest("GET", "/health"), to: router)
        #expect(r.status == 200)
        #expect(jsonObject(r.body) as? [String: String] == ["status": "ok"])
    }

    @Test("unknown paths are still 404 with diagnostics on", arguments: [
        ("GET", "/debug"), ("GET", "/debug/nope"), ("GET", "/debug/echo/"),
    ])
    func unknownWithDiagnostics(_ method: String, _ target: String) async throws {
        let r = await send(makeRequest(method, target), to: router)
        #expect(r.status == 404)
        #expect(try #require(ErrorBody(r.body)).code == "not_found")
    }

    @Test("a diagnostic path called with another method is 405 with Allow", arguments: [
        ("GET", "/debug/echo", "POST"), ("POST", "/debug/sleep", "GET"),
    ])
    func wrongMethodWithDiagnostics(_ method: String, _ target: String, _ allowed: String) async throws {
        let r = await send(makeRequest(method, target), to: router)
        #expect(r.status == 405)
        #expect(r.headers.values("Allow") == [allowed])
        #expect(try #require(ErrorBody(r.body)).code == "invalid_argument")
    }

    // MARK: /debug/sleep

    @Test("GET /debug/sleep?ms=10 sleeps and answers {\"slept_ms\":10}")
    func sleep10() async {
        let clock = ContinuousClock()
        let started = clock.now
        let r = await send(makeRequest("GET", "/debug/sleep?ms=10"), to: router)
        let elapsed = clock.now - started
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(jsonObject(r.body) as? [String: Int] == ["slept_ms": 10])
        #expect(elapsed >= .milliseconds(10))
        #expect(isGatewayRequestID(r.headers["X-Request-Id"]))
    }

    @Test("the sleep shows in Server-Timing's gateway duration")
    func sleepInServerTiming() async throws {
        let r = await send(makeRequest("GET", "/debug/sleep?ms=20"), to: router)
        let timing = try #require(r.headers["Server-Timing"])
        let match = try #require(timing.wholeMatch(of: try Regex(#"gateway;dur=([0-9.]+), upstream;dur=0\.000"#)))
        let gateway = try #require(match.output[1].substring.flatMap { Double($0) })
        #expect(gateway >= 20)
    }

    @Test("ms=0 and an absent ms are accepted", arguments: [("ms=0", 0), ("", 100), ("other=5", 100), ("x=1&ms=1", 1)])
    func sleepAccepted(_ query: String, _ slept: Int) async {
        let r = await send(makeRequest("GET", "/debug/sleep?" + query), to: router)
        #expect(r.status == 200)
        #expect(jsonObject(r.body) as? [String: Int] == ["slept_ms": slept])
    }

    @Test("ms out of 0...60000 is a 400 invalid_argument naming the field",
          arguments: ["ms=-1", "ms=999999", "ms=60001", "ms=-9223372036854775808"])
    func sleepOutOfRange(_ query: String) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let r = await send(makeRequest("GET", "/debug/sleep?" + query, headers: ["X-Request-Id": "sleep-bad"]), to: router)
        #expect(clock.now - started < .seconds(5))
        #expect(r.status == 400)
        let error = try #require(ErrorBody(r.body))
        #expect(error.code == "invalid_argument")
        #expect(error.details == ["field": "ms"])
        #expect(error.requestID == "sleep-bad")
    }

    @Test("a cancelled sleep answers 503 unavailable at once")
    func sleepCancelled() async throws {
        let writer = RecordingResponseWriter()
        let clock = ContinuousClock()
        let started = clock.now
        let router = router
        let task = Task { await router.handle(makeRequest("GET", "/debug/sleep?ms=60000"), writer) }
        try await Task.sleep(for: .milliseconds(20))
        task.cancel()
        await task.value
        #expect(clock.now - started < .seconds(10))
        let r = writer.recorded
        #expect(r.status == 503)
        #expect(try #require(ErrorBody(r.body)).code == "unavailable")
    }

    // MARK: /debug/stats

    @Test("/debug/stats counts started, completed and cancelled sleeps of this router")
    func stats() async throws {
        let router = RESTRouter(diagnostics: true)
        func stats() async -> [String: Int]? {
            let r = await send(makeRequest("GET", "/debug/stats"), to: router)
            #expect(r.status == 200)
            return jsonObject(r.body) as? [String: Int]
        }
        #expect(await stats() == ["sleeps_started": 0, "sleeps_completed": 0, "sleeps_cancelled": 0])

        _ = await send(makeRequest("GET", "/debug/sleep?ms=0"), to: router)
        _ = await send(makeRequest("GET", "/debug/sleep?ms=-1"), to: router)  // rejected: not started
        let writer = RecordingResponseWriter()
        let task = Task { await router.handle(makeRequest("GET", "/debug/sleep?ms=60000"), writer) }
        task.cancel()
        await task.value
        #expect(writer.recorded.status == 503)

        #expect(await stats() == ["sleeps_started": 2, "sleeps_completed": 1, "sleeps_cancelled": 1])
        // Another router has its own counters.
        let other = await send(makeRequest("GET", "/debug/stats"), to: RESTRouter(diagnostics: true))
        #expect(jsonObject(other.body) as? [String: Int] == ["sleeps_started": 0, "sleeps_completed": 0, "sleeps_cancelled": 0])
    }

    // MARK: /debug/echo

    @Test("POST /debug/echo echoes the body and its content type", arguments: [
        ("text/plain", "hello"),
        ("application/json", #"{"a":[1,2,3]}"#),
        ("application/x-www-form-urlencoded; charset=utf-8", "a=1&b=%20"),
        ("text/plain", ""),
    ])
    func echo(_ contentType: String, _ text: String) async {
        let r = await send(
            makeRequest("POST", "/debug/echo", headers: ["content-type": contentType], body: Array(text.utf8)), to: router)
        #expect(r.status == 200)
        #expect(r.bodyString == text)
        #expect(r.headers.values("Content-Type") == [contentType])
        #expect(r.headers.contains("X-Request-Id"))
        #expect(r.headers.contains("Server-Timing"))
    }

    @Test("POST /debug/echo without a content type answers application/octet-stream")
    func echoDefaultContentType() async {
        let bytes: [UInt8] = [0, 1, 2, 0xFF, 0xFE]
        let r = await send(makeRequest("POST", "/debug/echo", body: bytes), to: router)
        #expect(r.status == 200)
        #expect(r.body == bytes)
        #expect(r.headers.values("Content-Type") == ["application/octet-stream"])
    }

    @Test("POST /debug/echo reads a body that streams in")
    func echoStreaming() async {
        let body = RequestBody(highWaterMark: 64)
        let expected = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let producer = Task.detached {
            var offset = 0
            while offset < expected.count {
                let end = min(offset + 333, expected.count)
                body.append(Array(expected[offset..<end]))
                offset = end
                await Task.yield()
            }
            body.finish()
        }
        let r = await send(makeRequest("POST", "/debug/echo", headers: ["Content-Type": "application/x-test"], body: body), to: router)
        await producer.value
        #expect(r.status == 200)
        #expect(r.body == expected)
        #expect(r.headers["Content-Type"] == "application/x-test")
    }

    @Test("POST /debug/echo with a failed body answers 400 invalid_argument")
    func echoFailedBody() async throws {
        let body = RequestBody()
        body.append([1, 2, 3])
        body.fail(Boom())
        let r = await send(makeRequest("POST", "/debug/echo", headers: ["X-Request-Id": "echo-fail"], body: body), to: router)
        #expect(r.status == 400)
        let error = try #require(ErrorBody(r.body))
        #expect(error.code == "invalid_argument")
        #expect(error.requestID == "echo-fail")
    }
}

@Suite("Router internals")
struct RouterInternalsTests {
    @Test("QueryString.value", arguments: [
        ("ms=10", "10"),
        ("a=1&ms=2", "2"),
        ("ms=1&ms=2", "1"),
        ("ms", ""),
        ("ms=", ""),
        ("ms=a=b", "a=b"),
        ("&&ms=3&&", "3"),
        ("xms=1", nil),
        ("MS=1", nil),
        ("", nil),
        ("m=1", nil),
    ] as [(String, String?)])
    func queryValue(_ query: String, _ expected: String?) {
        #expect(QueryString.value("ms", in: query) == expected)
    }

    @Test("QueryString.int", arguments: [
        ("ms=10", 10), ("ms=-1", -1), ("ms=+5", 5), ("ms=007", 7),
        ("ms=abc", nil), ("ms=1e3", nil), ("ms=%31", nil), ("ms= 1", nil), ("ms=", nil), ("", nil),
        ("ms=99999999999999999999", nil),
    ] as [(String, Int?)])
    func queryInt(_ query: String, _ expected: Int?) {
        #expect(QueryString.int("ms", in: query) == expected)
    }

    @Test("Server-Timing durations are milliseconds with exactly 3 decimals", arguments: [
        (0, "0.000"), (12, "12.000"), (1.23456, "1.235"), (0.0004, "0.000"), (0.001, "0.001"), (0.05, "0.050"),
        (123456.7891, "123456.789"),
    ] as [(Double, String)])
    func timingFormat(_ value: Double, _ expected: String) {
        #expect(ServerTiming.milliseconds(micros: Int64((value * 1000).rounded())) == expected)
    }

    @Test("Reply.error carries the error's status, JSON body and extra headers")
    func replyError() throws {
        let context = RequestContext(requestID: "rid", started: .now)
        let reply = Reply.error(.methodNotAllowed(allowed: "GET"), context)
        #expect(reply.status == 405)
        #expect(reply.headers.map { "\($0.name): \($0.value)" } == ["Content-Type: application/json", "Allow: GET"])
        #expect(try #require(ErrorBody(reply.body)).requestID == "rid")
    }
}
