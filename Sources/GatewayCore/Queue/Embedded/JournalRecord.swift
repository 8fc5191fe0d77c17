import Tracing

/// One mutation of the embedded queue, as the journal stores it. Records carry the resulting
/// values (attempts, timestamps), not instructions to recompute them, so replay needs no clock
/// and gives the same state whatever the code that wrote them thought at the time.
enum JournalRecord: Equatable {
    /// A job was accepted: every field of it.
    case accepted(BatchJob)
    /// One `claim`: these queued jobs went to `consumer`.
    case claimed(ids: [String], consumer: String)
    /// A processing job finished with its embeddings (in the order of its texts).
    case completed(id: String, embeddings: [[Float]], attempts: Int, at: UnixTime)
    /// A processing generation job finished with its outputs.
    case completedOutputs(id: String, outputs: [GeneratedText], attempts: Int, at: UnixTime)
    /// An attempt failed: back to the front of the queue (`retry`), or failed for good.
    case failed(id: String, reason: String, retry: Bool, attempts: Int, at: UnixTime)
    /// A finished job passed its retention and is gone.
    case purged(id: String)
    /// Queued jobs failed without running (their batch was cancelled or expired).
    case cancelled(ids: [String], reason: String, at: UnixTime)
    /// A job's whole current record: what compaction writes, one per live job.
    case snapshot(BatchRecord)

    /// `acceptedIngest` and `snapshotIngest` are `accepted` and `snapshot` of a job that carries
    /// an ingest target, `acceptedGeneration` and `snapshotGeneration` of a generation job:
    /// separate kinds so journals written before either still decode.
    private enum Kind: UInt8 {
        case accepted = 1, claimed, completed, failed, purged, snapshot, acceptedIngest, snapshotIngest
        case acceptedGeneration, snapshotGeneration, completedOutputs, cancelled
    }

    private static func kind(accepting job: BatchJob) -> Kind {
        job.generation != nil ? .acceptedGeneration : job.ingest != nil ? .acceptedIngest : .accepted
    }

    private static func kind(snapshotting job: BatchJob) -> Kind {
        job.generation != nil ? .snapshotGeneration : job.ingest != nil ? .snapshotIngest : .snapshot
    }

    func encoded() -> [UInt8] {
        var w = JournalByteWriter(capacity: 128)
        switch self {
        case .accepted(let job):
            w.u8(Self.kind(accepting: job).rawValue)
            Self.write(job, to: &w)
        case .claimed(let ids, let consumer):
            w.u8(Kind.claimed.rawValue)
            w.string(consumer)
            w.strings(ids)
        case .completed(let id, let embeddings, let attempts, let at):
            w.u8(Kind.completed.rawValue)
            w.string(id)
            w.count(attempts)
            w.i64(at.nanosecondsSinceEpoch)
            Self.write(embeddings, to: &w)
        case .completedOutputs(let id, let outputs, let attempts, let at):
            w.u8(Kind.completedOutputs.rawValue)
            w.string(id)
            w.count(attempts)
            w.i64(at.nanosecondsSinceEpoch)
            Self.write(outputs, to: &w)
        case .failed(let id, let reason, let retry, let attempts, let at):
            w.u8(Kind.failed.rawValue)
            w.string(id)
            w.bool(retry)
            w.count(attempts)
            w.i64(at.nanosecondsSinceEpoch)
            w.string(reason)
        case .purged(let id):
            w.u8(Kind.purged.rawValue)
            w.string(id)
        case .cancelled(let ids, let reason, let at):
            w.u8(Kind.cancelled.rawValue)
            w.strings(ids)
            w.string(reason)
            w.i64(at.nanosecondsSinceEpoch)
        case .snapshot(let r):
            w.u8(Self.kind(snapshotting: r.job).rawValue)
            Self.write(r.job, to: &w)
            w.u8(Self.stateCodes[r.state]!)
            w.count(r.attempts)
            w.count(r.completedItems)
            w.bool(r.embeddings != nil)
            if let e = r.embeddings { Self.write(e, to: &w) }
            w.bool(r.error != nil)
            if let e = r.error { w.string(e) }
            w.bool(r.completedAt != nil)
            if let t = r.completedAt { w.i64(t.nanosecondsSinceEpoch) }
            if r.job.generation != nil {
                w.bool(r.outputs != nil)
                if let o = r.outputs { Self.write(o, to: &w) }
            }
        }
        return w.bytes
    }

