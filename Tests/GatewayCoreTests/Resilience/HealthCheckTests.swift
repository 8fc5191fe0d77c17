import Testing
import Synchronization
@testable import GatewayCore

@Suite("Active health check state machine (manual clock)")
struct HealthCheckTests {
    private let settings = HealthCheck.Settings(interval: 10, timeout: 2, unhealthyThreshold: 3, healthyThreshold: 2)

    private func at(_ seconds: Double) -> GatewayInstant { GatewayInstant(nanoseconds: Int64(seconds * 1e9)) }

    // #expect cannot call a mutating method on a local; these make each step one expression.
    private func begin(_ h: inout HealthCheck, _ now: GatewayInstant) -> Bool { h.beginProbe(now: now) }
    private func end(_ h: inout HealthCheck, _ failure: String?, _ now: GatewayInstant) -> HealthCheck.Status? {
        h.endProbe(failure: failure, now: now)
    }

    @Test func startsHealthyWithTheFirstProbeDueAtOnce() {
        var h = HealthCheck(settings: settings, now: at(0))
        #expect(h.status == .healthy)
        #expect(h.waitBeforeProbe(now: at(0)) == .zero)
        #expect(begin(&h, at(0)))
        // One probe at a time: none is due while it is out.
        #expect(!begin(&h, at(100)))
        #expect(h.waitBeforeProbe(now: at(100)) == nil)
    }

    @Test func theNextProbeIsAnIntervalAfterTheLastEnded() {
        var h = HealthCheck(settings: settings, now: at(0))
        #expect(begin(&h, at(0)))
        #expect(end(&h, nil, at(1.5)) == nil)
        #expect(!begin(&h, at(11.4)))
        #expect(h.waitBeforeProbe(now: at(11)) == .milliseconds(500))
        #expect(begin(&h, at(11.5)))
    }

    @Test func unhealthyThresholdFailuresInARowTakeItOutOfRotation() {
        var h = HealthCheck(settings: settings, now: at(0))
        var t = 0.0
        func probe(_ failure: String?) -> HealthCheck.Status? {
            #expect(begin(&h, at(t)))
            let changed = h.endProbe(failure: failure, now: at(t))
            t += 10
            return changed
        }
        #expect(probe("HTTP 503") == nil)
        #expect(probe("HTTP 503") == nil)
        // A good probe between failures starts the count again.
        #expect(probe(nil) == nil)
        #expect(probe("HTTP 503") == nil)
        #expect(probe("HTTP 503") == nil)
        #expect(h.status == .healthy && h.snapshot.streak == 2)
        #expect(probe("timeout") == .unhealthy)
        #expect(h.status == .unhealthy && h.snapshot.lastFailure == "timeout")
        // Further failures change nothing.
        #expect(probe("timeout") == nil)
        #expect(h.snapshot.probes == 7)
    }

    @Test func healthyThresholdGoodProbesBringItBack() {
        var h = HealthCheck(settings: HealthCheck.Settings(interval: 1, timeout: 1, unhealthyThreshold: 1, healthyThreshold: 2),
                            now: at(0))
        #expect(begin(&h, at(0)))
        #expect(end(&h, "connect: refused", at(0)) == .unhealthy)
        #expect(begin(&h, at(1)))
        #expect(end(&h, nil, at(1)) == nil)
        #expect(h.status == .unhealthy && h.snapshot.streak == 1 && h.snapshot.lastFailure == nil)
        #expect(begin(&h, at(2)))
        #expect(end(&h, "HTTP 500", at(2)) == nil)
        #expect(begin(&h, at(3)))
        #expect(end(&h, nil, at(3)) == nil)
        #expect(begin(&h, at(4)))
        #expect(end(&h, nil, at(4)) == .healthy)
        #expect(h.status == .healthy)
    }

    @Test func anIntervalOfZeroNeverProbes() {
        var h = HealthCheck(settings: HealthCheck.Settings(interval: 0), now: at(0))
        #expect(!h.settings.enabled)
        #expect(!begin(&h, at(1000)))
        #expect(h.status == .healthy)
    }
}

@Suite("Endpoint health: transitions reach the handler once")
struct EndpointHealthTests {
    @Test func eachChangeIsReportedOnceWithItsReason() {
        let clock = ManualClock()
        let seen = TransitionLog()
        let health = EndpointHealth(model: "phi3", url: "http://127.0.0.1:1", settings: .init(interval: 1, timeout: 1,
                                    unhealthyThreshold: 2, healthyThreshold: 1), clock: clock) { seen.append($0) }
        for failure in ["HTTP 503", "HTTP 503", "HTTP 503", nil, nil] as [String?] {
            #expect(health.beginProbe())
            health.endProbe(failure: failure)
            #expect(!health.beginProbe())
            clock.advance(by: .seconds(1))
        }
        #expect(seen.all.map(\.to) == [.unhealthy, .healthy])
        #expect(seen.all.first?.reason == "HTTP 503")
        #expect(seen.all.first?.at == GatewayInstant(nanoseconds: 1_000_000_000))
        #expect(health.inRotation)
    }
}

final class TransitionLog: Sendable {
    private let log = Mutex<[EndpointHealth.Transition]>([])
    func append(_ t: EndpointHealth.Transition) { log.withLock { $0.append(t) } }
    var all: [EndpointHealth.Transition] { log.withLock { $0 } }
}
