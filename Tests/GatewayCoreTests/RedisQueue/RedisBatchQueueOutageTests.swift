import GatewayCore
import Redis
import Testing

/// Redis dies (SIGKILL) and comes back empty: the queue fails fast and clearly meanwhile, and
/// works again afterwards without being rebuilt.
@Suite struct RedisBatchQueueOutageTests {
    typealias F = RedisQueueFixture

    @Test func killedRedisFailsFastAndRecovers() async throws {
        try await F.withQueue { queue, server throws in
            let before = F.job("before")
            #expect(try await queue.enqueue(before) == 1)

            server.kill()
            for attempt in 0..<4 {
                var error: GatewayError?
                let seconds = await F.elapsed { error = await F.error { _ = try await queue.enqueue(F.job("down\(attempt)")) } }
                #expect(error?.code == .unavailable, "attempt \(attempt): \(String(describing: error))")
                #expect(error?.retryAfter != nil)
                #expect(seconds < 2, "enqueue attempt \(attempt) took \(seconds) s")
            }
            let lookups = await F.elapsed {
                #expect(await queue.record(jobID: before.id) == nil)
                // A client asking after its job hears "try again", not "no such job".
                let lookup = await F.error { _ = try await queue.lookup(jobID: before.id) }
                #expect(lookup?.code == .unavailable && lookup?.retryAfter != nil)
                #expect(await queue.counts(model: "mixtral") == QueueCounts())
                #expect(await queue.pendingJobs(model: "mixtral") == 0)
            }
            #expect(lookups < 2, "reads took \(lookups) s")
            #expect(await F.error { _ = try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w") }?.code == .unavailable)
            #expect(await F.error { try await queue.complete(jobID: before.id, embeddings: F.vectors(1)) }?.code == .unavailable)

            // Back, empty (no persistence): streams, groups and scripts come back on first use.
            try server.start()
            let after = F.job("after", texts: 2)
            #expect(await F.eventually(within: 10) { (try? await queue.enqueue(after)) != nil })
            #expect(await queue.pendingJobs(model: "mixtral") == 1)
            #expect(try await queue.claim(model: "mixtral", maxTexts: 5, consumer: "w") == [after])
            try await queue.complete(jobID: after.id, embeddings: F.vectors(2))
            #expect(await queue.record(jobID: after.id)?.state == .completed)
            #expect(try await queue.lookup(jobID: after.id)?.state == .completed)
            #expect(try await queue.lookup(jobID: before.id) == nil)
        }
    }
}
