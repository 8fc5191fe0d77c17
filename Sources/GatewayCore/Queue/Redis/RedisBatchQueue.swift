import Redis

/// The batch queue on Redis Streams, shared by every gateway instance on one Redis (key layout
/// in `RedisQueueKeys`, state changes in `RedisQueueScripts`). A job lives in a hash; its stream
/// entry is what the consumer group `workers` hands out. An entry a consumer was given but did
/// not finish stays pending, and after `claimTimeout` any instance's `claim` takes it over, so
/// the jobs of an instance that died are finished by another. `complete` writes results only
/// for an unfinished job, so a presumed-dead worker that comes back changes nothing.
///
/// Stateless between calls: no local lists, no background task. Streams and groups are created
/// by the scripts on first use, so a Redis restarted empty just starts over.
///
/// Runs on: any task; every script and command runs on a Redis connection's own thread
/// (`RedisClient`) while the caller is suspended.
public final class RedisBatchQueue: BatchQueue {
    public let settings: BatchQueueSettings
    /// How long a delivered job may go unfinished before another consumer may take it. Longer
    /// than a whole upstream call with its retries, or live work is done twice (once stored).
    public let claimTimeout: Duration
    let client: RedisClient
    let clock: any WallClock

    public init(client: RedisClient, settings: BatchQueueSettings = BatchQueueSettings(),
                claimTimeout: Duration = .seconds(60), clock: any WallClock = SystemWallClock()) {
        self.client = client
        self.settings = settings
        self.claimTimeout = claimTimeout
        self.clock = clock
    }

    public func enqueue(_ job: BatchJob) async throws(GatewayError) -> Int {
        guard !job.texts.isEmpty || job.generation != nil else {
            throw GatewayError(.invalidArgument, "batch job \(job.id) has no texts", details: [("field", "texts")])
        }
        let keys = [RedisQueueKeys.job(job.id), RedisQueueKeys.stream(job.model), RedisQueueKeys.counts(job.model)]
        let args = [RedisQueueKeys.group, String(settings.maxQueuedPerModel), job.id, String(job.itemsCount)]
            .map { Array($0.utf8) } + RedisJobFields.arguments(for: job)
        let reply = try await run(RedisQueueScripts.enqueue, keys: keys, args: args, doing: "store batch job \(job.id)")
        guard let parts = reply.array, parts.count == 2, let verdict = parts[0].string, let number = parts[1].int else {
            throw GatewayError(.internalError, "the batch queue's enqueue script answered \(reply)")
        }
        switch verdict {
        case "ok":
            return Int(number)
        case "full":
            throw GatewayError(.queueFull, "the \(job.model) queue holds \(number) jobs, its limit; retry later",
                               details: [("model", job.model)], retryAfter: settings.queueFullRetryAfter)
        default:
            throw GatewayError(.internalError, "batch id \(job.id) is already in the queue")
        }
    }

    public func complete(jobID: String, embeddings: [[Float]]) async throws(GatewayError) {
        let dimension = embeddings.first?.count ?? 0
        guard embeddings.allSatisfy({ $0.count == dimension }) else {
            throw GatewayError(.internalError, "batch job \(jobID) got embeddings of different lengths")
        }
        guard let model = try await model(of: jobID) else { return }  // unknown or expired: nothing to do
        let now = clock.wallTime()
        let args = [RedisQueueKeys.group, jobID, String(embeddings.count)].map { Array($0.utf8) }
            + [RedisEmbeddingStore.encode(embeddings)] + finishArguments(now) + [Array("embeddings".utf8)]
        let reply = try await run(RedisQueueScripts.complete, keys: finishKeys(jobID, model, RedisQueueKeys.completed(model)),
                                  args: args, doing: "store the results of batch job \(jobID)")
        if reply.string == "mismatch" {
            throw GatewayError(.internalError, "batch job \(jobID) got \(embeddings.count) embeddings, "
                               + "not one per text")
        }
    }

    public func complete(jobID: String, outputs: [GeneratedText]) async throws(GatewayError) {
        guard let model = try await model(of: jobID) else { return }
        let args = [RedisQueueKeys.group, jobID, String(outputs.count)].map { Array($0.utf8) }
            + [GenerationJSON.encode(outputs)] + finishArguments(clock.wallTime()) + [Array("outputs".utf8)]
        let reply = try await run(RedisQueueScripts.complete, keys: finishKeys(jobID, model, RedisQueueKeys.completed(model)),
                                  args: args, doing: "store the outputs of batch job \(jobID)")
        if reply.string == "mismatch" {
            throw GatewayError(.internalError, "batch job \(jobID) got \(outputs.count) outputs, not one")
        }
    }

    public func cancel(jobIDs: [String], reason: String) async throws(GatewayError) -> [String] {
        var cancelled: [String] = []
        for jobID in jobIDs {
            guard let model = try await model(of: jobID) else { continue }
            let args = [RedisQueueKeys.group, jobID, reason].map { Array($0.utf8) } + finishArguments(clock.wallTime())
            let reply = try await run(RedisQueueScripts.cancel, keys: finishKeys(jobID, model, RedisQueueKeys.failed(model)),
                                      args: args, doing: "cancel batch job \(jobID)")
            if reply.string == "cancelled" { cancelled.append(jobID) }
        }
        return cancelled
    }

