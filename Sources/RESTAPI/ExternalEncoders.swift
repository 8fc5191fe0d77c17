import GatewayCore
import JSON

/// JSON bodies of the external API (spec §3), written straight to bytes.
enum ExternalEncoders {
    /// `vectors` is the answer's `embedding` / `embeddings` value, already encoded (see `vectorsJSON`).
    static func completed(_ c: CompletedEmbedding, single: Bool, vectors: [UInt8]) -> [UInt8] {
        var w = JSONWriter(capacity: 256 + vectors.count)
        w.beginObject()
        w.key(single ? "embedding" : "embeddings")
        w.raw(vectors)
        w.key("model"); w.string(c.model)
        w.key("pattern"); w.string(c.pattern.rawValue)
        w.key("processing_mode"); w.string("real_time")
        w.key("processing_time_ms"); w.milliseconds(c.processingTimeMs)
        w.key("cached"); w.bool(c.cached)
        w.key("endpoint"); w.string(c.endpoint)
        w.key("metadata")
        w.beginObject()
        w.key("pattern_type"); w.string(c.pattern.rawValue)
        w.key("urgent"); w.bool(c.urgent)
        w.key("processed_at"); w.string(c.processedAt.rfc3339)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// `[f, ...]` for one text, `[[f, ...], ...]` for several.
    static func vectorsJSON(_ vectors: [[Float]], single: Bool) -> [UInt8] {
        var w = JSONWriter(capacity: vectors.reduce(0) { $0 + $1.count * 12 } + 8)
        if single {
            floats(&w, vectors[0])
        } else {
            w.beginArray()
            for v in vectors { floats(&w, v) }
            w.endArray()
        }
        return w.bytes
    }

    /// `ids`: a queued texts ingest also says which points will land.
    static func queued(_ q: QueuedEmbedding, ids: [String]? = nil) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("status"); w.string("queued")
        w.key("model"); w.string(q.model)
        w.key("pattern"); w.string(q.pattern.rawValue)
        w.key("processing_mode"); w.string("bulk")
        w.key("batch_id"); w.string(q.batchID)
        w.key("items_count"); w.number(q.itemsCount)
        w.key("queue_position"); w.number(q.queuePosition)
        w.key("estimated_completion"); w.string(q.estimatedCompletion.rfc3339)
        w.key("degraded"); w.bool(q.degraded)
        w.key("metadata")
        w.beginObject()
        w.key("pattern_type"); w.string(q.pattern.rawValue)
        w.key("urgent"); w.bool(q.urgent)
        w.key("batch_size"); w.number(q.itemsCount)
        w.key("queued_at"); w.string(q.queuedAt.rfc3339)
        w.endObject()
        if let ids {
            w.key("ids")
            w.beginArray()
            for id in ids { w.string(id) }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }

    static func batch(_ r: BatchRecord) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("batch_id"); w.string(r.job.id)
        w.key("model"); w.string(r.job.model)
        w.key("status"); w.string(r.state.rawValue)
        w.key("items_count"); w.number(r.job.itemsCount)
        w.key("completed_items"); w.number(r.completedItems)
        if r.state == .completed, let e = r.embeddings, r.job.generation == nil {
            w.key("embeddings")
            w.beginArray()
            for v in e { floats(&w, v) }
            w.endArray()
        }
        if r.state == .completed, let outputs = r.outputs {
            w.key("outputs")
            w.beginArray()
            for o in outputs {
                w.beginObject()
                GenerationEncoders.fields(&w, o)
                w.endObject()
            }
            w.endArray()
        }
        if r.state == .failed {
            w.key("error"); w.string(r.error ?? "failed")
        }
        w.key("attempts"); w.number(r.attempts)
        w.key("degraded"); w.bool(r.job.degraded)
        w.key("queued_at"); w.string(r.job.queuedAt.rfc3339)
        w.key("completed_at")
        if let c = r.completedAt { w.string(c.rfc3339) } else { w.null() }
        w.endObject()
        return w.bytes
    }

    static func floats(_ w: inout JSONWriter, _ v: [Float]) {
        w.beginArray()
        for x in v { w.number(x) }
        w.endArray()
    }

    /// Three decimals: enough for milliseconds and percentages, and stable output.
    static func rounded(_ v: Double) -> Double {
        (v * 1000).rounded() / 1000
    }
}
