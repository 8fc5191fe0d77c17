import Testing
@testable import GatewayCore

@Suite("Access control: API keys, roles, token buckets")
struct AccessControlTests {
    static let keys = [
        APIKey(name: "reader", sha256: AccessControl.hash("r-secret"), role: .read, rate: 1, burst: 3),
        APIKey(name: "writer", sha256: AccessControl.hash("w-secret"), role: .write),
        APIKey(name: "admin", sha256: AccessControl.hash("a-secret"), role: .admin),
    ]

    private func control(clock: ManualClock = ManualClock()) -> AccessControl {
        AccessControl(configuration: SecurityConfiguration(keys: Self.keys, defaultRate: 100, defaultBurst: 100),
                      limiter: LocalRateLimiter(clock: clock))
    }

    private func code(_ body: () async throws(GatewayError) -> Void) async -> ErrorCode? {
        do {
            try await body()
            return nil
        } catch {
            return error.code
        }
    }

    @Test func theHashIsSHA256InLowerCaseHex() {
        // printf %s abc | sha256sum
        #expect(AccessControl.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("each role may do what it includes and nothing more", arguments: [
        ("r-secret", APIKeyRole.read, nil), ("r-secret", .write, ErrorCode.permissionDenied), ("r-secret", .admin, .permissionDenied),
        ("w-secret", .read, nil), ("w-secret", .write, nil), ("w-secret", .admin, .permissionDenied),
        ("a-secret", .read, nil), ("a-secret", .write, nil), ("a-secret", .admin, nil),
        ("wrong", .read, .unauthenticated), ("", .read, .unauthenticated),
    ] as [(String, APIKeyRole, ErrorCode?)])
    func roles(_ key: String, _ needs: APIKeyRole, _ expected: ErrorCode?) async {
        let access = control()
        #expect(await code { () async throws(GatewayError) in
            _ = try await access.admit(credential: key, needs: needs, operation: "op")
        } == expected)
        #expect(await code { () async throws(GatewayError) in
            try access.require(needs, credential: key, operation: "op")
        } == expected)
    }

    @Test func noKeyIsUnauthenticatedAndTheMessageNeverHoldsAKey() async {
        let access = control()
        do {
            _ = try await access.admit(credential: nil, needs: .read, operation: "op")
            Issue.record("admitted without a key")
        } catch {
            #expect(error.code == .unauthenticated && error.message.contains("Authorization: Bearer"))
        }
        do {
            _ = try await access.admit(credential: "w-secret", needs: .admin, operation: "POST /x")
            Issue.record("a writer did an admin's job")
        } catch {
            #expect(error.message == "API key writer has role write; POST /x needs admin")
            #expect(!error.message.contains("w-secret") && !error.message.contains(AccessControl.hash("w-secret")))
        }
    }

    @Test func withoutKeysEverythingIsOpen() async throws {
        let open = AccessControl()
        #expect(!open.enabled)
        #expect(try await open.admit(credential: nil, needs: .admin, operation: "op") == nil)
        try open.require(.admin, credential: "anything", operation: "op")
    }

    @Test func theBucketEmptiesThenRefillsAtItsRate() async throws {
        let clock = ManualClock()
        let access = control(clock: clock)
        var remaining: [Int] = []
        for _ in 0..<3 {
            let grant = try #require(try await access.admit(credential: "r-secret", needs: .read, operation: "op"))
            remaining.append(grant.rateLimit.remaining)
            #expect(grant.rateLimit.limit == 3)
        }
        #expect(remaining == [2, 1, 0])
        do {
            _ = try await access.admit(credential: "r-secret", needs: .read, operation: "op")
            Issue.record("a fourth call within the burst of 3")
        } catch {
            #expect(error.code == .rateLimited && error.retryAfter == 1)
            #expect(error.details.first { $0.0 == "limit" }?.1 == "3")
        }
        // Another key has its own bucket.
        #expect(try await access.admit(credential: "w-secret", needs: .read, operation: "op") != nil)
        clock.advance(by: .milliseconds(1500))  // 1 token/s: one and a half tokens back
        let again = try #require(try await access.admit(credential: "r-secret", needs: .read, operation: "op"))
        #expect(again.rateLimit.remaining == 0 && again.rateLimit.resetSeconds == 3)
        clock.advance(by: .seconds(60))
        let full = try #require(try await access.admit(credential: "r-secret", needs: .read, operation: "op"))
        #expect(full.rateLimit.remaining == 2, "the bucket holds at most its burst")
    }

    @Test func redisBucketsAreOneBudgetForEveryInstance() async throws {
        let server = try QueueRedisServer()
        let a = try server.client()
        let b = try server.client()
        defer {
            a.shutdown()
            b.shutdown()
            server.kill()
        }
        let config = SecurityConfiguration(keys: [APIKey(name: "shared", sha256: AccessControl.hash("k"), role: .read,
                                                         rate: 0.01, burst: 10)])
        let first = AccessControl(configuration: config, limiter: RedisRateLimiter(client: a))
        let second = AccessControl(configuration: config, limiter: RedisRateLimiter(client: b))
        var admitted = 0
        var refused = 0
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<30 {
                let access = i % 2 == 0 ? first : second
                group.addTask { (try? await access.admit(credential: "k", needs: .read, operation: "op")) != nil }
            }
            for await ok in group { if ok { admitted += 1 } else { refused += 1 } }
        }
        #expect(admitted == 10 && refused == 20, "two instances shared one bucket of 10")
        let stored = try await a.command(["HGET", RedisRateLimiter.key("shared"), "tokens"])
        #expect(stored.string.flatMap(Double.init).map { $0 < 1 } == true)
        // Redis gone: each instance limits on its own rather than refusing everything.
        server.kill()
        #expect(try await first.admit(credential: "k", needs: .read, operation: "op") != nil)
    }
}

