import Redis
import Testing

/// Against a real redis-server per test (see `withRedis`).
@Suite struct RedisClientTests {
    @Test func setGetDelIncr() async throws {
        try await withRedis { client, _ in
            try await client.set("greeting", "hello")
            #expect(try await client.get("greeting") == Array("hello".utf8))
            #expect(try await client.get("missing") == nil)

            let binary: [UInt8] = [0, 1, 0, 0xFF, 0, 0x0D, 0x0A, 0]
            try await client.set("binary", binary)
            #expect(try await client.get("binary") == binary)
            #expect(try await client.command([Array("STRLEN".utf8), Array("binary".utf8)]) == .integer(8))

            #expect(try await client.incr("counter") == 1)
            #expect(try await client.incr("counter") == 2)
            #expect(try await client.command(["GET", "counter"]).int == 2)

            #expect(try await client.del("greeting", "binary", "missing") == 2)
            #expect(try await client.get("greeting") == nil)

            try await client.set("ttl", "x", ex: 60)
            let ttl = try await client.command(["TTL", "ttl"]).int ?? -1
            #expect((1...60).contains(ttl))
        }
    }

    @Test func pipelineRepliesInOrder() async throws {
        try await withRedis { client, _ in
            let replies = try await client.pipeline((0..<100).map { ["ECHO", "value-\($0)"] })
            #expect(replies == (0..<100).map { .bulk(Array("value-\($0)".utf8)) })

            let counters = try await client.pipeline((0..<100).map { _ in ["INCR", "n"] })
            #expect(counters == (1...100).map { .integer(Int64($0)) })
        }
    }

    @Test func pipelineKeepsErrorRepliesInPlace() async throws {
        try await withRedis { client, _ in
            let replies = try await client.pipeline([["SET", "s", "text"], ["INCR", "s"], ["GET", "s"]])
            #expect(replies.count == 3)
            #expect(replies[0] == .status("OK"))
            guard case .error(let message) = replies[1] else {
                Issue.record("expected an error reply, got \(replies[1])")
                return
            }
            #expect(message.hasPrefix("ERR"))
            #expect(replies[2].string == "text")
        }
    }

    @Test func concurrentCommandsAreAllAnswered() async throws {
        try await withRedis { client, _ in
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                for task in 0..<200 {
                    group.addTask {
                        try await client.set("key-\(task)", "value-\(task)")
                        _ = try await client.incr("shared")
                        return try await client.get("key-\(task)") == Array("value-\(task)".utf8)
                    }
                }
                var answered = 0
                for try await ok in group where ok { answered += 1 }
                return answered
            }
            #expect(answered == 200)
            #expect(try await client.get("shared") == Array("200".utf8))
        }
    }

    @Test func errorReplyThrowsServerError() async throws {
        try await withRedis { client, _ in
            try await client.set("text", "abc")
            let notInteger = await client.failure(["INCR", "text"])
            #expect(notInteger?.kind == .server)
            #expect(notInteger?.message == "ERR value is not an integer or out of range")

            let unknown = await client.failure(["NOSUCHCOMMAND", "x"])
            #expect(unknown?.kind == .server)
            #expect(unknown?.message.hasPrefix("ERR unknown command") == true)

            let wrongType = await client.failure(["LPUSH", "text", "x"])
            #expect(wrongType?.serverCode == "WRONGTYPE")
            // The connection stays usable after an error reply.
            #expect(await client.ping())
        }
    }

    @Test func evalShaFallsBackToLoadingTheScript() async throws {
        try await withRedis { client, _ in
            let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
            // A fresh server has no scripts: the first call goes through NOSCRIPT.
            let first = try await client.evalScript(script, keys: ["hits"], args: ["5"])
            #expect(first == .integer(5))
            #expect(try await client.command(["SCRIPT", "LOAD", script.source]).string == script.sha1)
            #expect(try await client.evalScript(script, keys: ["hits"], args: ["2"]) == .integer(7))

            #expect(try await client.command(["SCRIPT", "FLUSH"]) == .status("OK"))
            #expect(try await client.command(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(0)]))
            #expect(try await client.evalScript(script, keys: ["hits"], args: ["3"]) == .integer(10))

            for source in ["return redis.call('NOSUCHCOMMAND')", "this is not lua"] {
                await #expect {
                    try await client.evalScript(RedisScript(source), keys: [], args: [])
                } throws: { error in
                    (error as? RedisError)?.kind == .server
                }
            }
        }
    }

    @Test func passwordAndDatabaseFromTheURL() async throws {
        let server = try RedisServer(arguments: ["--requirepass", "s3cret"])
        defer { server.kill() }
        let inDatabase2 = RedisClient(configuration: try RedisConfiguration(url: server.url(":s3cret@", database: 2)))
        defer { inDatabase2.shutdown() }
        try await inDatabase2.set("where", "two")
        #expect(try await inDatabase2.command(["CLIENT", "INFO"]).string?.contains("db=2") == true)

        let inDatabase0 = RedisClient(configuration: try RedisConfiguration(url: server.url(":s3cret@")))
        defer { inDatabase0.shutdown() }
        #expect(try await inDatabase0.get("where") == nil)

        // An ACL user, with user:password.
        _ = try await inDatabase0.command(["ACL", "SETUSER", "alice", "on", ">wonder", "~*", "&*", "+@all"])
        let alice = RedisClient(configuration: try RedisConfiguration(url: server.url("alice:wonder@", database: 2)))
        defer { alice.shutdown() }
        #expect(try await alice.command(["ACL", "WHOAMI"]).string == "alice")
        #expect(try await alice.get("where") == Array("two".utf8))

        let wrong = RedisClient(configuration: try RedisConfiguration(url: server.url(":nope@")))
        defer { wrong.shutdown() }
        let refused = await wrong.failure(["PING"])
        #expect(refused?.kind == .unavailable)
        #expect(refused?.message.contains("WRONGPASS") == true)
        #expect(!wrong.isConnected)
    }

    @Test func slowReplyTimesOutAndTheConnectionRecovers() async throws {
        try await withRedis(configure: { $0.commandTimeout = 0.3; $0.poolSize = 1 }) { client, _ in
            #expect(await client.ping())
            var error: RedisError?
            let seconds = await elapsed { error = await client.failure(["BLPOP", "empty", "5"]) }
            #expect(error?.kind == .timeout)
            #expect(seconds < 1.5)
            // The timed-out connection was dropped; its replacement answers.
            #expect(await eventually(within: 3) { await client.ping() })
        }
    }

    @Test func unreachableServerFailsFast() async throws {
        // A port nothing listens on: the server is killed before the client starts.
        let server = try RedisServer()
        server.kill()
        let client = RedisClient(configuration: try RedisConfiguration(url: server.url()))
        defer { client.shutdown() }
        for _ in 0..<3 {
            var error: RedisError?
            let seconds = await elapsed { error = await client.failure(["PING"]) }
            #expect(error?.kind == .unavailable)
            #expect(seconds < 1.5)
        }
        #expect(!(await client.ping()))
        #expect(!client.isConnected)
    }

    @Test func shutdownFailsLaterCommands() async throws {
        try await withRedis { client, _ in
            #expect(await client.ping())
            #expect(await eventually(within: 3) { client.isConnected })
            client.shutdown()
            #expect(!client.isConnected)
            let error = await client.failure(["PING"])
            #expect(error?.kind == .unavailable)
            #expect(error?.message.contains("shut down") == true)
        }
    }
}