    public func fail(jobID: String, reason: String, retry: Bool) async throws(GatewayError) {
        guard let model = try await model(of: jobID) else { return }
        let args = [RedisQueueKeys.group, jobID, retry ? "1" : "0", reason].map { Array($0.utf8) }
            + finishArguments(clock.wallTime()) + [Array(String(milliseconds(claimTimeout)).utf8)]
        _ = try await run(RedisQueueScripts.fail, keys: finishKeys(jobID, model, RedisQueueKeys.failed(model)),
                          args: args, doing: "record a failed attempt of batch job \(jobID)")
    }

    /// One pipeline of HGET state, in chunks, instead of a whole record (with its results) per job.
    public func states(jobIDs: [String]) async throws(GatewayError) -> [String: BatchState] {
        var out: [String: BatchState] = [:]
        var start = 0
        while start < jobIDs.count {
            let chunk = Array(jobIDs[start..<min(jobIDs.count, start + 1000)])
            start += chunk.count
            let replies: [RedisReply]
            do {
                replies = try await client.pipeline(chunk.map { ["HGET", RedisQueueKeys.job($0), "state"] })
            } catch {
                throw .redis(error, while: "read the state of \(chunk.count) batch jobs")
            }
            for (id, reply) in zip(chunk, replies) {
                if let s = reply.string.flatMap(BatchState.init(rawValue:)) { out[id] = s }
            }
        }
        return out
    }

    public func record(jobID: String) async -> BatchRecord? {
        (try? await lookup(jobID: jobID)) ?? nil
    }

    public func lookup(jobID: String) async throws(GatewayError) -> BatchRecord? {
        do throws(RedisError) {
            let reply = try await client.command(["HGETALL", RedisQueueKeys.job(jobID)])
            return RedisJobFields.record(id: jobID, from: reply)
        } catch {
            throw .redis(error, while: "read batch job \(jobID)")
        }
    }

    public func counts(model: String) async -> QueueCounts {
        let cutoff = String(milliseconds(clock.wallTime()) - milliseconds(settings.resultRetention))
        guard let replies = try? await client.pipeline([
            ["HMGET", RedisQueueKeys.counts(model), "queued", "processing"],
            ["ZCOUNT", RedisQueueKeys.completed(model), cutoff, "+inf"],
            ["ZCOUNT", RedisQueueKeys.failed(model), cutoff, "+inf"],
        ]) else { return QueueCounts() }
        let counters = replies[0].array ?? []
        func count(_ reply: RedisReply?) -> Int { max(0, Int(reply?.int ?? 0)) }
        return QueueCounts(pending: count(counters.first), processing: count(counters.dropFirst().first),
                           completed: count(replies[1]), failed: count(replies[2]))
    }

    public func pendingJobs(model: String) async -> Int {
        let reply = try? await client.command(["HGET", RedisQueueKeys.counts(model), "queued"])
        return max(0, Int(reply?.int ?? 0))
    }

    // MARK: helpers

    /// The job's model, which names its stream and counters; nil for an unknown job. Read apart
    /// from the script that uses it, which is safe: a job's model never changes.
    private func model(of jobID: String) async throws(GatewayError) -> String? {
        do throws(RedisError) {
            return try await client.command(["HGET", RedisQueueKeys.job(jobID), "model"]).string
        } catch {
            throw .redis(error, while: "read batch job \(jobID)")
        }
    }

    private func finishKeys(_ jobID: String, _ model: String, _ finishedSet: String) -> [String] {
        [RedisQueueKeys.job(jobID), RedisQueueKeys.counts(model), RedisQueueKeys.stream(model), finishedSet]
    }

    /// now ns (for the record), now ms (the finished set's score), retention ms (PEXPIRE; at
    /// least 1, as 0 would be refused) and the cutoff below which finished ids are dropped.
    private func finishArguments(_ now: UnixTime) -> [[UInt8]] {
        let retention = max(1, milliseconds(settings.resultRetention))
        return [String(now.nanosecondsSinceEpoch), String(milliseconds(now)), String(retention),
                String(milliseconds(now) - retention)].map { Array($0.utf8) }
    }

    func run(_ script: RedisScript, keys: [String], args: [[UInt8]], doing: String) async throws(GatewayError) -> RedisReply {
        do throws(RedisError) {
            return try await client.runScript(script, keys: keys, args: args)
        } catch {
            throw .redis(error, while: doing)
        }
    }

    func milliseconds(_ duration: Duration) -> Int64 {
        duration.nanosecondsClamped / 1_000_000
    }

    func milliseconds(_ time: UnixTime) -> Int64 {
        time.nanosecondsSinceEpoch / 1_000_000
    }
}
