/// Per-model status as structured values, for front-ends that do not speak the REST status
/// documents (gRPC `GetPatternStatus`, the health service, GraphQL).
public struct ModelStatusReport: Sendable, Equatable {
    public var name: String
    public var pattern: IntegrationPattern
    /// "closed" while any endpoint is closed, else "half_open" while any is, else "open".
    public var breakerState: String
    public var failureCount: Int
    public var requests: Int
    public var successRate: Double
    public var averageResponseMs: Double
    public var queueDepth: Int
    public var cacheHitRatio: Double
    public var health: UpstreamHealth
    /// Completion tokens per second of the model's generations since start.
    public var tokensPerSecond: Double
}

/// A model's upstream in one word, for pages that colour it (spec §9's checks and §1's breakers).
public enum UpstreamHealth: String, Sendable, Equatable {
    /// Every endpoint is in rotation with a closed breaker.
    case up
    /// It serves, but some endpoint is out of rotation or its breaker is not closed.
    case degraded
    /// It cannot serve (`PatternCore.isServing` is false).
    case down
}

extension PatternCore {
    public func modelStatus() async -> [ModelStatusReport] {
        var reports: [ModelStatusReport] = []
        for m in configuration.registry.models {
            reports.append(await modelStatus(m))
        }
        return reports
    }

    public func modelStatus(named name: String) async throws(GatewayError) -> ModelStatusReport {
        await modelStatus(try model(named: name))
    }

    /// A model serves while any of its endpoints both passes its active health checks and has a
    /// breaker that is not open (spec §5's health rule, with §9's checks).
    public func isServing(model name: String) -> Bool {
        pool.endpoints(for: name).contains { $0.health.inRotation && $0.breaker.state != .open }
    }

    /// A model's breaker as one word: "closed" while any endpoint is closed (or it has none),
    /// else "half_open" while any is, else "open".
    public static func overallBreakerState(_ endpointStates: [String]) -> String {
        if endpointStates.isEmpty || endpointStates.contains("closed") { return "closed" }
        return endpointStates.contains("half_open") ? "half_open" : "open"
    }

    public func modelStatus(_ m: ModelConfig) async -> ModelStatusReport {
        let endpoints = pool.endpoints(for: m.name)
        let snaps = endpoints.map { $0.breaker.snapshot() }
        let states = snaps.map(\.stateName)
        let s = stats(for: m.name) ?? ModelStats.Snapshot()
        let window = latency(for: m.name)
        let depth = m.pattern == .realTime ? 0 : await queue.counts(model: m.name).pending
        return ModelStatusReport(
            name: m.name, pattern: m.pattern, breakerState: Self.overallBreakerState(states),
            failureCount: snaps.reduce(0) { $0 + $1.failureCount }, requests: s.requests,
            successRate: s.successRate, averageResponseMs: window.map { $0.count > 0 ? $0.average() : 0 } ?? 0,
            queueDepth: depth, cacheHitRatio: s.cacheHitRatio,
            health: !isServing(model: m.name) ? .down
                : zip(endpoints, states).allSatisfy { $0.health.inRotation && $1 == "closed" } ? .up : .degraded,
            tokensPerSecond: generation.totals(for: m.name).tokensPerSecond)
    }
}
