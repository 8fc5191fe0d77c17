import JSON
import Redis
import Tracing

/// A job's hash, `pattern:batch:{id}`, field by field:
///
/// model, texts (JSON array of strings), items (text count), pattern, urgent and degraded
/// ("1"/"0"), queued_at_ns, request_id, traceparent and tracestate (when the caller's trace has
/// them) — written once at enqueue; state, attempts, entry (its
/// live stream entry id) and consumer (while processing) — kept by the scripts; completed_items,
/// embeddings (a blob: u32 count, u32 dimension, then little-endian floats), error, and
/// completed_at_ns once finished; ingest_ids and ingest_payloads (JSON arrays) for a texts ingest;
/// generation (JSON, GenerationJSON) for a queued generation, and outputs (JSON) once it is done.
/// Times are nanoseconds, so a job reads back equal to the one accepted.
enum RedisJobFields {
    /// The fields `enqueue` writes, as HSET name/value arguments (the script adds the rest).
    static func arguments(for job: BatchJob) -> [[UInt8]] {
        let texts = JSON.serialize(.array(job.texts.map { .string($0) }))
        let pairs: [(String, [UInt8])] = [
            ("model", Array(job.model.utf8)),
            ("texts", texts),
            ("items", Array(String(job.itemsCount).utf8)),
            ("pattern", Array(job.pattern.rawValue.utf8)),
            ("urgent", job.urgent ? [0x31] : [0x30]),
            ("degraded", job.degraded ? [0x31] : [0x30]),
            ("queued_at_ns", Array(String(job.queuedAt.nanosecondsSinceEpoch).utf8)),
            ("request_id", Array(job.requestID.utf8)),
        ] + tracePairs(job.trace) + ingestPairs(job.ingest) + (job.generation.map { [("generation", GenerationJSON.encode($0))] } ?? [])
        return pairs.flatMap { [Array($0.0.utf8), $0.1] }
    }

    /// Reads an HGETALL reply; nil for a missing key or a hash this code did not write.
    static func record(id: String, from reply: RedisReply) -> BatchRecord? {
        guard let flat = reply.array, !flat.isEmpty, flat.count % 2 == 0 else { return nil }
        var fields: [String: [UInt8]] = [:]
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard let name = flat[index].string, let value = flat[index + 1].bytes else { return nil }
            fields[name] = value
        }
        func text(_ name: String) -> String? { fields[name].flatMap { String(validating: $0, as: UTF8.self) } }
        func int(_ name: String) -> Int64? { text(name).flatMap { Int64($0) } }

        guard let model = text("model"), let texts = fields["texts"].flatMap(decodeTexts),
              let pattern = text("pattern").flatMap(IntegrationPattern.init(rawValue:)),
              let queuedAt = int("queued_at_ns"), let requestID = text("request_id"),
              let state = text("state").flatMap(BatchState.init(rawValue:)), let attempts = int("attempts")
        else { return nil }
        var job = BatchJob(id: id, model: model, texts: texts, pattern: pattern, urgent: text("urgent") == "1",
                           degraded: text("degraded") == "1", queuedAt: UnixTime(nanosecondsSinceEpoch: queuedAt),
                           requestID: requestID,
                           trace: text("traceparent").flatMap(TraceContext.parse)?.with(state: text("tracestate")))
        if let idBytes = fields["ingest_ids"] {
            guard let target = decodeIngest(ids: idBytes, payloads: fields["ingest_payloads"]),
                  target.ids.count == texts.count else { return nil }
            job.ingest = target
        }
        if let generation = fields["generation"] {
            guard let request = GenerationJSON.decodeRequest(generation) else { return nil }
            job.generation = request
        }
        var record = BatchRecord(job: job, state: state, attempts: Int(attempts),
                                 completedItems: Int(int("completed_items") ?? 0), error: text("error"),
                                 completedAt: int("completed_at_ns").map(UnixTime.init(nanosecondsSinceEpoch:)))
        if let blob = fields["embeddings"] {
            // A blob that does not decode is a corrupt record: better unknown than wrong vectors.
            guard let embeddings = RedisEmbeddingStore.decode(blob) else { return nil }
            record.embeddings = embeddings
        }
        if let blob = fields["outputs"] {
            guard let outputs = GenerationJSON.decodeOutputs(blob) else { return nil }
            record.outputs = outputs
        }
        return record
    }

    private static func tracePairs(_ trace: TraceContext?) -> [(String, [UInt8])] {
        guard let trace else { return [] }
        return [("traceparent", Array(trace.traceparent.utf8))] + (trace.state.map { [("tracestate", Array($0.utf8))] } ?? [])
    }

    private static func ingestPairs(_ target: IngestTarget?) -> [(String, [UInt8])] {
        guard let target else { return [] }
        let ids = JSON.serialize(.array(target.ids.map { .string($0) }))
        let payloads = JSON.serialize(.array(target.payloads.map { payload in
            .object(JSONObject(payload.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) }))
        }))
        return [("ingest_ids", ids), ("ingest_payloads", payloads)]
    }

    private static func decodeIngest(ids: [UInt8], payloads: [UInt8]?) -> IngestTarget? {
        guard let ids = decodeTexts(ids), let payloads, let values = (try? JSON.parse(payloads))?.arrayValue,
              values.count == ids.count else { return nil }
        var out: [[String: String]] = []
        for value in values {
            guard let object = value.objectValue else { return nil }
            var payload: [String: String] = [:]
            for (k, v) in object.fields {
                guard let s = v.stringValue else { return nil }
                payload[k] = s
            }
            out.append(payload)
        }
        return IngestTarget(ids: ids, payloads: out)
    }

    private static func decodeTexts(_ bytes: [UInt8]) -> [String]? {
        guard let values = (try? JSON.parse(bytes))?.arrayValue else { return nil }
        let texts = values.compactMap(\.stringValue)
        return texts.count == values.count ? texts : nil
    }
}
