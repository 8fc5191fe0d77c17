import Testing
import Upstream

@Suite("Connections")
struct UpstreamConnectionTests {
    let upstream: TestUpstream

    init() throws {
        upstream = try TestUpstream()
    }

    @Test func sequentialCallsReuseOneConnection() async throws {
        let client = try UpstreamClient()
        for i in 0..<50 {
            let response = try await client.send(
                UpstreamRequest(url: upstream.url("/echo"), headers: [("X-Request-Id", "r\(i)")], body: [UInt8(i)]))
            #expect(response.header("x-seen-request-id") == "r\(i)")
            #expect(response.body == [UInt8(i)])
        }
        #expect(upstream.requestCount == 50)
        #expect(upstream.connectionCount <= 2)
    }

    @Test func manyConcurrentCallsAllSucceed() async throws {
        let client = try UpstreamClient(maxConnectionsPerHost: 32)
        let ok = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let body = Array("call \(i)".utf8)
                    let response = try? await client.send(
                        UpstreamRequest(
                            url: upstream.url("/echo"), headers: [("X-Request-Id", "c\(i)")], body: body,
                            timeout: .seconds(10)))
                    return response?.status == 200 && response?.body == body
                        && response?.header("x-seen-request-id") == "c\(i)"
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(ok == 200)
        #expect(client.inFlight == 0)
        // curl queues what is over the per-host limit instead of opening more connections.
        #expect(upstream.connectionCount <= 32)
    }

    @Test func perHostLimitIsHonoured() async throws {
        let client = try UpstreamClient(maxConnectionsPerHost: 2)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await client.send(UpstreamRequest(method: "GET", url: upstream.url("/sleep?ms=50"))).status
                }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(upstream.connectionCount <= 2)
    }
}
