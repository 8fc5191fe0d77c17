import Testing
import Upstream

@Suite("Round trips")
struct UpstreamClientTests {
    let upstream: TestUpstream
    let client: UpstreamClient

    init() throws {
        upstream = try TestUpstream()
        client = try UpstreamClient()
    }

    @Test func postEchoesBodyAndForwardsHeaders() async throws {
        let body = Array(#"{"input":"hello"}"#.utf8)
        let response = try await client.send(
            UpstreamRequest(
                url: upstream.url("/echo"),
                headers: [("X-Request-Id", "req-42"), ("Content-Type", "application/json"), ("X-Custom", "a b")],
                body: body, timeout: .seconds(5)))
        #expect(response.status == 200)
        #expect(response.body == body)
        #expect(response.header("x-seen-request-id") == "req-42")
        #expect(response.header("X-Seen-Content-Type") == "application/json")
        #expect(response.header("x-seen-custom") == "a b")
        #expect(response.header("x-seen-method") == "POST")
        #expect(response.header("content-length") == "\(body.count)")
        #expect(response.totalMicroseconds > 0)
        #expect(response.connectMicroseconds <= response.totalMicroseconds)
    }

    @Test func responseHeaderNamesAreLowerCased() async throws {
        let response = try await client.send(UpstreamRequest(url: upstream.url("/echo"), body: [1]))
        #expect(!response.headers.isEmpty)
        for (name, _) in response.headers {
            #expect(name == name.lowercased())
        }
        #expect(response.headers.contains { $0.0 == "x-seen-request-id" && $0.1 == "none" })
    }

    /// curl would otherwise label the body a form and, for big bodies, wait for 100-continue.
    @Test func curlDefaultsDoNotLeak() async throws {
        let body = [UInt8](repeating: 7, count: 2 << 20)
        let response = try await client.send(UpstreamRequest(url: upstream.url("/echo"), body: body))
        #expect(response.status == 200)
        #expect(response.body == body)
        #expect(response.header("x-seen-content-type") == "none")
        #expect(response.header("x-seen-expect") == "none")
    }

    @Test func otherMethodsCarryTheirBody() async throws {
        let response = try await client.send(
            UpstreamRequest(method: "PUT", url: upstream.url("/echo"), body: Array("put".utf8)))
        #expect(response.status == 200)
        #expect(response.header("x-seen-method") == "PUT")
        #expect(response.body == Array("put".utf8))
    }

    @Test func emptyPostIsSent() async throws {
        let response = try await client.send(UpstreamRequest(url: upstream.url("/echo")))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
    }

    @Test(arguments: [404, 429, 500, 503])
    func statusCodesPassThrough(status: Int) async throws {
        let response = try await client.send(UpstreamRequest(method: "GET", url: upstream.url("/status/\(status)")))
        #expect(response.status == status)
        #expect(response.body == Array("status \(status)".utf8))
        if status == 503 {
            #expect(response.header("Retry-After") == "2")
        }
    }

    @Test func invalidHeaderIsRefusedBeforeSending() async throws {
        let error = await expectFailure(client, 
                UpstreamRequest(url: upstream.url("/echo"), headers: [("X-Bad", "a\r\nInjected: 1")]))
        #expect(error?.kind == .transport)
        #expect(upstream.requestCount == 0)
    }

    @Test func fileURLsAreRefused() async throws {
        let error = await expectFailure(client, UpstreamRequest(method: "GET", url: "file:///etc/passwd"))
        #expect(error?.kind == .transport)
    }
}