@Suite("Access control: generation token budgets")
struct TokenBudgetTests {
    private static let config = SecurityConfiguration(
        keys: [APIKey(name: "gen", sha256: AccessControl.hash("g"), role: .write, tokensPerMinute: 600),
               APIKey(name: "free", sha256: AccessControl.hash("f"), role: .write)])

    @Test func aCallReservesItsMaxTokensAndSettlesWhatItUsed() async throws {
        let clock = ManualClock()
        let access = AccessControl(configuration: Self.config, limiter: LocalRateLimiter(clock: clock))
        let first = try #require(try await access.reserveTokens(credential: "g", amount: 400))
        // 200 left: a second call asking 256 must wait ...
        await #expect(throws: GatewayError.self) { _ = try await access.reserveTokens(credential: "g", amount: 256) }
        // ... until the first settles having used 100: 300 go back.
        await access.settle(first, used: 100)
        let second = try #require(try await access.reserveTokens(credential: "g", amount: 256))
        // A call that used more than it reserved takes the rest on top (the budget may go below zero).
        await access.settle(second, used: 600)
        do {
            _ = try await access.reserveTokens(credential: "g", amount: 1)
            Issue.record("the budget is spent")
        } catch {
            #expect(error.code == .rateLimited && error.retryAfter != nil && error.message.contains("600 per minute"))
        }
        clock.advance(by: .seconds(60))  // 10 tokens a second
        #expect(try await access.reserveTokens(credential: "g", amount: 300) != nil)
        // No budget configured: nothing to reserve.
        #expect(try await access.reserveTokens(credential: "f", amount: 100_000) == nil)
    }

    @Test func aBudgetInRedisIsSharedByTwoInstances() async throws {
        let server = try QueueRedisServer()
        let a = try server.client()
        let b = try server.client()
        defer {
            a.shutdown()
            b.shutdown()
            server.kill()
        }
        let first = AccessControl(configuration: Self.config, limiter: RedisRateLimiter(client: a))
        let second = AccessControl(configuration: Self.config, limiter: RedisRateLimiter(client: b))
        let r = try #require(try await first.reserveTokens(credential: "g", amount: 500))
        await #expect(throws: GatewayError.self) { _ = try await second.reserveTokens(credential: "g", amount: 200) }
        await first.settle(r, used: 50)
        #expect(try await second.reserveTokens(credential: "g", amount: 500) != nil)
    }
}

func securityKey(_ name: String? = "k", sha: String? = String(repeating: "a", count: 64), role: String? = "read")
    -> ModelsFileSection.Security.Key {
    var k = ModelsFileSection.Security.Key()
    k.name = name
    k.sha256 = sha
    k.role = role
    return k
}

@Suite("Security configuration")
struct SecurityConfigurationTests {
    @Test func aGoodSectionLoads() throws {
        var s = ModelsFileSection.Security()
        var w = securityKey("w", sha: String(repeating: "B", count: 64), role: "write")
        w.rate = 5
        w.burst = 7
        s.apiKeys = [securityKey(), w]
        s.rateLimit = ModelsFileSection.Security.RateLimit()
        s.rateLimit?.rate = 2
        let c = try SecurityConfiguration.load(s, file: "g.yaml")
        #expect(c.enabled && c.defaultRate == 2 && c.defaultBurst == 100)
        #expect(c.keys[1] == APIKey(name: "w", sha256: String(repeating: "b", count: 64), role: .write, rate: 5, burst: 7))
    }

    @Test("bad entries name the key path", arguments: [
        ([ModelsFileSection.Security.Key()], "security.api_keys[0].name"),
        ([securityKey(sha: nil)], "security.api_keys[0].sha256"),
        ([securityKey(sha: "abc")], "security.api_keys[0].sha256"),
        ([securityKey(role: "root")], "security.api_keys[0].role"),
        ([securityKey(), securityKey()], "security.api_keys[1].name"),
        ([securityKey(), securityKey("other")], "security.api_keys[1].sha256"),
    ] as [([ModelsFileSection.Security.Key], String)])
    func badEntries(_ keys: [ModelsFileSection.Security.Key], _ path: String) {
        var s = ModelsFileSection.Security()
        s.apiKeys = keys
        do {
            _ = try SecurityConfiguration.load(s, file: "g.yaml")
            Issue.record("accepted \(path)")
        } catch {
            #expect(error.key == path, "\(error)")
        }
    }
}
