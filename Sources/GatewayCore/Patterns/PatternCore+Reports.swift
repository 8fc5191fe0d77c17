/// The status documents of spec §3 as values: REST encodes them as its JSON bodies, GraphQL
/// resolves its `patternStatus` and `queueStatus` from them, so both report the same numbers.

public struct PatternSummary: Sendable, Equatable {
    public var pattern: IntegrationPattern
    public var models: [String]
    /// real_time only.
    public var activeRequests = 0
    /// hybrid only.
    public var realTimeRequests = 0
    public var bulkRequests = 0
    /// bulk_only only: the queue counts of its models.
    public var queue = QueueCounts()
    /// Percent, 0–100; 100 when nothing has run.
    public var successRate: Double = 100
    /// real_time and hybrid.
    public var averageResponseMs: Double = 0
    /// bulk_only.
    public var averageBatchProcessingMs: Double = 0
}

public struct EndpointReport: Sendable, Equatable {
    public var url: String
    /// "closed", "open" or "half_open".
    public var state: String
    public var failureCount: Int
    public var inFlight: Int
    public var secondsUntilProbe: Double?
    /// The active health check's view; nil when checks are off for the model.
    public var healthCheck: HealthCheck.Snapshot?

    /// In rotation: its health checks pass (or are off).
    public var healthy: Bool { healthCheck.map { $0.status == .healthy } ?? true }
}

public struct BreakerReport: Sendable, Equatable {
    public var model: String
    public var state: String
    public var failureCount: Int
    public var endpoints: [EndpointReport]
    /// Some endpoint passes its health checks and has a breaker that is not open.
    public var upstreamOK: Bool
}

public struct PatternsStatusReport: Sendable, Equatable {
    /// real_time, hybrid, bulk_only.
    public var patterns: [PatternSummary]
    /// Every model, in configuration order.
    public var breakers: [BreakerReport]
}

public struct QueueStatusReport: Sendable {
    public var total: QueueCounts
    public var averageProcessingSeconds: Double
    public var itemsPerMinute: Double
    /// Percent of finished jobs that completed; 100 when none has finished.
    public var successRate: Double
    /// Every bulk_only and hybrid model, in configuration order.
    public var models: [(model: String, counts: QueueCounts)]

    public var totalJobs: Int { total.pending + total.processing + total.completed + total.failed }
}

/// Equal reports encode the same, so a front-end may reuse what it made of the previous one.
extension QueueStatusReport: Equatable {
    public static func == (a: QueueStatusReport, b: QueueStatusReport) -> Bool {
        a.total == b.total && a.averageProcessingSeconds == b.averageProcessingSeconds && a.itemsPerMinute == b.itemsPerMinute
            && a.successRate == b.successRate && a.models.count == b.models.count
            && zip(a.models, b.models).allSatisfy { $0.model == $1.model && $0.counts == $1.counts }
    }
}

