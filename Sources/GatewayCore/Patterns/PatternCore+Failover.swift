import Synchronization

/// The failover drill of `POST /api/v1/external/test/failover`: a scratch breaker, configured
/// like the model's, is driven open by injected failures, shows how fast it rejects, waits out
/// its cool-down on a private clock, and closes again only if a real health probe of the
/// model's upstream succeeds. Live traffic and the live breakers are untouched.
public struct FailoverReport: Sendable {
    public struct Step: Sendable {
        public var state: String
        public var at: UnixTime
    }

    public var model: String
    public var steps: [Step]
    public var fastFailMs: Double
    public var recovered: Bool
}

extension PatternCore {
    public func simulateFailover(model name: String) async throws(GatewayError) -> FailoverReport {
        let model = try model(named: name)
        let cooldown = Duration.milliseconds(Int64(configuration.breakerCooldown * 1000))
        let drillClock = ManualClock(start: clock.now())
        let steps = Mutex<[FailoverReport.Step]>([FailoverReport.Step(state: "closed", at: wall.wallTime())])
        let wall = self.wall
        let breaker = Breaker(
            configuration: CircuitBreaker.Configuration(failureThreshold: configuration.circuitBreakerThreshold,
                                                        baseCooldown: cooldown),
            clock: drillClock
        ) { t in
            steps.withLock { $0.append(FailoverReport.Step(state: t.to.name, at: wall.wallTime())) }
        }
        for _ in 0..<configuration.circuitBreakerThreshold {
            if case .allowed(let probe) = breaker.acquire() { breaker.record(success: false, probe: probe) }
        }
        let t0 = ContinuousClock.now
        let rejected = !breaker.acquire().isAllowed
        let fastFail = PatternCore.milliseconds(ContinuousClock.now - t0)
        drillClock.advance(by: cooldown + .milliseconds(1))
        var recovered = false
        if rejected, case .allowed(let probe) = breaker.acquire() {
            var healthy = false
            for endpoint in pool.endpoints(for: model.name) where !healthy {
                healthy = await pool.probeHealth(endpoint, dialect: model.dialect)
            }
            breaker.record(success: healthy, probe: probe)
            recovered = healthy && breaker.state == .closed
        }
        return FailoverReport(model: model.name, steps: steps.withLock { $0 }, fastFailMs: fastFail, recovered: recovered)
    }
}
