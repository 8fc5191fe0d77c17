import GatewayCore
import JSON

/// The status and metrics documents of spec §3, read from the core's live state.
enum StatusEncoders {
    static func patternsStatus(_ core: PatternCore) async -> [UInt8] {
        let registry = core.configuration.registry
        var w = JSONWriter()
        w.beginObject()
        w.key("patterns")
        w.beginObject()
        for pattern in IntegrationPattern.allCases {
            let models = registry.models(with: pattern)
            let snaps = models.compactMap { core.stats(for: $0.name) }
            let requests = snaps.reduce(0) { $0 + $1.requests }
            let errors = snaps.reduce(0) { $0 + $1.errors }
            w.key(pattern.rawValue)
            w.beginObject()
            w.key("models")
            w.beginArray()
            for m in models { w.string(m.name) }
            w.endArray()
            switch pattern {
            case .realTime:
                w.key("active_requests"); w.number(snaps.reduce(0) { $0 + $1.activeRequests })
            case .hybrid:
                w.key("real_time_requests"); w.number(snaps.reduce(0) { $0 + $1.realTimeRequests })
                w.key("bulk_requests"); w.number(snaps.reduce(0) { $0 + $1.bulkRequests })
            case .bulkOnly:
                var c = QueueCounts()
                for m in models {
                    c += await core.queue.counts(model: m.name)
                }
                w.key("queued_batches"); w.number(c.pending)
                w.key("processing_batches"); w.number(c.processing)
                w.key("completed_batches"); w.number(c.completed)
            }
            w.key("success_rate"); w.number(ExternalEncoders.rounded(requests == 0 ? 100 : Double(requests - errors) / Double(requests) * 100))
            if pattern == .bulkOnly {
                let batches = snaps.reduce(0) { $0 + $1.batchesProcessed }
                let seconds = snaps.reduce(0) { $0 + $1.batchSecondsTotal }
                w.key("avg_batch_processing_time_ms"); w.number(ExternalEncoders.rounded(batches == 0 ? 0 : seconds / Double(batches) * 1000))
            } else {
                w.key("avg_response_time_ms"); w.number(ExternalEncoders.rounded(averageLatency(core, models)))
            }
            w.endObject()
        }
        w.endObject()
        w.key("circuit_breakers")
        w.beginObject()
        for m in registry.models {
            let endpoints = core.pool.endpoints(for: m.name)
            let snaps = endpoints.map { $0.breaker.snapshot() }
            let states = snaps.map(\.stateName)
            w.key(m.name)
            w.beginObject()
            w.key("status"); w.string(PatternCore.overallBreakerState(states))
            w.key("failure_count"); w.number(snaps.reduce(0) { $0 + $1.failureCount })
            w.key("endpoints")
            w.beginArray()
            for (e, s) in zip(endpoints, snaps) {
                w.beginObject()
                w.key("url"); w.string(e.url)
                w.key("status"); w.string(s.stateName)
                w.key("failure_count"); w.number(s.failureCount)
                w.key("in_flight"); w.number(e.inFlight)
                w.key("next_probe_in_seconds")
                if let n = s.secondsUntilProbe { w.number(ExternalEncoders.rounded(n)) } else { w.null() }
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
        let queued = core.configuration.registry.models.filter { $0.pattern != .realTime }
        var total = QueueCounts()
        var perModel: [(String, QueueCounts)] = []
        for m in queued {
            let c = await core.queue.counts(model: m.name)
            perModel.append((m.name, c))
            total += c
        }
        let snaps = queued.compactMap { core.stats(for: $0.name) }
        let batches = snaps.reduce(0) { $0 + $1.batchesProcessed }
        let seconds = snaps.reduce(0) { $0 + $1.batchSecondsTotal }
        let items = snaps.reduce(0) { $0 + $1.itemsProcessed }
        let minutes = max(1.0 / 60, core.uptimeSeconds / 60)
        var w = JSONWriter()
        w.beginObject()
        w.key("queue_status")
        w.beginObject()
        w.key("total_jobs"); w.number(total.pending + total.processing + total.completed + total.failed)
        w.key("pending_jobs"); w.number(total.pending)
        w.key("processing_jobs"); w.number(total.processing)
        w.key("completed_jobs"); w.number(total.completed)
        w.key("failed_jobs"); w.number(total.failed)
        w.endObject()
        w.key("processing_stats")
        w.beginObject()
        w.key("avg_processing_time_seconds"); w.number(ExternalEncoders.rounded(batches == 0 ? 0 : seconds / Double(batches)))
        w.key("items_per_minute"); w.number(ExternalEncoders.rounded(Double(items) / minutes))
        let finished = total.completed + total.failed
        w.key("success_rate"); w.number(ExternalEncoders.rounded(finished == 0 ? 100 : Double(total.completed) / Double(finished) * 100))
        w.endObject()
        w.key("model_queues")
        w.beginObject()
        for (name, c) in perModel {
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
            let p = core.latency(for: m.name)?.percentiles() ?? (p50: 0, p95: 0, p99: 0)
            w.key(m.name)
            w.beginObject()
            w.key("pattern"); w.string(m.pattern.rawValue)
            w.key("requests"); w.number(s.requests)
            w.key("errors"); w.number(s.errors)
            w.key("p50_ms"); w.number(ExternalEncoders.rounded(p.p50))
            w.key("p95_ms"); w.number(ExternalEncoders.rounded(p.p95))
            w.key("p99_ms"); w.number(ExternalEncoders.rounded(p.p99))
            w.key("cache_hits"); w.number(s.cacheHits)
            w.key("cache_misses"); w.number(s.cacheMisses)
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.bytes
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

    private static func averageLatency(_ core: PatternCore, _ models: [ModelConfig]) -> Double {
        var sum = 0.0
        var n = 0
        for m in models {
            guard let window = core.latency(for: m.name), window.count > 0 else { continue }
            sum += window.average() * Double(window.count)
            n += window.count
        }
        return n == 0 ? 0 : sum / Double(n)
    }
}