extension PatternCore {
    public func patternsStatus() async -> PatternsStatusReport {
        // Dashboards poll this: read the registry in place rather than copying its configs.
        let models = configuration.registry.models
        var summaries: [PatternSummary] = []
        summaries.reserveCapacity(IntegrationPattern.allCases.count)
        for pattern in IntegrationPattern.allCases {
            var names: [String] = []
            for i in models.indices where models[i].pattern == pattern { names.append(models[i].name) }
            var s = PatternSummary(pattern: pattern, models: names)
            var requests = 0, errors = 0, batches = 0
            var seconds = 0.0
            for name in names {
                guard let snap = stats(for: name) else { continue }
                requests += snap.requests
                errors += snap.errors
                switch pattern {
                case .realTime:
                    s.activeRequests += snap.activeRequests
                case .hybrid:
                    s.realTimeRequests += snap.realTimeRequests
                    s.bulkRequests += snap.bulkRequests
                case .bulkOnly:
                    batches += snap.batchesProcessed
                    seconds += snap.batchSecondsTotal
                }
            }
            if pattern == .bulkOnly {
                for name in names { s.queue += await queue.counts(model: name) }
                s.averageBatchProcessingMs = batches == 0 ? 0 : seconds / Double(batches) * 1000
            }
            s.successRate = requests == 0 ? 100 : Double(requests - errors) / Double(requests) * 100
            if pattern != .bulkOnly { s.averageResponseMs = averageLatency(names) }
            summaries.append(s)
        }
        var breakers: [BreakerReport] = []
        breakers.reserveCapacity(models.count)
        for i in models.indices {
            let name = models[i].name
            let reports = endpointReports(for: name)
            var failures = 0
            var anyClosed = false, anyHalfOpen = false
            for r in reports {
                failures += r.failureCount
                if r.state == "closed" { anyClosed = true } else if r.state == "half_open" { anyHalfOpen = true }
            }
            // overallBreakerState without the array of names.
            let state = reports.isEmpty || anyClosed ? "closed" : anyHalfOpen ? "half_open" : "open"
            let upstreamOK = reports.contains { $0.healthy && $0.state != "open" }
            breakers.append(BreakerReport(model: name, state: state, failureCount: failures, endpoints: reports,
                                          upstreamOK: upstreamOK))
        }
        return PatternsStatusReport(patterns: summaries, breakers: breakers)
    }

    /// The model's replicas and their breakers, in configuration order.
    public func endpointReports(for model: String) -> [EndpointReport] {
        pool.endpoints(for: model).map { e in
            let snap = e.breaker.snapshot()
            return EndpointReport(url: e.url, state: snap.stateName, failureCount: snap.failureCount,
                                  inFlight: e.inFlight, secondsUntilProbe: snap.secondsUntilProbe,
                                  healthCheck: e.health.settings.enabled ? e.health.snapshot : nil)
        }
    }

    /// Every bulk_only and hybrid model, and a real-time model while it holds jobs (lines of a
    /// batch of requests).
    public func queueStatus() async -> QueueStatusReport {
        var total = QueueCounts()
        var perModel: [(model: String, counts: QueueCounts)] = []
        var queued: [ModelConfig] = []
        for m in configuration.registry.models {
            let c = await queue.counts(model: m.name)
            guard m.pattern != .realTime || c != QueueCounts() else { continue }
            queued.append(m)
            perModel.append((m.name, c))
            total += c
        }
        let snaps = queued.compactMap { stats(for: $0.name) }
        let batches = snaps.reduce(0) { $0 + $1.batchesProcessed }
        let seconds = snaps.reduce(0) { $0 + $1.batchSecondsTotal }
        let items = snaps.reduce(0) { $0 + $1.itemsProcessed }
        let minutes = max(1.0 / 60, uptimeSeconds / 60)
        let finished = total.completed + total.failed
        return QueueStatusReport(
            total: total, averageProcessingSeconds: batches == 0 ? 0 : seconds / Double(batches),
            itemsPerMinute: Double(items) / minutes,
            successRate: finished == 0 ? 100 : Double(total.completed) / Double(finished) * 100, models: perModel)
    }

    /// The request-weighted mean latency of the models' recent windows.
    func averageLatency(_ models: [String]) -> Double {
        var sum = 0.0
        var n = 0
        for name in models {
            guard let window = latency(for: name) else { continue }
            let (average, count) = window.averageAndCount()
            guard count > 0 else { continue }
            sum += average * Double(count)
            n += count
        }
        return n == 0 ? 0 : sum / Double(n)
    }
}

public struct ModelHealthReport: Sendable {
    public var model: String
    /// False while no endpoint both passes its health checks and has a breaker that is not open.
    public var upstreamOK: Bool
    /// False while the vector store does not answer.
    public var storeOK: Bool
}

extension PatternCore {
    /// Every model's upstream and store, in configuration order. The store is one for all
    /// models, so it is asked once.
    public func health() async -> [ModelHealthReport] {
        let storeOK = await vectorStore.isReachable()
        return configuration.registry.models.map {
            ModelHealthReport(model: $0.name, upstreamOK: isServing(model: $0.name), storeOK: storeOK)
        }
    }
}
