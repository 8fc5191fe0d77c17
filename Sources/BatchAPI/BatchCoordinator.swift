import GatewayCore
import JSON

/// Moves batches along (spec §8): reads a new batch's file and queues its lines (`validating` →
/// `in_progress`, or `failed` with line-numbered errors), follows its jobs (request counts),
/// fails what is still queued when it is cancelled or expires, and writes the output and error
/// files once every line is done (`finalizing` → `completed`, `cancelled` or `expired`). Every
/// step can be repeated after a crash: a line's job id is fixed, and finished batches are left
/// alone. With several instances on one Redis, a batch's lease says which of them works on it.
/// Runs on: its own task (`run`), never an event loop; big files are parsed and written there.
public struct BatchCoordinator: Sendable {
    let service: BatchService
    let owner: String
    let interval: Duration

    public init(service: BatchService, owner: String, interval: Duration = .milliseconds(500)) {
        self.service = service
        self.owner = owner
        self.interval = interval
    }

    /// Until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await tick()
            try? await Task.sleep(for: interval)
        }
    }

    /// One pass over the unfinished batches this instance can lease.
    public func tick() async {
        guard let ids = try? await service.batches.unfinished() else { return }
        for id in ids where !Task.isCancelled {
            guard await service.batches.lease(batchID: id, owner: owner, for: .seconds(10)) else { continue }
            try? await step(id)
        }
    }

    func step(_ id: String) async throws(GatewayError) {
        guard let batch = try await service.batches.batch(id: id) else { return }
        switch batch.status {
        case .validating:
            try await validate(batch)
        case .inProgress, .cancelling:
            try await follow(batch)
        case .finalizing:
            try await finalize(batch)
        case .failed, .completed, .expired, .cancelled:
            break
        }
    }

    // MARK: validating

    private func validate(_ batch: BatchObject) async throws(GatewayError) {
        guard let content = try await service.files.content(id: batch.inputFileID) else {
            return try await fail(batch, [.init(code: "file_not_found", message: "the input file \(batch.inputFileID) is gone")])
        }
        let lines: [BatchInputParser.Line]
        switch BatchInputParser.parse(content, endpoint: batch.endpoint, limits: service.limits.input) {
        case .invalid(let errors): return try await fail(batch, errors)
        case .lines(let parsed): lines = parsed
        }
        let createdAt = UnixTime(nanosecondsSinceEpoch: batch.createdAt * 1_000_000_000)
        var states: [BatchLineState] = []
        states.reserveCapacity(lines.count)
        for line in lines {
            let context = CallContext(requestID: "\(batch.id)-\(line.customID)", protocolName: "openai")
            let number = line.number
            let batchID = batch.id
            do throws(GatewayError) {
                let job = try await service.codec.enqueue(endpoint: batch.endpoint, body: line.body, context: context) { model in
                    BatchID.forLine(model: model, batch: batchID, line: number, at: createdAt)
                }
                states.append(BatchLineState(number: line.number, customID: line.customID, jobID: job))
            } catch where error.code == .queueFull || error.code == .unavailable {
                // Not this line's fault: the next pass queues from here again (ids are fixed).
                throw error
            } catch {
                states.append(BatchLineState(number: line.number, customID: line.customID,
                                             error: .init(code: error.code.name, message: error.message, line: line.number)))
            }
        }
        try await service.batches.saveLines(states, batchID: batch.id)
        let invalid = states.filter { $0.error != nil }.count
        let total = states.count
        let now = service.nowSeconds
        _ = try await service.batches.update(id: batch.id) { b in
            b.requestCounts = .init(total: total, completed: 0, failed: invalid)
            b.inProgressAt = b.inProgressAt ?? now
            // A cancel that came while validating stands: the batch goes on as cancelling.
            if b.status == .validating { b.status = .inProgress }
        }
    }

    private func fail(_ batch: BatchObject, _ errors: [BatchObject.LineError]) async throws(GatewayError) {
        let now = service.nowSeconds
        _ = try await service.batches.update(id: batch.id) { b in
            b.status = .failed
            b.errors = errors
            b.failedAt = now
        }
    }

    // MARK: in progress

    private func follow(_ batch: BatchObject) async throws(GatewayError) {
        guard let lines = try await service.batches.lines(batchID: batch.id) else {
            // Cancelled before its lines were queued.
            return try await finalize(batch)
        }
        let jobs = lines.compactMap(\.jobID)
        let now = service.nowSeconds
        let expired = now >= batch.expiresAt
        if batch.status == .cancelling || expired {
            _ = try await service.core.cancelQueuedJobs(jobs, reason: expired ? "batch_expired" : "batch_cancelled")
        }
        let states = try await service.core.jobStates(jobs)
        let completed = states.values.filter { $0 == .completed }.count
        let failed = lines.filter { $0.error != nil }.count + states.values.filter { $0 == .failed }.count
        let done = jobs.allSatisfy { states[$0] == .completed || states[$0] == .failed || states[$0] == nil }
        let updated = try await service.batches.update(id: batch.id) { b in
            b.requestCounts = .init(total: lines.count, completed: completed, failed: failed)
            if done && (b.status == .inProgress || b.status == .cancelling) {
                b.status = .finalizing
                b.finalizingAt = now
            }
        }
        if let updated, updated.status == .finalizing { try await finalize(updated) }
    }

    // MARK: finalizing

    /// Writes the output file (completed lines) and the error file (the rest), then the ending
    /// status: cancelled when it was cancelled, expired past its window, else completed.
    private func finalize(_ batch: BatchObject) async throws(GatewayError) {
        let lines = try await service.batches.lines(batchID: batch.id) ?? []
        var output: [UInt8] = []
        var errors: [UInt8] = []
        for line in lines {
            if let e = line.error {
                errors += Self.errorLine(line, code: e.code, message: e.message)
                continue
            }
            guard let jobID = line.jobID, let record = try await service.core.batch(id: jobID) else {
                errors += Self.errorLine(line, code: "batch_expired", message: "the request's result is no longer kept")
                continue
            }
            switch record.state {
            case .completed:
                let body = service.codec.responseBody(endpoint: batch.endpoint, record: record)
                output += Self.outputLine(line, requestID: "\(batch.id)-\(line.customID)", body: body)
            case .failed:
                let reason = record.error ?? "failed"
                let code = reason == "batch_cancelled" || reason == "batch_expired" ? reason : "request_failed"
                errors += Self.errorLine(line, code: code, message: reason)
            case .queued, .processing:
                errors += Self.errorLine(line, code: "batch_cancelled", message: "the request did not run")
            }
        }
        let outputFile = output.isEmpty ? nil
            : try await service.files.create(filename: "\(batch.id)_output.jsonl", purpose: "batch_output", content: output,
                                             now: service.wall.wallTime())
        let errorFile = errors.isEmpty ? nil
            : try await service.files.create(filename: "\(batch.id)_error.jsonl", purpose: "batch_output", content: errors,
                                             now: service.wall.wallTime())
        let now = service.nowSeconds
        _ = try await service.batches.update(id: batch.id) { b in
            guard !b.status.isFinal else { return }
            b.outputFileID = outputFile?.id
            b.errorFileID = errorFile?.id
            if b.cancellingAt != nil {
                b.status = .cancelled
                b.cancelledAt = now
            } else if now >= b.expiresAt {
                b.status = .expired
                b.expiredAt = now
            } else {
                b.status = .completed
                b.completedAt = now
            }
        }
    }

    static func outputLine(_ line: BatchLineState, requestID: String, body: [UInt8]) -> [UInt8] {
        var w = JSONWriter(capacity: body.count + 160)
        w.beginObject()
        w.key("id"); w.string(StoredFile.newID(prefix: "batch_req_"))
        w.key("custom_id"); w.string(line.customID)
        w.key("response")
        w.beginObject()
        w.key("status_code"); w.number(200)
        w.key("request_id"); w.string(requestID)
        w.key("body"); w.raw(body)
        w.endObject()
        w.key("error"); w.null()
        w.endObject()
        return w.bytes + [UInt8(ascii: "\n")]
    }

    static func errorLine(_ line: BatchLineState, code: String, message: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("id"); w.string(StoredFile.newID(prefix: "batch_req_"))
        w.key("custom_id"); w.string(line.customID)
        w.key("response"); w.null()
        w.key("error")
        w.beginObject()
        w.key("code"); w.string(code)
        w.key("message"); w.string(message)
        w.endObject()
        w.endObject()
        return w.bytes + [UInt8(ascii: "\n")]
    }
}
