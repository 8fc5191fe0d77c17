import Synchronization
import Testing

@testable import GatewayCore

@Suite("Breaker (shared, clocked)")
struct BreakerTests {
    @Test("drives the state machine with the injected clock and reports transitions")
    func transitions() {
        let clock = ManualClock()
        let seen = Mutex<[Breaker.Transition]>([])
        let breaker = Breaker(
            configuration: .init(failureThreshold: 2, baseCooldown: .seconds(5)), clock: clock,
            onTransition: { t in seen.withLock { $0.append(t) } })
        breaker.record(success: false, probe: false)
        breaker.record(success: false, probe: false)
        #expect(breaker.acquire() == .rejected(retryAfter: .seconds(5)))
        clock.advance(by: .seconds(2))
        #expect(breaker.snapshot().secondsUntilProbe == 3)
        clock.advance(by: .seconds(3))
        #expect(breaker.acquire() == .allowed(probe: true))
        breaker.record(success: true, probe: true)
        #expect(breaker.state == .closed)
        #expect(seen.withLock { $0 } == [
            .init(from: .closed, to: .open, at: instant(0)),
            .init(from: .open, to: .halfOpen, at: instant(5)),
            .init(from: .halfOpen, to: .closed, at: instant(5)),
        ])
    }

    @Test("under concurrent callers only halfOpenProbes get through")
    func concurrentProbes() async {
        let clock = ManualClock()
        let breaker = Breaker(configuration: .init(failureThreshold: 1, baseCooldown: .seconds(1), halfOpenProbes: 3), clock: clock)
        breaker.record(success: false, probe: false)
        clock.advance(by: .seconds(1))
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 { group.addTask { breaker.acquire().isAllowed } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 3)
    }
}
