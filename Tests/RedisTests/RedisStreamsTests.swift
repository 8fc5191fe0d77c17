import Redis
import Testing

@Suite struct RedisStreamsTests {
    @Test func consumerGroupReadAckAndClaim() async throws {
        try await withRedis { client, _ in
            #expect(try await client.xgroupCreate(stream: "jobs", group: "workers"))
            // A second instance starting up finds the group there: not an error.
            #expect(try await !client.xgroupCreate(stream: "jobs", group: "workers"))

            var added: [RedisStreamEntry] = []
            for job in 0..<5 {
                let fields: [(String, [UInt8])] = [("job", Array("job-\(job)".utf8)), ("payload", [0, UInt8(job), 0])]
                let id = try await client.xadd(stream: "jobs", fields: fields, maxLen: 1000)
                added.append(RedisStreamEntry(id: id, fields: fields))
            }
            #expect(Set(added.map(\.id)).count == 5)

            let read = try await client.xreadgroup(group: "workers", consumer: "dead", stream: "jobs", count: 10)
            #expect(read == added)
            #expect(try await client.xreadgroup(group: "workers", consumer: "dead", stream: "jobs", count: 10).isEmpty)

            // "dead" finishes two jobs, then dies with three pending.
            #expect(try await client.xack(stream: "jobs", group: "workers", ids: [added[0].id, added[1].id]) == 2)
            let pending = try await client.xpending(stream: "jobs", group: "workers")
            #expect(pending == RedisPendingSummary(count: 3, smallestID: added[2].id, greatestID: added[4].id, consumers: ["dead": 3]))

            // Not idle long enough yet: nothing to claim.
            let early = try await client.xautoclaim(
                stream: "jobs", group: "workers", consumer: "alive", minIdleMilliseconds: 60_000, count: 10)
            #expect(early.entries.isEmpty)

            try await Task.sleep(for: .milliseconds(150))
            let claimed = try await client.xautoclaim(
                stream: "jobs", group: "workers", consumer: "alive", minIdleMilliseconds: 100, count: 10)
            #expect(claimed.entries == Array(added[2...]))
            #expect(claimed.next == "0-0")
            #expect(try await client.xpending(stream: "jobs", group: "workers").consumers == ["alive": 3])

            #expect(try await client.xack(stream: "jobs", group: "workers", ids: claimed.entries.map(\.id)) == 3)
            #expect(try await client.xpending(stream: "jobs", group: "workers") == RedisPendingSummary(count: 0, consumers: [:]))
        }
    }

    @Test func blockingReadOutlastsTheCommandTimeout() async throws {
        try await withRedis(configure: { $0.commandTimeout = 0.2 }) { client, _ in
            try await client.xgroupCreate(stream: "q", group: "g")
            // An empty wait longer than the command timeout is not a timeout.
            var empty: [RedisStreamEntry]?
            let seconds = try await elapsed {
                empty = try await client.xreadgroup(group: "g", consumer: "c", stream: "q", count: 1, blockMilliseconds: 400)
            }
            #expect(empty == [])
            #expect(seconds >= 0.35)

            // While one connection blocks, others serve the producer, and the reader wakes up.
            let reader = Task {
                try await client.xreadgroup(group: "g", consumer: "c", stream: "q", count: 1, blockMilliseconds: 3000)
            }
            try await Task.sleep(for: .milliseconds(100))
            let id = try await client.xadd(stream: "q", fields: [("k", Array("v".utf8))])
            let woken = try await reader.value
            #expect(woken.map(\.id) == [id])
        }
    }
}
