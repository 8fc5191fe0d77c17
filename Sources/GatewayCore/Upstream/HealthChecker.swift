/// Probes every model endpoint's health path on its own schedule (spec §9) and feeds the
/// outcomes to its `EndpointHealth`, so a dead server of an idle model leaves rotation, and shows
/// as down, without any traffic. Probes go outside the breakers and the call metrics: a health
/// check must not trip a breaker or count as a request.
/// Runs on: one child task per endpoint (global executor) under `run()`; never on an event loop.
public struct HealthChecker: Sendable {
    let pool: UpstreamPool
    let dialects: [String: UpstreamDialect]

    public init(pool: UpstreamPool, registry: ModelRegistry) {
        self.pool = pool
        self.dialects = Dictionary(uniqueKeysWithValues: registry.models.map { ($0.name, $0.dialect) })
    }

    /// Probes until the task is cancelled. Endpoints whose checks are off are left alone.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for (model, endpoints) in pool.modelEndpoints {
                let dialect = dialects[model] ?? .openai
                for endpoint in endpoints where endpoint.health.settings.enabled {
                    group.addTask { await self.watch(endpoint, dialect: dialect) }
                }
            }
        }
    }

    private func watch(_ endpoint: UpstreamEndpoint, dialect: UpstreamDialect) async {
        while !Task.isCancelled {
            if let wait = endpoint.health.waitBeforeProbe(), wait > .zero {
                do { try await Task.sleep(for: wait) } catch { return }
            }
            if !(await probeIfDue(endpoint, dialect: dialect)) {
                // Not due after all (the schedule moved): look again shortly rather than spin.
                do { try await Task.sleep(for: .milliseconds(50)) } catch { return }
            }
        }
    }

    /// One probe if the endpoint's schedule has one due; returns whether it ran.
    @discardableResult
    public func probeIfDue(_ endpoint: UpstreamEndpoint, dialect: UpstreamDialect) async -> Bool {
        guard endpoint.health.beginProbe() else { return false }
        let failure = await pool.healthProbe(endpoint, dialect: dialect, timeout: endpoint.health.settings.timeoutDuration)
        endpoint.health.endProbe(failure: failure)
        return true
    }
}
