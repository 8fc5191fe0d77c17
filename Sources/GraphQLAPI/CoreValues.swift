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

    static func enumValue(_ lowercase: String) -> JSONValue {
        // The breaker states come by on every status request: spare them the Unicode case mapping.
        switch lowercase {
        case "closed": "CLOSED"
        case "open": "OPEN"
        case "half_open": "HALF_OPEN"
        default: .string(lowercase.uppercased())
        }
    }

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
            "itemsCount": int(r.job.itemsCount),
            "completedItems": int(r.completedItems),
            "embeddings": r.state == .completed ? (r.embeddings.map { .array($0.map(floats)) } ?? .null) : .null,
            "outputs": r.state == .completed ? (r.outputs.map { .array($0.map { output(r, $0) }) } ?? .null) : .null,
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
        .object(JSONObject([
            (key: "url", value: .string(e.url)), (key: "status", value: enumValue(e.state)),
            (key: "failureCount", value: int(e.failureCount)),
        ]))
    }

    // The status documents are what dashboards poll: built as member arrays (one allocation
    // per object, where a dictionary literal makes two) in the order they are read.

    static func patternsStatus(_ r: PatternsStatusReport) -> JSONValue {
        var object = JSONObject()
        object.fields.reserveCapacity(r.patterns.count + 1)
        for s in r.patterns {
            var p = JSONObject()
            p.fields.reserveCapacity(6)
            p.fields.append((key: "models", value: .array(s.models.map(JSONValue.string))))
            switch s.pattern {
            case .realTime:
                p.fields.append((key: "activeRequests", value: int(s.activeRequests)))
            case .hybrid:
                p.fields.append((key: "realTimeRequests", value: int(s.realTimeRequests)))
                p.fields.append((key: "bulkRequests", value: int(s.bulkRequests)))
            case .bulkOnly:
                p.fields.append((key: "queuedBatches", value: int(s.queue.pending)))
                p.fields.append((key: "processingBatches", value: int(s.queue.processing)))
                p.fields.append((key: "completedBatches", value: int(s.queue.completed)))
                p.fields.append((key: "avgBatchProcessingTimeMs", value: double(s.averageBatchProcessingMs)))
            }
            p.fields.append((key: "successRate", value: double(s.successRate)))
            p.fields.append((key: "avgResponseTimeMs", value: double(s.averageResponseMs)))
            let key = switch s.pattern {
            case .realTime: "realTime"
            case .hybrid: "hybrid"
            case .bulkOnly: "bulkOnly"
            }
            object.set(key, .object(p))
        }
        var breakers: [JSONValue] = []
        breakers.reserveCapacity(r.breakers.count)
        for b in r.breakers {
            breakers.append(.object(JSONObject([
                (key: "model", value: .string(b.model)), (key: "status", value: enumValue(b.state)),
                (key: "failureCount", value: int(b.failureCount)),
                (key: "endpoints", value: .array(b.endpoints.map(endpoint))),
            ])))
        }
        object.set("circuitBreakers", .array(breakers))
        return .object(object)
    }

    /// `PatternStatus.models`: what the dashboard page shows per model.
    static func modelStatuses(_ reports: [ModelStatusReport]) -> JSONValue {
        .array(reports.map { m in
            .object(JSONObject([
                (key: "name", value: .string(m.name)), (key: "pattern", value: pattern(m.pattern)),
                (key: "health", value: enumValue(m.health.rawValue)), (key: "breaker", value: enumValue(m.breakerState)),
                (key: "queueDepth", value: int(m.queueDepth)), (key: "tokensPerSecond", value: double(m.tokensPerSecond)),
                (key: "cacheHitRatio", value: double(m.cacheHitRatio)),
                (key: "avgResponseTimeMs", value: double(m.averageResponseMs)),
                (key: "requests", value: int(m.requests)), (key: "successRate", value: double(m.successRate)),
            ]))
        })
    }

    static func queueStatus(_ r: QueueStatusReport) -> JSONValue {
        var models: [JSONValue] = []
        models.reserveCapacity(r.models.count)
        for m in r.models {
            models.append(.object(JSONObject([
                (key: "model", value: .string(m.model)), (key: "pending", value: int(m.counts.pending)),
                (key: "processing", value: int(m.counts.processing)),
            ])))
        }
        return .object(JSONObject([
            (key: "totalJobs", value: int(r.totalJobs)),
            (key: "pendingJobs", value: int(r.total.pending)),
            (key: "processingJobs", value: int(r.total.processing)),
            (key: "completedJobs", value: int(r.total.completed)),
            (key: "failedJobs", value: int(r.total.failed)),
            (key: "processingStats", value: .object(JSONObject([
                (key: "avgProcessingTimeSeconds", value: double(r.averageProcessingSeconds)),
                (key: "itemsPerMinute", value: double(r.itemsPerMinute)),
                (key: "successRate", value: double(r.successRate)),
            ]))),
            (key: "modelQueues", value: .array(models)),
        ]))
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
