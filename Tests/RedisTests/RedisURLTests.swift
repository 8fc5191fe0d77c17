import Redis
import Testing

@Suite struct RedisURLTests {
    static let valid: [(String, RedisURL)] = [
        ("redis://localhost", RedisURL(host: "localhost")),
        ("redis://127.0.0.1:6380", RedisURL(host: "127.0.0.1", port: 6380)),
        ("redis://cache:7000/3", RedisURL(host: "cache", port: 7000, database: 3)),
        ("REDIS://cache/", RedisURL(host: "cache")),
        ("redis://:secret@cache:6379/1", RedisURL(host: "cache", password: "secret", database: 1)),
        ("redis://alice:s3cret@cache:7000/2", RedisURL(host: "cache", port: 7000, username: "alice", password: "s3cret", database: 2)),
        ("redis://:p%40ss%2Fw%3Ard@h", RedisURL(host: "h", password: "p@ss/w:rd")),
        ("redis://:p@ss@h:1", RedisURL(host: "h", port: 1, password: "p@ss")),
        ("redis://[::1]:6390/15", RedisURL(host: "::1", port: 6390, database: 15)),
        ("redis://[::1]", RedisURL(host: "::1")),
    ]

    @Test(arguments: valid)
    func parses(_ text: String, _ expected: RedisURL) throws {
        #expect(try RedisURL(parsing: text) == expected)
    }

    @Test(arguments: [
        "", "localhost:6379", "http://h", "rediss://h", "redis://", "redis:///0", "redis://h:0", "redis://h:65536",
        "redis://h:abc", "redis://h:", "redis://h/x", "redis://h/-1", "redis://h/1/2", "redis://user@h", "redis://:@h",
        "redis://h?db=1", "redis://h#x", "redis://::1:6379", "redis://[::1", "redis://[::1]x", "redis://:%zz@h",
        "redis://:%4@h", "redis://h h", "redis://@h",
    ])
    func rejects(_ text: String) {
        #expect {
            try RedisURL(parsing: text)
        } throws: { error in
            (error as? RedisError)?.kind == .badURL
        }
    }

    @Test func configurationRejectsABadURL() {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: "redis://h:99999") }
    }

    @Test func descriptionHidesThePassword() throws {
        let url = try RedisURL(parsing: "redis://alice:hunter2@cache:7000/2")
        #expect(url.description == "redis://alice:***@cache:7000/2")
        #expect(!"\(url)".contains("hunter2"))
        #expect(RedisURL(host: "::1").description == "redis://[::1]:6379")
    }

    @Test func errorMessagesHideTheUserInfo() {
        do throws(RedisError) {
            _ = try RedisURL(parsing: "rediss://alice:hunter2@cache")
            Issue.record("rediss:// must be rejected")
        } catch {
            #expect(!error.message.contains("hunter2"))
        }
    }
}