    static func decode(_ payload: [UInt8]) throws(JournalDecodeError) -> JournalRecord {
        var r = JournalByteReader(payload)
        let code = try r.u8()
        guard let kind = Kind(rawValue: code) else { throw JournalDecodeError(reason: "unknown record kind \(code)") }
        let record: JournalRecord
        switch kind {
        case .accepted, .acceptedIngest, .acceptedGeneration:
            record = .accepted(try readJob(&r, withIngest: kind == .acceptedIngest, withGeneration: kind == .acceptedGeneration))
        case .claimed:
            let consumer = try r.string()
            record = .claimed(ids: try r.strings(), consumer: consumer)
        case .completed:
            let id = try r.string()
            let attempts = try r.count()
            let at = UnixTime(nanosecondsSinceEpoch: try r.i64())
            record = .completed(id: id, embeddings: try readEmbeddings(&r), attempts: attempts, at: at)
        case .completedOutputs:
            let id = try r.string()
            let attempts = try r.count()
            let at = UnixTime(nanosecondsSinceEpoch: try r.i64())
            record = .completedOutputs(id: id, outputs: try readOutputs(&r), attempts: attempts, at: at)
        case .failed:
            let id = try r.string()
            let retry = try r.bool()
            let attempts = try r.count()
            let at = UnixTime(nanosecondsSinceEpoch: try r.i64())
            record = .failed(id: id, reason: try r.string(), retry: retry, attempts: attempts, at: at)
        case .purged:
            record = .purged(id: try r.string())
        case .cancelled:
            let ids = try r.strings()
            let reason = try r.string()
            record = .cancelled(ids: ids, reason: reason, at: UnixTime(nanosecondsSinceEpoch: try r.i64()))
        case .snapshot, .snapshotIngest, .snapshotGeneration:
            record = .snapshot(try readSnapshot(&r, withIngest: kind == .snapshotIngest,
                                                withGeneration: kind == .snapshotGeneration))
        }
        guard r.isAtEnd else { throw JournalDecodeError(reason: "\(payload.count - r.offset) bytes after the record") }
        return record
    }

    // MARK: field groups

    private static let stateCodes: [BatchState: UInt8] = [.queued: 0, .processing: 1, .completed: 2, .failed: 3]

    private static func write(_ job: BatchJob, to w: inout JournalByteWriter) {
        defer { if let g = job.generation { write(g, to: &w) } }
        w.string(job.id)
        w.string(job.model)
        w.string(job.pattern.rawValue)
        w.bool(job.urgent)
        w.bool(job.degraded)
        w.i64(job.queuedAt.nanosecondsSinceEpoch)
        w.string(JobRequestField.joined(job.requestID, job.trace))
        w.strings(job.texts)
        if let target = job.ingest {
            w.strings(target.ids)
            w.count(target.payloads.count)
            for payload in target.payloads {
                let pairs = payload.sorted { $0.key < $1.key }
                w.strings(pairs.map(\.key))
                w.strings(pairs.map(\.value))
            }
        }
    }

    private static func readJob(_ r: inout JournalByteReader, withIngest: Bool,
                                withGeneration: Bool = false) throws(JournalDecodeError) -> BatchJob {
        let id = try r.string()
        let model = try r.string()
        let patternName = try r.string()
        guard let pattern = IntegrationPattern(rawValue: patternName) else {
            throw JournalDecodeError(reason: "unknown pattern \"\(patternName)\"")
        }
        let urgent = try r.bool()
        let degraded = try r.bool()
        let queuedAt = UnixTime(nanosecondsSinceEpoch: try r.i64())
        let (requestID, trace) = JobRequestField.split(try r.string())
        var job = BatchJob(id: id, model: model, texts: try r.strings(), pattern: pattern, urgent: urgent,
                           degraded: degraded, queuedAt: queuedAt, requestID: requestID, trace: trace)
        if withIngest {
            let ids = try r.strings()
            let n = try r.count()
            var payloads: [[String: String]] = []
            payloads.reserveCapacity(min(n, 1 << 16))
            for _ in 0..<n {
                let keys = try r.strings()
                let values = try r.strings()
                guard keys.count == values.count else { throw JournalDecodeError(reason: "payload keys and values differ in count") }
                payloads.append(Dictionary(zip(keys, values), uniquingKeysWith: { _, last in last }))
            }
            guard ids.count == job.texts.count, payloads.count == job.texts.count else {
                throw JournalDecodeError(reason: "ingest target does not match the job's texts")
            }
            job.ingest = IngestTarget(ids: ids, payloads: payloads)
        }
        if withGeneration { job.generation = try readGeneration(&r) }
        return job
    }

    /// The input (0 prompt, 1 messages), then the options; doubles as their bit patterns.
    private static func write(_ g: GenerationRequest, to w: inout JournalByteWriter) {
        switch g.input {
        case .prompt(let p):
            w.u8(0)
            w.string(p)
        case .messages(let messages):
            w.u8(1)
            w.strings(messages.map(\.role))
            w.strings(messages.map(\.content))
        }
        let o = g.options
        w.count(o.maxTokens)
        for v in [o.temperature, o.topP] {
            w.bool(v != nil)
            if let v { w.i64(Int64(bitPattern: v.bitPattern)) }
        }
        w.strings(o.stop)
        w.bool(o.seed != nil)
        if let s = o.seed { w.i64(Int64(bitPattern: s)) }
    }

