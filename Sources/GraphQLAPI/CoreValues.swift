import GatewayCore
import JSON

/// The core's answers as the JSON trees the schema's types read (field names in camelCase, enum
/// values in upper case). Numbers are rounded as REST rounds them, so both report the same data.
enum CoreValues {
    static func int(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }

    static func double(_ v: Double) -> JSONValue {
        JSONNumber((v * 1000).rounded() / 1000).map(JSONValue.number) ?? .null
    }

    static func float(_ v: Float) -> JSONValue { JSONNumber(v).map(JSONValue.number) ?? .null }

    static func floats(_ v: [Float]) -> JSONValue { .array(v.map(float)) }

    static func string(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }

    static func enumValue(_ lowercase: String) -> JSONValue { .string(lowercase.uppercased()) }

    static func pattern(_ p: IntegrationPattern) -> JSONValue { enumValue(p.rawValue) }

    static func stringMap(_ d: [String: String]) -> JSONValue {
        .object(JSONObject(d.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) }))
    }

    static func completed(_ c: CompletedEmbedding, single: Bool) -> JSONValue {
        .object([
            "__typename": "Embedding",
            "model": .string(c.model),
            "pattern": pattern(c.pattern),
            "processingMode": "REAL_TIME",
            "embedding": single ? floats(c.vectors[0]) : .null,
            "embeddings": single ? .null : .array(c.vectors.map(floats)),
            "processingTimeMs": double(c.processingTimeMs),
            "cached": .bool(c.cached),
            "endpoint": .string(c.endpoint),
            "metadata": .object([
                "patternType": pattern(c.pattern), "urgent": .bool(c.urgent),
                "processedAt": .string(c.processedAt.rfc3339), "queuedAt": .null, "batchSize": .null,
            ]),
        ])
    }

    static func queued(_ q: QueuedEmbedding) -> JSONValue {
        .object([
            "__typename": "QueuedJob",
            "model": .string(q.model),
            "pattern": pattern(q.pattern),
            "processingMode": "BULK",
            "status": "QUEUED",
            "batchId": .string(q.batchID),
            "itemsCount": int(q.itemsCount),
            "queuePosition": int(q.queuePosition),
            "estimatedCompletion": .string(q.estimatedCompletion.rfc3339),
            "degraded": .bool(q.degraded),
            "metadata": .object([
                "patternType": pattern(q.pattern), "urgent": .bool(q.urgent), "processedAt": .null,
                "queuedAt": .string(q.queuedAt.rfc3339), "batchSize": int(q.itemsCount),
            ]),
        ])
    }

    static func batch(_ r: BatchRecord) -> JSONValue {
        .object([
            "batchId": .string(r.job.id),
            "model": .string(r.job.model),
            "status": enumValue(r.state.rawValue),
            "itemsCount": int(r.job.texts.count),
            "completedItems": int(r.completedItems),
            "embeddings": r.state == .completed ? (r.embeddings.map { .array($0.map(floats)) } ?? .null) : .null,
            "error": r.state == .failed ? .string(r.error ?? "failed") : .null,
            "attempts": int(r.attempts),
            "queuedAt": .string(r.job.queuedAt.rfc3339),
            "completedAt": string(r.completedAt?.rfc3339),
        ])
    }

    static func search(_ s: SearchOutcome) -> JSONValue {
        .object([
            "model": .string(s.model),
            "results": .array(s.results.map { p in
                .object(["id": .string(p.id), "score": float(p.score), "payload": stringMap(p.payload)])
            }),
            "cached": .bool(s.cached),
            "tookMs": double(s.tookMs),
        ])
    }

    static func ingest(_ o: IngestOutcome) -> JSONValue {
        .object(["status": "ok", "model": .string(o.model), "ingested": int(o.ingested), "ids": .array(o.ids.map(JSONValue.string))])
    }

    static func failover(_ r: FailoverReport) -> JSONValue {
        .object([
            "model": .string(r.model),
            "steps": .array(r.steps.map { .object(["state": enumValue($0.state), "at": .string($0.at.rfc3339)]) }),
            "fastFailMs": double(r.fastFailMs),
            "recovered": .bool(r.recovered),
        ])
    }

    static func endpoint(_ e: EndpointReport) -> JSONValue {
        .object(["url": .string(e.url), "status": enumValue(e.state), "failureCount": int(e.failureCount)])
    }

    static func patternsStatus(_ r: PatternsStatusReport) -> JSONValue {
        var object = JSONObject()
        for s in r.patterns {
            var p: JSONObject = ["models": .array(s.models.map(JSONValue.string))]
            switch s.pattern {
            case .realTime:
                p.set("activeRequests", int(s.activeRequests))
            case .hybrid:
                p.set("realTimeRequests", int(s.realTimeRequests))
                p.set("bulkRequests", int(s.bulkRequests))
            case .bulkOnly:
                p.set("queuedBatches", int(s.queue.pending))
                p.set("processingBatches", int(s.queue.processing))
                p.set("completedBatches", int(s.queue.completed))
                p.set("avgBatchProcessingTimeMs", double(s.averageBatchProcessingMs))
            }
            p.set("successRate", double(s.successRate))
            p.set("avgResponseTimeMs", double(s.averageResponseMs))
            let key = switch s.pattern {
            case .realTime: "realTime"
            case .hybrid: "hybrid"
            case .bulkOnly: "bulkOnly"
            }
            object.set(key, .object(p))
        }
        object.set("circuitBreakers", .array(r.breakers.map { b in
            .object([
                "model": .string(b.model), "status": enumValue(b.state), "failureCount": int(b.failureCount),
                "endpoints": .array(b.endpoints.map(endpoint)),
            ])
        }))
        return .object(object)
    }

    static func queueStatus(_ r: QueueStatusReport) -> JSONValue {
        .object([
            "totalJobs": int(r.totalJobs),
            "pendingJobs": int(r.total.pending),
            "processingJobs": int(r.total.processing),
            "completedJobs": int(r.total.completed),
            "failedJobs": int(r.total.failed),
            "processingStats": .object([
                "avgProcessingTimeSeconds": double(r.averageProcessingSeconds),
                "itemsPerMinute": double(r.itemsPerMinute),
                "successRate": double(r.successRate),
            ]),
            "modelQueues": .array(r.models.map { m in
                .object(["model": .string(m.model), "pending": int(m.counts.pending), "processing": int(m.counts.processing)])
            }),
        ])
    }

    static func health(_ models: [ModelHealthReport]) -> JSONValue {
        let ok = models.allSatisfy { $0.upstreamOK && $0.storeOK }
        return .object([
            "status": ok ? "OK" : "DEGRADED",
            "models": .array(models.map { m in
                .object(["model": .string(m.model), "upstream": m.upstreamOK ? "OK" : "DOWN", "store": m.storeOK ? "OK" : "DOWN"])
            }),
        ])
    }

    static func model(_ m: ModelConfig, status: ModelStatusReport, endpoints: [EndpointReport], points: Int) -> JSONValue {
        .object([
            "name": .string(m.name),
            "pattern": pattern(m.pattern),
            "dialect": enumValue(m.dialect.rawValue),
            "vectorSize": int(m.vectorSize),
            "batchSize": int(m.batchSize),
            "cacheTtl": int(m.cacheTTL),
            "timeout": double(m.timeout),
            "endpoints": .array(endpoints.map(endpoint)),
            "breaker": enumValue(status.breakerState),
            "requests": int(status.requests),
            "successRate": double(status.successRate),
            "avgResponseTimeMs": double(status.averageResponseMs),
            "queueDepth": int(status.queueDepth),
            "cacheHitRatio": double(status.cacheHitRatio),
            "points": int(points),
        ])
    }
}
