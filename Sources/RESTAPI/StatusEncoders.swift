import GatewayCore
import JSON

/// The status and metrics documents of spec §3, read from the core's live state.
enum StatusEncoders {
    static func patternsStatus(_ core: PatternCore) async -> [UInt8] {
        let report = await core.patternsStatus()
        var w = JSONWriter()
        w.beginObject()
        w.key("patterns")
        w.beginObject()
        for s in report.patterns {
            w.key(s.pattern.rawValue)
            w.beginObject()
            w.key("models")
            w.beginArray()
            for m in s.models { w.string(m) }
            w.endArray()
            switch s.pattern {
            case .realTime:
                w.key("active_requests"); w.number(s.activeRequests)
            case .hybrid:
                w.key("real_time_requests"); w.number(s.realTimeRequests)
                w.key("bulk_requests"); w.number(s.bulkRequests)
            case .bulkOnly:
                w.key("queued_batches"); w.number(s.queue.pending)
                w.key("processing_batches"); w.number(s.queue.processing)
                w.key("completed_batches"); w.number(s.queue.completed)
            }
            w.key("success_rate"); w.number(ExternalEncoders.rounded(s.successRate))
            if s.pattern == .bulkOnly {
                w.key("avg_batch_processing_time_ms"); w.number(ExternalEncoders.rounded(s.averageBatchProcessingMs))
            } else {
                w.key("avg_response_time_ms"); w.number(ExternalEncoders.rounded(s.averageResponseMs))
            }
            w.endObject()
        }
        w.endObject()
        w.key("circuit_breakers")
        w.beginObject()
        for b in report.breakers {
            w.key(b.model)
            w.beginObject()
            w.key("status"); w.string(b.state)
            w.key("failure_count"); w.number(b.failureCount)
            w.key("upstream"); w.string(b.upstreamOK ? "ok" : "down")
            w.key("endpoints")
            w.beginArray()
            for e in b.endpoints {
                w.beginObject()
                w.key("url"); w.string(e.url)
                w.key("status"); w.string(e.state)
                w.key("failure_count"); w.number(e.failureCount)
                w.key("in_flight"); w.number(e.inFlight)
                w.key("next_probe_in_seconds")
                if let n = e.secondsUntilProbe { w.number(ExternalEncoders.rounded(n)) } else { w.null() }
                w.key("healthy"); w.bool(e.healthy)
                w.key("health_check")
                if let h = e.healthCheck {
                    w.beginObject()
                    w.key("status"); w.string(h.status.rawValue)
                    w.key("streak"); w.number(h.streak)
                    w.key("probes"); w.number(h.probes)
                    w.key("last_failure")
                    if let f = h.lastFailure { w.string(f) } else { w.null() }
                    w.endObject()
                } else {
                    w.null()
                }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    static func queueStatus(_ core: PatternCore) async -> [UInt8] {
        let report = await core.queueStatus()
        let total = report.total
        var w = JSONWriter()
        w.beginObject()
        w.key("queue_status")
        w.beginObject()
        w.key("total_jobs"); w.number(report.totalJobs)
        w.key("pending_jobs"); w.number(total.pending)
        w.key("processing_jobs"); w.number(total.processing)
        w.key("completed_jobs"); w.number(total.completed)
        w.key("failed_jobs"); w.number(total.failed)
        w.endObject()
        w.key("processing_stats")
        w.beginObject()
        w.key("avg_processing_time_seconds"); w.number(ExternalEncoders.rounded(report.averageProcessingSeconds))
        w.key("items_per_minute"); w.number(ExternalEncoders.rounded(report.itemsPerMinute))
        w.key("success_rate"); w.number(ExternalEncoders.rounded(report.successRate))
        w.endObject()
        w.key("model_queues")
        w.beginObject()
        for (name, c) in report.models {
            w.key(name)
            w.beginObject()
            w.key("pending"); w.number(c.pending)
            w.key("processing"); w.number(c.processing)
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    static func patternMetrics(_ core: PatternCore) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("models")
        w.beginObject()
        for m in core.configuration.registry.models {
            let s = core.stats(for: m.name) ?? ModelStats.Snapshot()
            w.key(m.name)
            metricFields(&w, pattern: m.pattern.rawValue, requests: s.requests, errors: s.errors,
                         latency: core.latency(for: m.name), cacheHits: s.cacheHits, cacheMisses: s.cacheMisses,
                         generation: core.generationReport(model: m.name))
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// One metrics object; the external and the vector metrics pages share its keys.
    static func metricFields(_ w: inout JSONWriter, pattern: String? = nil, requests: Int, errors: Int,
                             latency: LatencyWindow?, cacheHits: Int, cacheMisses: Int,
                             generation: GenerationReport? = nil) {
        let p = latency?.percentiles() ?? (p50: 0, p95: 0, p99: 0)
        w.beginObject()
        if let pattern { w.key("pattern"); w.string(pattern) }
        w.key("requests"); w.number(requests)
        w.key("errors"); w.number(errors)
        w.key("p50_ms"); w.number(ExternalEncoders.rounded(p.p50))
        w.key("p95_ms"); w.number(ExternalEncoders.rounded(p.p95))
        w.key("p99_ms"); w.number(ExternalEncoders.rounded(p.p99))
        w.key("cache_hits"); w.number(cacheHits)
        w.key("cache_misses"); w.number(cacheMisses)
        if let g = generation {
            w.key("generation")
            w.beginObject()
            w.key("generations"); w.number(g.generations)
            w.key("prompt_tokens"); w.number(g.promptTokens)
            w.key("completion_tokens"); w.number(g.completionTokens)
            w.key("tokens_per_second"); w.number(ExternalEncoders.rounded(g.tokensPerSecond))
            w.endObject()
        }
        w.endObject()
    }

    static func failover(_ r: FailoverReport) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("model"); w.string(r.model)
        w.key("steps")
        w.beginArray()
        for s in r.steps {
            w.beginObject()
            w.key("state"); w.string(s.state)
            w.key("at"); w.string(s.at.rfc3339)
            w.endObject()
        }
        w.endArray()
        w.key("fast_fail_ms"); w.number(ExternalEncoders.rounded(r.fastFailMs))
        w.key("recovered"); w.bool(r.recovered)
        w.endObject()
        return w.bytes
    }
}
