import Redis

extension RedisBatchQueue {
    /// How many entries one claim looks at per phase: a job has at least one text, so never more
    /// than the budget, and bounded so one script never runs long on the server.
    static let claimWindow = 1000
    /// Claim rounds when every delivered entry turned out stale (finished jobs): rare, bounded.
    static let claimRounds = 4

    /// Packing happens in the deliver script (it peeks at each entry's text count before
    /// delivering), so nothing is read that is not taken and no local list is kept.
    public func claim(model: String, maxTexts: Int, consumer: String) async throws(GatewayError) -> [BatchJob] {
        let budget = max(1, maxTexts)
        for _ in 0..<Self.claimRounds {
            let delivered = try await deliver(model: model, budget: budget, consumer: consumer)
            if delivered.isEmpty { return [] }
            let jobs = try await take(delivered, model: model, consumer: consumer)
            if !jobs.isEmpty { return jobs }
        }
        return []
    }

    /// Entry id and job id of each entry the deliver script handed to `consumer`, oldest first.
    private func deliver(model: String, budget: Int, consumer: String) async throws(GatewayError) -> [(entry: String, job: String)] {
        let timeout = max(1, milliseconds(claimTimeout))
        let args = [RedisQueueKeys.group, consumer, String(timeout), String(budget), String(min(budget, Self.claimWindow))]
        let reply = try await run(RedisQueueScripts.deliver, keys: [RedisQueueKeys.stream(model)],
                                  args: args.map { Array($0.utf8) }, doing: "claim \(model) jobs")
        let flat = (reply.array ?? []).compactMap(\.string)
        guard flat.count % 2 == 0 else {
            throw GatewayError(.internalError, "the batch queue's deliver script answered \(reply)")
        }
        return stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) }
    }

    /// Marks the delivered jobs processing, in one pipeline. A job whose take failed stays
    /// pending under this consumer and comes back after the claim timeout; one whose record
    /// cannot be read is failed, since no worker could ever process it.
    private func take(_ delivered: [(entry: String, job: String)], model: String, consumer: String) async throws(GatewayError) -> [BatchJob] {
        let calls = delivered.map { item in
            (keys: [RedisQueueKeys.job(item.job), RedisQueueKeys.counts(model), RedisQueueKeys.stream(model)],
             args: [RedisQueueKeys.group, consumer, item.entry].map { Array($0.utf8) })
        }
        let replies: [RedisReply]
        do throws(RedisError) {
            replies = try await client.runScripts(RedisQueueScripts.take, calls: calls)
        } catch {
            throw .redis(error, while: "claim \(model) jobs")
        }
        var jobs: [BatchJob] = []
        var firstError: RedisReply?
        for (item, reply) in zip(delivered, replies) {
            if case .error = reply {
                firstError = firstError ?? reply
            } else if reply.isNil {
                continue  // stale: the job is finished or lives under another entry
            } else if let record = RedisJobFields.record(id: item.job, from: reply) {
                jobs.append(record.job)
            } else {
                try await fail(jobID: item.job, reason: "its queue record is unreadable", retry: false)
            }
        }
        if jobs.isEmpty, case .error(let message) = firstError {
            throw .redis(.server(message), while: "claim \(model) jobs")
        }
        return jobs
    }
}
