import GatewayCore
import Redis
import Testing

/// Two gateway instances (two clients, two queue objects) on one Redis: one dies holding jobs,
/// the other finishes them; nothing is completed twice, nothing is handed out twice.
@Suite struct RedisBatchQueueTakeoverTests {
    typealias F = RedisQueueFixture

    @Test func anotherInstanceFinishesADeadInstancesJobs() async throws {
        let server = try QueueRedisServer()
        let clientA = try server.client()
        let clientB = try server.client()
        defer {
            clientA.shutdown()
            clientB.shutdown()
            server.kill()
        }
        let a = RedisBatchQueue(client: clientA, claimTimeout: .seconds(1))
        let b = RedisBatchQueue(client: clientB, claimTimeout: .seconds(1))
        let jobs = [F.job("j1", texts: 2), F.job("j2", texts: 1), F.job("j3", texts: 3)]
        for job in jobs { _ = try await a.enqueue(job) }

        // A takes them all, then "dies": it never completes.
        #expect(try await a.claim(model: "mixtral", maxTexts: 10, consumer: "gw-a") == jobs)
        // Not yet abandoned for B.
        #expect(try await b.claim(model: "mixtral", maxTexts: 10, consumer: "gw-b").isEmpty)
        #expect(await b.counts(model: "mixtral") == QueueCounts(processing: 3))

        try await Task.sleep(for: .milliseconds(1200))
        // Taken over whole, oldest first, and the budget still holds.
        #expect(try await b.claim(model: "mixtral", maxTexts: 3, consumer: "gw-b") == Array(jobs[0...1]))
        #expect(try await b.claim(model: "mixtral", maxTexts: 3, consumer: "gw-b") == [jobs[2]])
        #expect(await b.counts(model: "mixtral") == QueueCounts(processing: 3))
        for job in jobs {
            try await b.complete(jobID: job.id, embeddings: F.vectors(job.texts.count, seed: 2))
        }
        let results = await records(of: jobs, in: b)

        // A comes back late with its own results: nothing changes.
        for job in jobs {
            try await a.complete(jobID: job.id, embeddings: F.vectors(job.texts.count, seed: 7))
            try await a.fail(jobID: job.id, reason: "A's late failure", retry: true)
        }
        #expect(await records(of: jobs, in: a) == results)
        #expect(results.allSatisfy { $0?.state == .completed && $0?.attempts == 1 })
        #expect(results.map { $0?.embeddings } == jobs.map { F.vectors($0.texts.count, seed: 2) })

        // Completed jobs are never handed out again, not even after another claim timeout.
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try await a.claim(model: "mixtral", maxTexts: 10, consumer: "gw-a").isEmpty)
        #expect(try await b.claim(model: "mixtral", maxTexts: 10, consumer: "gw-b").isEmpty)
        #expect(await a.counts(model: "mixtral") == QueueCounts(completed: 3))
    }

    @Test func aSlowWorkersResultsWinWhenTheyArriveFirst() async throws {
        try await F.withQueue(claimTimeout: .milliseconds(300)) { queue, _ throws in
            let job = F.job("a", texts: 1)
            _ = try await queue.enqueue(job)
            _ = try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "slow")
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await queue.claim(model: "mixtral", maxTexts: 1, consumer: "fast") == [job])
            // The presumed-dead worker finishes first; the second one's results are ignored.
            try await queue.complete(jobID: job.id, embeddings: F.vectors(1, seed: 3))
            try await queue.complete(jobID: job.id, embeddings: F.vectors(1, seed: 5))
            let record = await queue.record(jobID: job.id)
            #expect(record?.embeddings == F.vectors(1, seed: 3))
            #expect(record?.attempts == 1)
            #expect(await queue.counts(model: "mixtral") == QueueCounts(completed: 1))
        }
    }

    /// Many concurrent enqueues from two instances get distinct positions, and two instances
    /// claiming at once never get the same job.
    @Test func concurrentInstancesNeverShareAJob() async throws {
        let server = try QueueRedisServer()
        let clients = try [server.client(), server.client()]
        defer {
            for client in clients { client.shutdown() }
            server.kill()
        }
        let queues = clients.map { RedisBatchQueue(client: $0) }
        let jobs = (0..<60).map { F.job("c\($0)", texts: 1 + $0 % 3) }
        let positions = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask { try await queues[index % 2].enqueue(job) }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(positions.sorted() == Array(1...60))

        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, queue) in queues.enumerated() {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let batch = try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "gw-\(index)")
                        if batch.isEmpty { return mine }
                        #expect(batch.count == 1 || batch.reduce(0) { $0 + $1.texts.count } <= 5)
                        mine += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claimed.count == 60)
        #expect(Set(claimed) == Set(jobs.map(\.id)))
        #expect(await queues[0].counts(model: "mixtral") == QueueCounts(processing: 60))
    }

    private func records(of jobs: [BatchJob], in queue: RedisBatchQueue) async -> [BatchRecord?] {
        var out: [BatchRecord?] = []
        for job in jobs { out.append(await queue.record(jobID: job.id)) }
        return out
    }
}
