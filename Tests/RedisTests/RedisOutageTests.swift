import Redis
import Testing

@Suite struct RedisOutageTests {
    /// The server dies (SIGKILL): commands fail fast instead of hanging, and when it comes back
    /// on the same port the client reconnects by itself.
    @Test func killAndRestart() async throws {
        try await withRedis { client, server in
            try await client.set("before", "outage")
            #expect(await eventually(within: 3) { client.isConnected })

            server.kill()
            for attempt in 0..<6 {
                var error: RedisError?
                let seconds = await elapsed { error = await client.failure(["GET", "before"]) }
                #expect(error?.kind == .unavailable, "attempt \(attempt): \(String(describing: error))")
                #expect(seconds < 1.5, "attempt \(attempt) took \(seconds) s")
            }
            #expect(await eventually(within: 3) { !client.isConnected })
            #expect(!(await client.ping()))

            try server.start()
            let recovery = await elapsed {
                #expect(await eventually(within: 10) { await client.ping() })
            }
            #expect(recovery < 5, "reconnected after \(recovery) s")
            // A fresh server without persistence: the old key is gone, new writes work.
            #expect(try await client.get("before") == nil)
            try await client.set("after", "outage")
            #expect(try await client.get("after") == Array("outage".utf8))
            #expect(await eventually(within: 5) { client.isConnected })
        }
    }
}
