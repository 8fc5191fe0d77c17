import Synchronization
@testable import GatewayCore

/// The simplest `BatchQueue`: the contract without durability, for the core's own tests.
final class MemoryBatchQueue: BatchQueue {
    private let state = Mutex<(order: [String: [String]], records: [String: BatchRecord])>(([:], [:]))
    let limit: Int

    init(limit: Int = 1000) { self.limit = limit }

    func enqueue(_ job: BatchJob) async throws(GatewayError) -> Int {
        let position: Int? = state.withLock { s in
            var q = s.order[job.model] ?? []
            guard q.count < limit else { return nil }
            q.append(job.id)
            s.order[job.model] = q
            s.records[job.id] = BatchRecord(job: job)
            return q.count
        }
        guard let position else { throw GatewayError(.queueFull, "full", retryAfter: 30) }
        return position
    }

    func claim(model: String, maxTexts: Int, consumer: String) async throws(GatewayError) -> [BatchJob] {
        state.withLock { s in
            var taken: [BatchJob] = []
            var texts = 0
            var q = s.order[model] ?? []
            while let id = q.first, let r = s.records[id] {
                if !taken.isEmpty && texts + r.job.itemsCount > maxTexts { break }
                q.removeFirst()
                s.records[id]?.state = .processing
                taken.append(r.job)
                texts += r.job.itemsCount
            }
            s.order[model] = q
            return taken
        }
    }

    func complete(jobID: String, embeddings: [[Float]]) async throws(GatewayError) {
        state.withLock { s in
            guard var r = s.records[jobID], r.state == .processing else { return }
            r.state = .completed
            r.embeddings = embeddings
            r.completedItems = embeddings.count
            r.attempts += 1
            r.completedAt = UnixTime(secondsSinceEpoch: 0)
            s.records[jobID] = r
        }
    }

    func complete(jobID: String, outputs: [GeneratedText]) async throws(GatewayError) {
        state.withLock { s in
            guard var r = s.records[jobID], r.state == .processing else { return }
            r.state = .completed
            r.outputs = outputs
            r.completedItems = outputs.count
            r.attempts += 1
            r.completedAt = UnixTime(secondsSinceEpoch: 0)
            s.records[jobID] = r
        }
    }

    func cancel(jobIDs: [String], reason: String) async throws(GatewayError) -> [String] {
        state.withLock { s in
            var out: [String] = []
            for id in jobIDs {
                guard var r = s.records[id], r.state == .queued else { continue }
                r.state = .failed
                r.error = reason
                s.records[id] = r
                s.order[r.job.model]?.removeAll { $0 == id }
                out.append(id)
            }
            return out
        }
    }

    func fail(jobID: String, reason: String, retry: Bool) async throws(GatewayError) {
        state.withLock { s in
            guard var r = s.records[jobID], r.state == .processing else { return }
            r.attempts += 1
            if retry {
                r.state = .queued
                s.order[r.job.model, default: []].insert(jobID, at: 0)
            } else {
                r.state = .failed
                r.error = reason
            }
            s.records[jobID] = r
        }
    }

    func record(jobID: String) async -> BatchRecord? { state.withLock { $0.records[jobID] } }

    func counts(model: String) async -> QueueCounts {
        state.withLock { s in
            var c = QueueCounts()
            for r in s.records.values where r.job.model == model {
                switch r.state {
                case .queued: c.pending += 1
                case .processing: c.processing += 1
                case .completed: c.completed += 1
                case .failed: c.failed += 1
                }
            }
            return c
        }
    }

    func pendingJobs(model: String) async -> Int { state.withLock { $0.order[model]?.count ?? 0 } }
}
