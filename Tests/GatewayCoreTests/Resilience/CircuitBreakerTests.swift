import Testing

@testable import GatewayCore

@Suite("Circuit breaker state machine")
struct CircuitBreakerTests {
    static let config = CircuitBreaker.Configuration(
        failureThreshold: 3, baseCooldown: .seconds(30), maxCooldown: .seconds(300), halfOpenProbes: 1)

    /// A breaker driven to open at `t` by `threshold` failures.
    static func tripped(at t: Double = 0, config: CircuitBreaker.Configuration = config) -> CircuitBreaker {
        var breaker = CircuitBreaker(configuration: config)
        for _ in 0..<config.failureThreshold {
            #expect(breaker.acquire(now: instant(t)) == .allowed(probe: false))
            breaker.record(success: false, probe: false, now: instant(t))
        }
        #expect(breaker.state == .open)
        return breaker
    }

    @Test("defaults follow the contract")
    func defaults() {
        let c = CircuitBreaker.Configuration()
        #expect(c.failureThreshold == 10)
        #expect(c.baseCooldown == .seconds(30))
        #expect(c.maxCooldown == .seconds(300))
        #expect(c.halfOpenProbes == 1)
    }

    @Test("threshold - 1 consecutive failures stay closed; the threshold opens", arguments: [1, 3, 10])
    func threshold(_ threshold: Int) {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: threshold))
        for n in 1..<threshold {
            breaker.record(success: false, probe: false, now: instant(0))
            #expect(breaker.state == .closed)
            #expect(breaker.consecutiveFailures == n)
        }
        breaker.record(success: false, probe: false, now: instant(1))
        #expect(breaker.state == .open)
        #expect(breaker.trips == 1)
        #expect(breaker.nextProbeAt == instant(31))
    }

    @Test("a success in closed resets the count")
    func successResets() {
        var breaker = CircuitBreaker(configuration: Self.config)
        breaker.record(success: false, probe: false, now: instant(0))
        breaker.record(success: false, probe: false, now: instant(0))
        breaker.record(success: true, probe: false, now: instant(0))
        #expect(breaker.consecutiveFailures == 0)
        breaker.record(success: false, probe: false, now: instant(0))
        breaker.record(success: false, probe: false, now: instant(0))
        #expect(breaker.state == .closed)
    }

    @Test("open rejects with the time left until the probe", arguments: [
        (0.0, 30.0), (10.0, 20.0), (29.5, 0.5),
    ])
    func rejectsWhileOpen(_ elapsed: Double, _ retryAfter: Double) {
        var breaker = Self.tripped(at: 100)
        #expect(breaker.acquire(now: instant(100 + elapsed)) == .rejected(retryAfter: .milliseconds(Int64(retryAfter * 1000))))
        #expect(breaker.state == .open)
    }

    @Test("after the cooldown the breaker admits exactly halfOpenProbes probes", arguments: [1, 2, 5])
    func halfOpenAdmission(_ probes: Int) {
        var config = Self.config
        config.halfOpenProbes = probes
        var breaker = Self.tripped(config: config)
        for _ in 0..<probes {
            #expect(breaker.acquire(now: instant(30)) == .allowed(probe: true))
            #expect(breaker.state == .halfOpen)
        }
        #expect(breaker.acquire(now: instant(30)) == .rejected(retryAfter: config.probeBusyRetryAfter))
        #expect(breaker.probesInFlight == probes)
        #expect(breaker.nextProbeAt == nil)
    }

    @Test("a probe success closes, with count and cooldown reset")
    func probeSuccess() {
        var breaker = Self.tripped()
        #expect(breaker.acquire(now: instant(30)) == .allowed(probe: true))
        breaker.record(success: true, probe: true, now: instant(30.2))
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.cooldown == .seconds(30))
        #expect(breaker.acquire(now: instant(30.3)) == .allowed(probe: false))
    }

    @Test("a probe failure re-opens with twice the cooldown")
    func probeFailure() {
        var breaker = Self.tripped()
        #expect(breaker.acquire(now: instant(30)) == .allowed(probe: true))
        breaker.record(success: false, probe: true, now: instant(31))
        #expect(breaker.state == .open)
        #expect(breaker.trips == 2)
        #expect(breaker.cooldown == .seconds(60))
        #expect(breaker.nextProbeAt == instant(91))
        #expect(breaker.acquire(now: instant(90)) == .rejected(retryAfter: .seconds(1)))
        #expect(breaker.acquire(now: instant(91)) == .allowed(probe: true))
    }

    @Test("repeated re-trips double up to maxCooldown, then closing resets to base")
    func cooldownCap() {
        var breaker = Self.tripped()
        var now = 0.0
        var seen: [Duration] = []
        for _ in 0..<6 {
            now += breaker.cooldown.secondsDouble
            #expect(breaker.acquire(now: instant(now)) == .allowed(probe: true))
            breaker.record(success: false, probe: true, now: instant(now))
            seen.append(breaker.cooldown)
        }
        #expect(seen == [60, 120, 240, 300, 300, 300].map { Duration.seconds($0) })
        now += 300
        #expect(breaker.acquire(now: instant(now)) == .allowed(probe: true))
        breaker.record(success: true, probe: true, now: instant(now))
        #expect(breaker.cooldown == .seconds(30))
        // The next trip waits the base cooldown again.
        for _ in 0..<3 { breaker.record(success: false, probe: false, now: instant(now)) }
        #expect(breaker.nextProbeAt == instant(now + 30))
    }

    @Test("results of calls admitted before the trip change nothing while open or half-open")
    func lateResults() {
        var breaker = Self.tripped()
        breaker.record(success: true, probe: false, now: instant(1))
        #expect(breaker.state == .open)
        #expect(breaker.acquire(now: instant(30)) == .allowed(probe: true))
        breaker.record(success: true, probe: false, now: instant(30))
        breaker.record(success: false, probe: false, now: instant(30))
        #expect(breaker.state == .halfOpen)
        #expect(breaker.probesInFlight == 1)
    }

    @Test("an abandoned probe frees its slot")
    func abandon() {
        var breaker = Self.tripped()
        #expect(breaker.acquire(now: instant(30)) == .allowed(probe: true))
        #expect(!breaker.acquire(now: instant(30)).isAllowed)
        breaker.abandon(probe: true)
        #expect(breaker.acquire(now: instant(31)) == .allowed(probe: true))
    }

    @Test("snapshot shape and metric values", arguments: [
        (CircuitBreaker.State.closed, "closed", 0), (.halfOpen, "half_open", 1), (.open, "open", 2),
    ])
    func stateNames(_ state: CircuitBreaker.State, _ name: String, _ metric: Int) {
        #expect(state.name == name)
        #expect(state.metricValue == metric)
    }

    @Test("snapshot reports failures and the seconds until the probe")
    func snapshot() {
        var breaker = CircuitBreaker(configuration: Self.config)
        breaker.record(success: false, probe: false, now: instant(0))
        #expect(breaker.snapshot(now: instant(0)) == .init(state: .closed, failureCount: 1, trips: 0, secondsUntilProbe: nil))
        breaker = Self.tripped(at: 10)
        let open = breaker.snapshot(now: instant(22.5))
        #expect(open.stateName == "open")
        #expect(open.failureCount == 3)
        #expect(open.secondsUntilProbe == 17.5)
        #expect(breaker.snapshot(now: instant(100)).secondsUntilProbe == 0)
    }
}