    private static func readGeneration(_ r: inout JournalByteReader) throws(JournalDecodeError) -> GenerationRequest {
        let input: GenerationInput
        switch try r.u8() {
        case 0:
            input = .prompt(try r.string())
        case 1:
            let roles = try r.strings()
            let contents = try r.strings()
            guard roles.count == contents.count else { throw JournalDecodeError(reason: "chat roles and contents differ in count") }
            input = .messages(zip(roles, contents).map { ChatMessage(role: $0, content: $1) })
        case let code:
            throw JournalDecodeError(reason: "unknown generation input \(code)")
        }
        let maxTokens = try r.count()
        let temperature = try r.bool() ? Double(bitPattern: UInt64(bitPattern: try r.i64())) : nil
        let topP = try r.bool() ? Double(bitPattern: UInt64(bitPattern: try r.i64())) : nil
        let stop = try r.strings()
        let seed = try r.bool() ? UInt64(bitPattern: try r.i64()) : nil
        return GenerationRequest(input: input, options: GenerationOptions(maxTokens: maxTokens, temperature: temperature,
                                                                          topP: topP, stop: stop, seed: seed))
    }

    private static func write(_ outputs: [GeneratedText], to w: inout JournalByteWriter) {
        w.count(outputs.count)
        for o in outputs {
            w.string(o.text)
            w.string(o.finishReason)
            w.count(o.usage.promptTokens)
            w.count(o.usage.completionTokens)
            w.bool(o.isChat)
        }
    }

    private static func readOutputs(_ r: inout JournalByteReader) throws(JournalDecodeError) -> [GeneratedText] {
        let n = try r.count()
        var outputs: [GeneratedText] = []
        outputs.reserveCapacity(min(n, 1 << 10))
        for _ in 0..<n {
            let text = try r.string()
            let reason = try r.string()
            let usage = TokenUsage(promptTokens: try r.count(), completionTokens: try r.count())
            outputs.append(GeneratedText(text: text, finishReason: reason, usage: usage, isChat: try r.bool()))
        }
        return outputs
    }

    private static func write(_ embeddings: [[Float]], to w: inout JournalByteWriter) {
        w.count(embeddings.count)
        for row in embeddings { w.floats(row) }
    }

    private static func readEmbeddings(_ r: inout JournalByteReader) throws(JournalDecodeError) -> [[Float]] {
        let n = try r.count()
        var rows: [[Float]] = []
        rows.reserveCapacity(min(n, 1 << 16))
        for _ in 0..<n { rows.append(try r.floats()) }
        return rows
    }

    private static func readSnapshot(_ r: inout JournalByteReader, withIngest: Bool,
                                     withGeneration: Bool) throws(JournalDecodeError) -> BatchRecord {
        let job = try readJob(&r, withIngest: withIngest, withGeneration: withGeneration)
        let code = try r.u8()
        guard let state = stateCodes.first(where: { $0.value == code })?.key else {
            throw JournalDecodeError(reason: "unknown job state \(code)")
        }
        let attempts = try r.count()
        let completedItems = try r.count()
        let embeddings = try r.bool() ? try readEmbeddings(&r) : nil
        let error = try r.bool() ? try r.string() : nil
        let completedAt = try r.bool() ? UnixTime(nanosecondsSinceEpoch: try r.i64()) : nil
        var outputs: [GeneratedText]?
        if withGeneration, try r.bool() { outputs = try readOutputs(&r) }
        return BatchRecord(job: job, state: state, attempts: attempts, completedItems: completedItems,
                           embeddings: embeddings, outputs: outputs, error: error, completedAt: completedAt)
    }
}

/// A job's request id and trace share one journal field, `id NUL traceparent NUL tracestate`: a
/// request id never holds a NUL (`RequestID` takes printable ASCII only), records written before
/// traces were kept read back as an id alone, and no new record kind is needed for every
/// combination of ingest and generation.
enum JobRequestField {
    static func joined(_ requestID: String, _ trace: TraceContext?) -> String {
        guard let trace else { return requestID }
        return requestID + "\u{0}" + trace.traceparent + "\u{0}" + (trace.state ?? "")
    }

    static func split(_ field: String) -> (requestID: String, trace: TraceContext?) {
        let parts = field.split(separator: "\u{0}", omittingEmptySubsequences: false)
        guard parts.count == 3, let parent = TraceContext.parse(String(parts[1])) else {
            return (String(parts[0]), nil)
        }
        return (String(parts[0]), parent.with(state: parts[2].isEmpty ? nil : String(parts[2])))
    }
}
