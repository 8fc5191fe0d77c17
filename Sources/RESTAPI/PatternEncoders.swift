import GatewayCore
import JSON

/// The vector status pages' documents, written straight to bytes.
enum PatternEncoders {
    static func status(_ r: VectorPatternsReport) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("store"); w.string(r.store)
        if let bytes = r.memoryBytes { w.key("memory_bytes"); w.number(bytes) }
        w.key("models")
        w.beginObject()
        for m in r.models {
            w.key(m.model.name)
            w.beginObject()
            w.key("pattern"); w.string(m.model.pattern.rawValue)
            w.key("vector_size"); w.number(m.model.vectorSize)
            w.key("points")
            if let points = m.points { w.number(points) } else { w.null() }
            w.key("breaker"); w.string(m.breaker)
            w.key("upstream"); w.string(m.upstreamOK ? "ok" : "down")
            w.key("endpoints_in_rotation"); w.number(m.endpointsInRotation)
            w.key("endpoints"); w.number(m.endpointCount)
            w.key("cache_hit_ratio"); w.number(ExternalEncoders.rounded(m.cacheHitRatio))
            w.key("tokens_per_second"); w.number(ExternalEncoders.rounded(m.tokensPerSecond))
            if let bytes = m.memoryBytes { w.key("memory_bytes"); w.number(bytes) }
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    static func health(_ reports: [ModelHealthReport], ok: Bool) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("status"); w.string(ok ? "ok" : "degraded")
        w.key("models")
        w.beginObject()
        for r in reports {
            w.key(r.model)
            w.beginObject()
            w.key("upstream"); w.string(r.upstreamOK ? "ok" : "down")
            w.key("store"); w.string(r.storeOK ? "ok" : "down")
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    static func metrics(_ core: PatternCore) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("models")
        w.beginObject()
        for m in core.configuration.registry.models {
            guard let stats = core.vectorStats(for: m.name) else { continue }
            w.key(m.name)
            w.beginObject()
            for op in VectorOperation.allCases {
                let s = stats.operation(op)
                w.key(op.rawValue)
                StatusEncoders.metricFields(&w, requests: s.snapshot.requests, errors: s.snapshot.errors,
                                            latency: s.latency, cacheHits: s.snapshot.cacheHits,
                                            cacheMisses: s.snapshot.cacheMisses)
            }
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    static func selfTest(_ results: [ModelSelfTest]) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("models")
        w.beginObject()
        for r in results {
            w.key(r.model)
            w.beginObject()
            w.key("health"); w.bool(r.health)
            w.key("embed"); w.bool(r.embed)
            w.key("search"); w.bool(r.search)
            w.key("latency_ms"); w.number(ExternalEncoders.rounded(r.latencyMs))
            if let e = r.error { w.key("error"); w.string(e) }
            w.endObject()
        }
        w.endObject()
        let passed = results.filter(\.passed).count
        w.key("passed"); w.number(passed)
        w.key("failed"); w.number(results.count - passed)
        w.endObject()
        return w.bytes
    }

    /// The effective settings: defaults, then the YAML file, then the environment. `upstreams`
    /// tells a reader whether the vectors are a model's: `configured` (endpoints from the file or the
    /// environment), `simulated` (started beside the built-in simulator) or `default` (neither).
    static func optimizations(_ core: PatternCore) -> [UInt8] {
        let c = core.configuration
        var w = JSONWriter()
        w.beginObject()
        w.key("models")
        w.beginObject()
        for m in c.registry.models {
            w.key(m.name)
            w.beginObject()
            w.key("pattern"); w.string(m.pattern.rawValue)
            w.key("vector_size"); w.number(m.vectorSize)
            w.key("batch_size"); w.number(c.effectiveBatchSize(m))
            w.key("cache_ttl"); w.number(m.cacheTTL)
            w.key("timeout"); w.number(m.timeout)
            w.key("index")
            w.beginObject()
            w.key("m"); w.number(m.indexM)
            w.key("ef_construct"); w.number(m.indexEfConstruct)
            w.key("index_threshold"); w.number(m.indexThreshold)
            w.key("ef"); w.number(m.searchEf)
            // The embedded store's graph: null below the threshold (and with Qdrant).
            w.key("graph")
            if let g = core.graphStatus(model: m.name) {
                w.beginObject()
                w.key("state"); w.string(g.state)
                w.key("indexed_points"); w.number(g.indexedPoints)
                w.key("pending_points"); w.number(g.pendingPoints)
                w.key("nodes"); w.number(g.nodes)
                w.key("tombstones"); w.number(g.tombstones)
                w.key("compactions"); w.number(g.compactions)
                w.key("memory_bytes"); w.number(g.memoryBytes)
                w.key("rebuild_reason")
                if let r = g.rebuildReason { w.string(r) } else { w.null() }
                w.endObject()
            } else {
                w.null()
            }
            w.endObject()
            w.key("endpoints")
            w.beginArray()
            for e in m.endpoints { w.string(e) }
            w.endArray()
            w.key("dialect"); w.string(m.dialect.rawValue)
            w.key("retry_on"); w.string(m.retry.description)
            w.key("retriable_status_codes")
            w.beginArray()
            for code in m.retry.retriableStatusCodes.sorted() { w.number(code) }
            w.endArray()
            w.key("retry_attempts"); w.number(m.retry.maxRetries)
            w.key("health_check")
            w.beginObject()
            w.key("interval"); w.number(m.healthCheck.interval)
            w.key("timeout"); w.number(m.healthCheck.timeout)
            w.key("unhealthy_threshold"); w.number(m.healthCheck.unhealthyThreshold)
            w.key("healthy_threshold"); w.number(m.healthCheck.healthyThreshold)
            w.endObject()
            w.endObject()
        }
        w.endObject()
        w.key("settings")
        w.beginObject()
        w.key("hybrid_urgent_threshold"); w.number(c.hybridUrgentThreshold)
        w.key("bulk_batch_size"); w.number(c.bulkBatchSize)
        w.key("bulk_processing_interval"); w.number(c.bulkProcessingInterval)
        w.key("retry_attempts"); w.number(c.retryAttempts)
        w.key("circuit_breaker_threshold"); w.number(c.circuitBreakerThreshold)
        w.key("breaker_cooldown"); w.number(c.breakerCooldown)
        w.key("queue_limit"); w.number(c.queueLimit)
        w.key("queue"); w.string(c.redisURL == nil ? "embedded" : "redis")
        w.key("vector_store"); w.string(core.vectorStoreKind)
        w.key("upstreams"); w.string(c.simulatedUpstreams ? "simulated" : c.endpointsConfigured ? "configured" : "default")
        w.endObject()
        w.endObject()
        return w.bytes
    }
}
